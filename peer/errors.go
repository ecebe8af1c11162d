package peer

import "errors"

// The sentinel errors of package peer. Functions wrap them with detail, so
// test for them with errors.Is.
var (
	// ErrBadConfig reports a Config field with an unusable value.
	ErrBadConfig = errors.New("peer: bad configuration")

	// ErrBadCredentials reports local ICE credentials that RFC 8839
	// section 5.4 forbids: a ufrag shorter than 4 or a password shorter than
	// 22 characters, more than 256 characters, a character outside
	// ALPHA / DIGIT / "+" / "/", or only one of the two set.
	ErrBadCredentials = errors.New("peer: bad ICE credentials")

	// ErrBadDescription reports SDP text that cannot be parsed or that lacks
	// what a WebRTC session needs (ICE credentials, a DTLS fingerprint).
	ErrBadDescription = errors.New("peer: bad session description")

	// ErrNotOffer reports that Answer was given a description that is not an
	// offer (its a=setup attribute is not "actpass", RFC 8842 section 5.3).
	ErrNotOffer = errors.New("peer: description is not an offer")

	// ErrNotAnswer reports that Accept was given a description that is not
	// an answer (its a=setup attribute is "actpass", which only offers use).
	ErrNotAnswer = errors.New("peer: description is not an answer")

	// ErrNoDataChannel reports a description without an accepted
	// "m=application ... webrtc-datachannel" section (RFC 8841), so no data
	// channel can be opened with it.
	ErrNoDataChannel = errors.New("peer: description has no data channel")

	// ErrWrongState reports a call made at the wrong point of the exchange,
	// such as Accept before Offer, or Offer twice.
	ErrWrongState = errors.New("peer: call out of order")

	// ErrICEFailed reports that no candidate pair connected: the two sides
	// could not reach each other. It comes wrapped in a *ConnectError that
	// lists the candidates and pairs that were tried.
	ErrICEFailed = errors.New("peer: ICE connectivity checks failed")

	// ErrPeerGone reports that the other side vanished without closing the
	// chat: its process was killed, its network went away, or it closed the
	// connection without closing the channel first.
	ErrPeerGone = errors.New("peer: the other side is gone")

	// ErrMessageTooLarge reports a message longer than the other side's
	// a=max-message-size (RFC 8841 section 6). Nothing of it was sent.
	ErrMessageTooLarge = errors.New("peer: message too large")

	// ErrWebRTC reports that pion's WebRTC stack refused or failed an
	// operation the Peer asked of it (creating the channel or a
	// description, closing the connection); the text carries pion's
	// reason. It points at a bug or a broken environment rather than at
	// the other side: try again with a new Peer, and report it if it
	// persists.
	ErrWebRTC = errors.New("peer: the WebRTC stack failed")

	// ErrAnswered reports that the offer already has its answer: on the
	// offerer, Accept of an answer after a one-scan check carried another
	// one; on the answerer, that the offerer took another answer first
	// (Config.OneScan, package onescan).
	ErrAnswered = errors.New("peer: the offer was already answered")

	// ErrClosed reports a call on a Peer after Close or Shutdown, or a Send
	// after the other side closed the channel.
	ErrClosed = errors.New("peer: closed")
)
