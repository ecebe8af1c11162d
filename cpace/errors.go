package cpace

import "errors"

// Errors returned by this package; test them with errors.Is.
var (
	// ErrBadShare means the other party's public share is not the 32-byte
	// encoding of a ristretto255 element, or is the identity element: it
	// came from a broken or hostile peer, and the run must be abandoned.
	ErrBadShare = errors.New("cpace: invalid public share")

	// ErrRandom means the random source failed while choosing the secret
	// scalar.
	ErrRandom = errors.New("cpace: cannot read random bytes")

	// ErrFinished means Finish was called a second time: a State computes
	// one key, and its secret scalar is erased afterwards.
	ErrFinished = errors.New("cpace: run already finished")
)
