package stream

import "errors"

// The sentinel errors of package stream. Functions wrap them with detail,
// so test for them with errors.Is.
var (
	// ErrProtocol reports a message that breaks the protocol: a malformed
	// or unknown message, a text message in the middle of a stream, counts
	// that do not match what arrived. The other side is not a working qrtc
	// peer of this version; the stream cannot go on.
	ErrProtocol = errors.New("stream: protocol error")

	// ErrVersion reports a HELLO with a version this package does not
	// speak: update the older side.
	ErrVersion = errors.New("stream: unsupported protocol version")

	// ErrLeft reports that the other side closed the channel before both
	// directions of the stream were finished: it left (Ctrl-C, or a
	// browser page that closed its channel) before this side's data was
	// all written there, or before its own END.
	ErrLeft = errors.New("stream: the other side left before the stream ended")

	// ErrGone reports that the connection failed before both directions
	// were finished: the other side vanished (killed, network lost). The
	// connection's own error is wrapped as well.
	ErrGone = errors.New("stream: the connection ended before the stream ended")

	// ErrInput reports that reading the input failed; what was read before
	// was sent, but the stream did not end with END.
	ErrInput = errors.New("stream: reading the input failed")

	// ErrOutput reports that writing the output failed, so that what the
	// other side sends cannot be delivered.
	ErrOutput = errors.New("stream: writing the output failed")

	// ErrBadConfig reports an unusable Config field.
	ErrBadConfig = errors.New("stream: bad configuration")
)
