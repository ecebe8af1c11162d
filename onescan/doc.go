// Package onescan lets a WebRTC answer travel back to the offerer inside
// the answerer's first ICE connectivity check, so that two people need one
// scanned code (the offer) instead of two.
//
// The answerer starts its connectivity checks (RFC 8445 section 7.2.4) as
// soon as it has the offer. Each check is a STUN Binding request whose
// USERNAME is "<offer ufrag>:<answer ufrag>" and whose MESSAGE-INTEGRITY is
// keyed with the offer's ICE password (RFC 8445 section 7.2.2, RFC 8489
// section 14.5). When the offerer can be reached directly, these checks
// arrive before the answer token does, and they can carry the three things
// the offerer needs from the answer: the answerer's DTLS certificate
// fingerprint (in its ufrag), its ICE password (derived from the offer, so
// the offerer can repeat the derivation) and its address (the check's
// source, a peer-reflexive candidate, RFC 8445 section 7.3.1.3). The rest
// of an answer is fixed for a data-channel session: a=setup:active, the
// offer's mid, a=sctp-port:5000.
//
// # The offer's flag
//
// An offer whose maker understands one-scan answers carries the media-level
// SDP attribute
//
//	a=qrtc-one-scan
//
// (Attribute). Stacks that do not know it ignore it (RFC 8866 section 5.13).
// An answerer that does not see it answers the ordinary way.
//
// # The answer's ufrag (version 1)
//
// 47 characters, all of them ice-chars (RFC 8839 section 5.4):
//
//	QS1       3 characters: one-scan ufrag, version 1
//	M         1 character: the largest message the answerer accepts
//	          (RFC 8841 section 6), rounded down to one of
//	          A = 65536, B = 262144, C = 1073741823 (or no limit)
//	F         43 characters: the answerer's DTLS certificate fingerprint,
//	          SHA-256 (RFC 8122 section 5), 32 bytes in base64 with the
//	          standard alphabet and no padding (RFC 4648 section 4)
//
// An answerer whose a=max-message-size is below 65536 (and not 0, which
// means no limit) cannot be described and answers the ordinary way. The
// offerer treats M as the answer's a=max-message-size and F as its
// a=fingerprint:sha-256.
//
// # The answer's password (version 1)
//
//	pwd = base64(HKDF-SHA-256(IKM  = the offer's ice-pwd, as bytes,
//	                          salt = "qrtc one-scan v1",
//	                          info = offer ufrag || ":" || answer ufrag,
//	                          L    = 16))
//
// HKDF is RFC 5869 with SHA-256; base64 is RFC 4648 section 4 without
// padding: 22 characters, the RFC 8839 minimum, 128 bits. Everyone who has
// seen the offer can compute it; to everyone else it is 128 bits of
// pseudorandom key, as RFC 8445 section 5.3 asks, because the offer's
// password has at least 128 bits of randomness (qrtc: 128, Chromium: 144,
// Firefox: 128). Binding the answer ufrag into info gives every answerer
// its own password.
//
// # What one-scan trusts
//
// Anyone who has seen the offer can compute a fitting check, exactly as
// anyone who has seen the offer can answer it today: the first answer to
// arrive, by check or by token, wins, and the verification phrase (which
// covers both fingerprints) shows who it was.
package onescan
