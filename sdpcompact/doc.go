// Package sdpcompact turns a complete WebRTC data-channel session
// description into a short checksummed text token, and a token back into
// SDP that real WebRTC stacks accept.
//
// qrtc has no signaling server: each side's description, with every ICE
// candidate already gathered (no trickle ICE, RFC 8838), travels as a token
// that a person shows as a QR code or pastes into a chat. An offer made by
// qrtc's own peer with one IPv4 host candidate is 95 characters (QR version
// 5 at level M), with an IPv4 and an IPv6 host candidate (192.0.2.2 and
// fd00::2) 107; a Chromium or Firefox offer with an mDNS host candidate and
// a server-reflexive candidate is about 133. The package is pure: no I/O, no
// network, standard library only.
//
//	tok, err := sdpcompact.Encode(sdpcompact.Description{Type: sdpcompact.Offer, SDP: sdp})
//	// ... the other side:
//	d, err := sdpcompact.Decode(tok)
//
// # What a token keeps
//
// Everything the other peer needs to connect (see Session):
//
//   - the ICE username fragment and password (RFC 8839 section 5.4), ICE
//     lite (section 5.3) and a=ice-options (section 5.6);
//   - every DTLS certificate fingerprint with its hash function (RFC 8122
//     section 5): md2, md5, sha-1, sha-224, sha-256, sha-384 or sha-512,
//     session or media level (media level wins, as in RFC 8122);
//   - the DTLS role a=setup (RFC 8842 section 5; actpass, active, passive,
//     holdconn);
//   - the mid (RFC 8843), a=sctp-port and a=max-message-size (RFC 8841
//     sections 5 and 6; absent means 5000 and 65536 as those sections say);
//   - a=qrtc-one-scan, by which an offer says that its maker accepts
//     one-scan answers (package onescan);
//   - every ICE candidate of component 1: type (host, srflx, prflx, relay),
//     transport (UDP, or TCP with tcptype active, passive or so, RFC 6544
//     section 4.5), address (IPv4, IPv6, an mDNS "<uuid>.local" name or
//     another host name), port, and raddr/rport of non-host candidates, in
//     the order of preference.
//
// # What a token drops, and why
//
//   - The origin line's session id and version, the session name, timing,
//     bandwidth and connection lines: the receiver only needs them to be
//     well-formed (RFC 8866), and Decode writes fixed values.
//   - Candidate priorities and foundations: Decode recomputes them with the
//     formulas of RFC 8445 section 5.1.2 (type preference 126 host, 110
//     prflx, 100 srflx, 0 relay; local preference 65535 minus the position,
//     so the order of preference survives) and section 5.1.1.3 (same type,
//     base and transport share a foundation).
//   - Candidates of component 2: data channels use bundle and rtcp-mux, so
//     only component 1 is ever used (RFC 8843, RFC 8841 section 4).
//   - Candidate extensions: generation, ufrag, network-id, network-cost
//     (hints for ICE restarts and the local stack, not needed by the
//     remote one), and raddr/rport of host candidates, which have none.
//   - a=group:BUNDLE (rewritten from the mid), a=msid-semantic,
//     a=extmap-allow-mixed, a=sendrecv, a=end-of-candidates (rewritten,
//     the token is always complete) and any other attribute.
//
// Parse returns exactly what is kept, so two descriptions with the same
// Parse result are the same for qrtc: Parse(Decode(Encode(x))) equals
// Parse(x).
//
// What a token cannot carry is refused, never cut short: audio, video or
// several media sections (ErrMediaNotSupported), a data section rejected
// with port 0 (RFC 3264 section 6; ErrMalformedSDP), no candidates because
// gathering was not waited for (ErrNoCandidates), more than MaxCandidates
// candidates (ErrTooManyCandidates), anything else unreadable
// (ErrMalformedSDP).
//
// # Credentials
//
// NewICECredentials draws S, 16 bytes from crypto/rand. The password is
// base64.RawStdEncoding(S): 22 characters, the RFC 8839 minimum, 128 bits
// (RFC 8445 section 5.3 asks for at least 128 bits of randomness). The ufrag
// is base64.RawStdEncoding of the first 3 bytes of SHA-256("qrtc ufrag v1"
// || S): 4 characters that reveal nothing of S. A token stores such a pair
// as S alone, 128 bits; nobody without the token learns anything about the
// password. Any other credentials work too and cost more: the 2-bit shapes
// of libwebrtc (Chromium, Safari: 4 + 24 ice-chars, 6 bits each), Firefox
// (8 + 32 lower-case hex digits, 4 bits each) and pion's defaults (16 + 32
// ice-chars), or an explicit alphabet and length for each.
//
// One-scan answers (package onescan) have a 47-character ufrag made of the
// DTLS fingerprint and max-message-size, and a password of 16 bytes in
// base64: a token stores them as the fingerprint it stores anyway and the
// password's 16 bytes in the place of S, with an extension bit (below)
// that says so. A one-scan answer token is therefore as long as an answer
// with NewICECredentials, not shorter: its password comes from the offer,
// but Decode of an answer token alone must still give the whole answer.
//
// # Token text
//
// A version 1 token looks like
//
//	QRTC1ONS8ECKOSSV0QU6PWDI8RCBGQ5MN10B16BQIC90ONLA4P460CC86625WKK2AQNKZ5QZYJKU8UIQDIO5C000BXZC5Q0
//
// and is, character by character:
//
//	QRTC      the prefix: people see what it is, LooksLikeToken checks it
//	1         the format version (ErrUnsupportedVersion otherwise)
//	O or A    offer or answer
//	L         the token length modulo 36, one base-36 digit
//	body      the payload bits in base 36, see below
//	CCC       the checksum, 3 base-36 digits
//
// Only digits and upper-case letters are used: QR codes store them in
// alphanumeric mode (5.5 bits a character), and they survive mail, chat,
// URLs and shells without quoting. Decode upper-cases its input and drops
// all whitespace (mail clients wrap long lines), and a pair of quotes or
// angle brackets around the token.
//
// A link that opens the page with a token (Link) is the page's URL with the
// token as its fragment: "https://qrtc.github.io/qrtc/#QRTC1O...", scheme and
// host in lower case. Decode and LooksLikeToken read text holding "://" and a
// '#' as the part after the last '#'.
//
// The body cuts the payload bits into chunks of 31 bits, most significant
// first; each is written as 6 base-36 digits (36^6 > 2^31). The last chunk of
// r < 31 bits takes the fewest k characters with floor(k*log2(36)) >= r
// (5, 10, 15, 20, 25 bits for k = 1 to 5, else 6 characters), padded with
// zero bits. Early chunks do not depend on later ones, so a truncated token
// keeps its beginning.
//
// The checksum is (20741 + sum of 15^(i+1) * value(c_i)) mod 46649 over
// every character before it (46649 is the largest prime below 36^3, 15 a
// primitive root). Every single wrong character and every swap of two
// different neighbouring characters before the checksum changes it. Two
// wrong neighbours go unnoticed when the second is off by 1 or 2 and the
// first by 15 or 30 the other way (15 * 1 + 1 * -15 = 0); other errors go
// unnoticed with probability 1 in 46649. Such a token may still decode, to
// a wrong fingerprint or address, and then fails to connect. When it does not
// match, Decode uses the length digit to say whether characters are missing
// at the end (ErrTruncated), one is missing or doubled in the middle, or one
// is mistyped (ErrChecksum); non-alphanumeric characters get
// ErrInvalidCharacter with their position. When the length digit agrees,
// the token is complete with a wrong character, or a multiple of 36
// characters is missing at the end (a 112-character token wrapped at 76
// columns loses its last 36 with its second line): if changing one
// character or swapping two neighbours gives a token that decodes, Decode
// names the character (ErrChecksum); otherwise it reads the payload, which
// describes its own length, and reports ErrTruncated when it runs out of
// bits.
//
// # Payload bits (version 1)
//
// EG(k) below is an order-k exponential-Golomb code of a non-negative
// number, str is EG(0) of the length minus one followed by 8-bit bytes.
//
//	answers only: 1 bit "tagged", then 16 bits offer tag (EncodeAnswer)
//	1 bit  profile: what qrtc's own peer emits
//	  1: 128 bits credential seed S, 256 bits sha-256 fingerprint; implies
//	     setup actpass (offer) or active (answer), mid "0", sctp-port 5000,
//	     max-message-size 1073741823, no ice-lite, no ice-options
//	  0: settings:
//	     1 bit  derived credentials: 1 then 128 bits S, or 0 then
//	            2 bits shape: 0 libwebrtc, 1 Firefox, 2 pion (characters
//	            follow, 6 or 4 bits each), 3 explicit: for ufrag then
//	            password, 2 bits alphabet (0 hex lower, 1 hex upper,
//	            2 ice-char), EG(2) or EG(3) of length minus 4 or 22,
//	            the characters
//	     1 bit  common: one sha-256 fingerprint, no ice-lite, default setup,
//	            mid "0", sctp-port 5000
//	       1: 256 bits fingerprint
//	       0: 1 bit ice-lite; EG(0) fingerprints minus one, each 3 bits
//	          hash (0 sha-256, 1 sha-1, 2 sha-384, 3 sha-512, 4 sha-224,
//	          5 md5, 6 md2) and its bytes; 1 bit default setup, else 2 bits
//	          (0 actpass, 1 active, 2 passive, 3 holdconn); 1 bit mid "0",
//	          else str; 1 bit sctp-port 5000, else 16 bits
//	     2 bits ice-options: 0 none, 1 "trickle", 2 str
//	     2 bits max-message-size: 0 1073741823, 1 262144, 2 65536,
//	            3 EG(16) of the value
//	EG(0)  number of candidates minus one (at most MaxCandidates)
//	per candidate, in order of preference:
//	  1 bit  host UDP, else 2 bits type (0 host, 1 srflx, 2 prflx, 3 relay)
//	         and 2 bits transport (0 UDP, 1 TCP active, 2 TCP passive,
//	         3 TCP so)
//	  address, one of these kinds:
//	         00     IPv4, 32 bits
//	         010    IPv6, 128 bits
//	         0110   prefix of earlier candidate i: ceil(log2(earlier
//	                candidates)) bits i, then for IPv4 (sharing the first
//	                24 bits with i's address) the last 8 bits, for IPv6
//	                (sharing the first g >= 4 of the 8 16-bit groups) 2 bits
//	                g-4, then the 8-g groups after them
//	         01110  IPv6 around a run of zero groups: 3 bits a, 3 bits b
//	                (a+b <= 7), the first a groups, the last b groups; the
//	                groups between are zero
//	         01111  IPv6 link-local fe80::/64 (RFC 4291 section 2.5.6):
//	                the 64-bit interface id
//	         10     mDNS name of a version 4 UUID (the 122 bits that are
//	                not fixed)
//	         110    same address as earlier candidate i (ceil(log2(earlier
//	                candidates)) bits)
//	         111    host name (EG(0) length minus one, 6 bits a character
//	                of a-z 0-9 - . _)
//	         An address takes the kind with the fewest bits; on a tie the
//	         kind listed first. The prefix kind refers to the earlier
//	         candidate with an IP address of the same family that shares
//	         the most leading 16-bit groups (IPv6) or the first 24 bits
//	         (IPv4), the first such candidate on a tie; the zero-run kind
//	         uses the longest run of zero groups, the first on a tie.
//	         Same always wins when it applies. fd00::2 takes 43 bits, a
//	         second address in the /64 of an earlier one 70 and the bits
//	         of i, fe80::1c2d:3e4f:5a6b:7c8d 69.
//	  port:  16 bits; for TCP active 1 bit "port 9" (RFC 6544 section 4.5)
//	         first
//	  non-host candidates: 0 raddr 0.0.0.0 rport 0 (hidden by browsers),
//	         10 raddr and rport of earlier candidate i, 11 address as above
//	         and 16 bits rport
//	extension bits, each 0 when absent (an encoder leaves out the zero bits
//	at the end, so a token without extensions is exactly what it was
//	before they existed, and a decoder reads missing bits as 0):
//	  1 bit  a=qrtc-one-scan
//	  1 bit  one-scan credentials: the 128 bits of S above are the
//	         password's bytes (base64, 22 characters), and the ufrag is
//	         onescan.Ufrag of the first fingerprint (sha-256) and the
//	         max-message-size
//	zero bits up to the end of the last chunk
//
// A decoder older than the extension bits refuses a token that has them
// (ErrInvalidToken: its re-encoding differs); every older token decodes
// the same with this one.
//
// Every session has exactly one encoding: Decode re-encodes what it read and
// refuses a token that differs (ErrInvalidToken), so a token that decodes
// re-encodes to itself.
//
// # Offer tags
//
// EncodeAnswer adds to an answer 16 bits of SHA-256 over the offer's ICE
// credentials and fingerprints; CheckAnswer compares them, so a person who
// pastes the answer to an older offer gets ErrWrongOffer instead of a
// connection that never comes up, and one who pastes an offer gets
// ErrWrongType. Encode(Decode(t)) drops the tag.
//
// # What Decode writes
//
// Conservative, standard SDP with CRLF line ends: v=0, an o= line with a
// session id derived from the credentials, s=-, t=0 0, a=ice-lite if kept,
// a=group:BUNDLE with the mid, m=application 9 UDP/DTLS/SCTP
// webrtc-datachannel, c=IN IP4 0.0.0.0, a=ice-ufrag, a=ice-pwd,
// a=ice-options if kept, a=fingerprint lines, a=setup, a=mid, a=sctp-port,
// a=max-message-size, a=qrtc-one-scan if kept, the a=candidate lines and
// a=end-of-candidates.
package sdpcompact
