package onescan

import "errors"

// The sentinel errors of package onescan; functions wrap them with detail,
// so test for them with errors.Is.
var (
	// ErrNotOneScan reports a ufrag or STUN USERNAME that is not a one-scan
	// answer of this version: the answerer answered the ordinary way, and
	// its answer token is needed.
	ErrNotOneScan = errors.New("onescan: not a one-scan answer")

	// ErrNotDescribable reports an answer that a one-scan ufrag cannot
	// describe: a fingerprint that is not 32 bytes of SHA-256, or a
	// max-message-size below 65536. Answer the ordinary way.
	ErrNotDescribable = errors.New("onescan: answer cannot be described by a one-scan ufrag")
)
