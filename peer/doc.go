// Package peer is the WebRTC side of qrtc, built on pion/webrtc: it gathers
// every ICE candidate before it hands out a session description, applies the
// other side's description, and carries chat messages over a data channel.
package peer
