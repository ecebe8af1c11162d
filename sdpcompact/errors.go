package sdpcompact

import "errors"

// Errors returned by this package. They are wrapped with details (the
// offending value, its position) so test them with errors.Is.
var (
	// ErrNotToken means the text does not start with the qrtc token prefix
	// "QRTC"; it is probably an SDP, a file name or something else entirely.
	ErrNotToken = errors.New("sdpcompact: not a qrtc token")

	// ErrInvalidLink means the base URL given to Link is not an absolute
	// http or https URL.
	ErrInvalidLink = errors.New("sdpcompact: invalid link base URL")

	// ErrUnsupportedVersion means the token was made by a qrtc with a token
	// format this one does not know; both sides need the same qrtc version.
	ErrUnsupportedVersion = errors.New("sdpcompact: unsupported token version")

	// ErrTruncated means characters are missing at the end of the token,
	// usually because only part of it was copied.
	ErrTruncated = errors.New("sdpcompact: token is truncated")

	// ErrChecksum means the token's checksum does not match its content:
	// a character was mistyped, swapped or misread.
	ErrChecksum = errors.New("sdpcompact: token checksum mismatch")

	// ErrInvalidCharacter means the token holds a character outside its
	// alphabet (digits and letters); the error says which and where.
	ErrInvalidCharacter = errors.New("sdpcompact: invalid character in token")

	// ErrInvalidToken means the token passed its checksum but its content
	// is not something this package writes: it was made by a broken or
	// hostile encoder.
	ErrInvalidToken = errors.New("sdpcompact: invalid token content")

	// ErrMediaNotSupported means the description has audio, video or other
	// media sections, or several sections; a token carries exactly one
	// data-channel section.
	ErrMediaNotSupported = errors.New("sdpcompact: media not supported")

	// ErrNoCandidates means the description has no ICE candidate, usually
	// because it was taken before ICE gathering completed (trickle ICE).
	ErrNoCandidates = errors.New("sdpcompact: description has no ICE candidates")

	// ErrTooManyCandidates means the description lists more candidates
	// than a token may carry (MaxCandidates).
	ErrTooManyCandidates = errors.New("sdpcompact: too many ICE candidates")

	// ErrMalformedSDP means the text is not a session description this
	// package understands: a line or a value is wrong or a required line
	// is missing.
	ErrMalformedSDP = errors.New("sdpcompact: malformed session description")

	// ErrWrongOffer means an answer token was made for a different offer
	// than the one it is checked against, for example an old answer.
	ErrWrongOffer = errors.New("sdpcompact: answer is for a different offer")

	// ErrWrongType means a token of the wrong type was given: CheckAnswer
	// got an offer token ("QRTC1O...") where an answer token ("QRTC1A...")
	// belongs, usually the offer pasted back instead of the other side's
	// answer.
	ErrWrongType = errors.New("sdpcompact: wrong token type")
)
