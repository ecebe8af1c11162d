// Package pionlink holds the test that connects two real pion/webrtc peers
// through sdpcompact tokens. It lives apart from sdpcompact so that
// sdpcompact's own tests stay free of pion/webrtc and this package's test
// can build it.
package pionlink
