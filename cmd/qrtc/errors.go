package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/qrtc/qrtc/sdpcompact"
)

// Exit codes of qrtc. They are part of its contract: scripts depend on them.
const (
	exitOK          = 0   // a session that ended normally, or a helper that did its job
	exitNoConnect   = 1   // could not connect, timed out, or the other side vanished
	exitBadInput    = 2   // bad usage or bad input (a broken token, an image without a code)
	exitInterrupted = 130 // Ctrl-C (SIGINT): 128 + the signal number of SIGINT
	exitTerminated  = 143 // SIGTERM: 128 + its signal number; main tells it from SIGINT
)

// Sentinel errors of the command. Their text starts with the command name,
// is lower case and, where there is one, quotes the offending value.
var (
	// errHelpShown says that --help was asked for and the help was printed:
	// run turns it into success.
	errHelpShown = errors.New("qrtc: help shown")

	// errNoInput says that standard input ended before it gave what was needed.
	errNoInput = errors.New("qrtc: standard input ended")

	// errNotTokenOrImage says that a text was neither a token nor the path of a readable file.
	errNotTokenOrImage = errors.New("qrtc: neither a token nor the path of an image")

	// errWrongType says that an offer came where an answer was expected, or the reverse.
	errWrongType = errors.New("qrtc: wrong kind of token")

	// errTimeout says that the other side did not connect within --timeout.
	errTimeout = errors.New("qrtc: timed out")

	// errInterrupted says that the session was ended by a signal (Ctrl-C).
	errInterrupted = errors.New("qrtc: interrupted")

	// errPeerVanished says that the other side disappeared without closing the session.
	errPeerVanished = errors.New("qrtc: the other side vanished")

	// errTooLarge says that an input file is larger than qrtc reads.
	errTooLarge = errors.New("qrtc: file too large")

	// errStdout says that writing to standard output failed: the program
	// reading it ended (a broken pipe) or the file it goes to cannot grow.
	errStdout = errors.New("qrtc: could not write to standard output")

	// errEncodeOwn says that this side's own session description could not
	// be packed into a token, most often because it lists too many addresses.
	errEncodeOwn = errors.New("qrtc: cannot encode this side's description")
)

// candidateFlagsHint tells what to do when this computer has more addresses
// than a token carries.
const candidateFlagsHint = "limit the addresses with --interface NAME (repeatable, e.g. --interface eth0), --ipv4 or --ipv6"

// stdoutError turns a failed write to standard output into errStdout, which
// ends qrtc with exit code 1.
func stdoutError(err error) error {
	if err == nil {
		return nil
	}
	why := err
	var pe *os.PathError
	if errors.As(err, &pe) {
		why = pe.Err // "broken pipe", without the path /dev/stdout
	}
	return failf(exitNoConnect, "the program or file it goes to stopped taking data; nothing more can be shown", "%w (%v)", errStdout, why)
}

// encodeOwnError explains why this side's description (kind is "offer" or
// "answer") did not become a token; it ends qrtc with exit code 2.
func encodeOwnError(kind string, err error) error {
	if errors.Is(err, sdpcompact.ErrTooManyCandidates) {
		return failf(exitBadInput, candidateFlagsHint, "%w (the %s): %w", errEncodeOwn, kind, err)
	}
	return failf(exitBadInput, "run with -v to see the addresses, and limit them with --interface NAME, --ipv4 or --ipv6", "%w (the %s): %w", errEncodeOwn, kind, err)
}

// exitError carries the exit code that an error should end the process
// with and, when todo is set, what the person should do about it: report
// prints the cause on the first line and todo on the second (see
// people.go).
type exitError struct {
	code int
	err  error
	todo string // what to do next, one sentence without final period; may be empty
}

// Error returns the text of the wrapped error, followed by what to do.
func (e *exitError) Error() string {
	if e.todo == "" {
		return e.err.Error()
	}
	return e.err.Error() + ": " + e.todo
}

// Unwrap returns the wrapped error so that errors.Is sees through exitError.
func (e *exitError) Unwrap() error { return e.err }

// usageErrorf returns an error that ends qrtc with exit code 2. It says no
// more than its text: prefer failf, which adds what to do on a line of its
// own, as people.go describes.
func usageErrorf(format string, args ...any) error {
	return &exitError{code: exitBadInput, err: fmt.Errorf(format, args...)}
}

// failf returns an error for people that ends qrtc with exit code code:
// the cause, formatted like fmt.Errorf (%w keeps sentinels visible to
// errors.Is), and todo, what to do about it. report prints them on two lines.
func failf(code int, todo, format string, args ...any) error {
	return &exitError{code: code, err: fmt.Errorf(format, args...), todo: todo}
}

// withCode attaches an exit code to err, keeping it wrapped; nil stays nil.
func withCode(code int, err error) error {
	if err == nil {
		return nil
	}
	return &exitError{code: code, err: err}
}

// exitCode maps the error returned by run to the process exit code. Errors
// that carry a code (exitError, such as stdoutError's and encodeOwnError's)
// keep it; too many candidates is bad input; whatever is left is a failure
// of the session itself: exit code 1.
func exitCode(err error) int {
	if err == nil || errors.Is(err, errHelpShown) {
		return exitOK
	}
	if errors.Is(err, errInterrupted) || errors.Is(err, context.Canceled) {
		return exitInterrupted
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	if errors.Is(err, sdpcompact.ErrTooManyCandidates) {
		return exitBadInput // this computer's addresses: fixed with flags
	}
	return exitNoConnect // a broken stdout pipe (EPIPE) among them
}
