package transfer

import "errors"

// Errors returned by this package, wrapped with details: test them with
// errors.Is.
var (
	// ErrProtocol means the other side sent a message this side cannot
	// parse, or one that breaks the protocol's order; it runs a broken or
	// hostile program. The transfer stops.
	ErrProtocol = errors.New("transfer: protocol error")

	// ErrVersion means the other side speaks a protocol version this one
	// does not know: both sides need a qrtc that speaks the same version.
	ErrVersion = errors.New("transfer: unsupported protocol version")

	// ErrDeclined means the receiver declined the transfer (a person said
	// no, or there is not enough space); nothing was written.
	ErrDeclined = errors.New("transfer: the receiver declined")

	// ErrAborted means the other side stopped the transfer with an ERROR
	// message; the error says why.
	ErrAborted = errors.New("transfer: the other side stopped")

	// ErrIncomplete means the transfer ended but not everything was
	// delivered: files were skipped or failed. The Report says which.
	ErrIncomplete = errors.New("transfer: not everything was delivered")

	// ErrSource means a path given to Scan cannot be sent: it does not
	// exist, cannot be read, or is not a file, folder or link.
	ErrSource = errors.New("transfer: cannot send")

	// ErrDestination means the receiving folder cannot be used: it does not
	// exist, is not a folder, or its space cannot be checked.
	ErrDestination = errors.New("transfer: cannot receive into the folder")

	// ErrNoSpace means the receiving file system has less free space than
	// the transfer needs.
	ErrNoSpace = errors.New("transfer: not enough free space")
)
