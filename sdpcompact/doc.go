// Package sdpcompact turns a complete WebRTC data-channel session
// description into a short checksummed text token, and a token back into SDP.
//
// (The token format is documented here byte by byte once it is final.)
package sdpcompact
