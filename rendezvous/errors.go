package rendezvous

import "errors"

// Errors returned by this package; test them with errors.Is.
var (
	// ErrBadCode means a code is not a number followed by 2 or 3 words of
	// the list; the error says which part and what to type instead.
	ErrBadCode = errors.New("rendezvous: bad code")

	// ErrBurned means a message for this session did not open with this
	// code: the other person typed another code, or someone tried to guess
	// it. The code is used up (an attacker gets one guess per session):
	// start again with a new code.
	ErrBurned = errors.New("rendezvous: wrong code, or someone tried to guess it: start again with a new code")

	// ErrContested means that the joining side saw another, newer hello on
	// the code's number after it had answered one, and the offer of the
	// answered one did not come: a stale session, two sessions on one
	// number, or someone trying to guess the code. Answering the other hello
	// too would give its author a second guess, so the session stops
	// without one: start again with a new code.
	ErrContested = errors.New("rendezvous: another session appeared on this code's number and this one did not go on (someone may be trying to guess the code): start again with a new code")

	// ErrBadMessage means a rendezvous message is malformed: wrong length,
	// unknown version or type. Such messages are skipped, never burn a code.
	ErrBadMessage = errors.New("rendezvous: malformed message")

	// ErrTokenTooLong means a token does not fit in a DHT item (BEP 44
	// stores at most 1000 bytes).
	ErrTokenTooLong = errors.New("rendezvous: token too long for a rendezvous message")

	// ErrNumberBusy means the number of the code is in use by another
	// session that is still waiting; pick another code.
	ErrNumberBusy = errors.New("rendezvous: this code number is in use by another waiting session")

	// ErrNoTransport means neither the DHT nor the local network could be
	// used: no bootstrap node answered and multicast is off or failed.
	ErrNoTransport = errors.New("rendezvous: no way to reach the other side")

	// ErrClosed means the Rendezvous was closed.
	ErrClosed = errors.New("rendezvous: closed")
)
