package main

import (
	"fmt"
	"io"
	"strings"
	"sync"

	"golang.org/x/term"

	"github.com/qrtc/qrtc/qr"
)

// stdio is what a command may touch of the outside world: the three standard
// streams (stdout for data, stderr for people) and the environment.
type stdio struct {
	in     io.Reader
	out    io.Writer // data only: tokens, received messages, JSON
	err    io.Writer // people: QR codes, prompts, status, errors; safe for concurrent use
	inTTY  bool      // stdin is an interactive terminal
	outTTY bool
	errTTY bool
	getenv func(string) string
}

// newStdio wraps the standard streams and finds out which are terminals.
func newStdio(stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) *stdio {
	return &stdio{
		in:     stdin,
		out:    stdout,
		err:    &lockedWriter{w: stderr},
		inTTY:  isTerminal(stdin),
		outTTY: isTerminal(stdout),
		errTTY: isTerminal(stderr),
		getenv: getenv,
	}
}

// say prints one line for people on stderr.
func (st *stdio) say(format string, args ...any) {
	fmt.Fprintf(st.err, format+"\n", args...)
}

// sayError prints an error as one line on stderr, prefixed with "qrtc:".
func (st *stdio) sayError(err error) {
	msg := strings.ReplaceAll(err.Error(), "\n", " ")
	if !strings.HasPrefix(msg, "qrtc") {
		msg = "qrtc: " + msg
	}
	st.say("%s", msg)
}

// fder is what *os.File has and a terminal needs.
type fder interface{ Fd() uintptr }

// isTerminal reports whether v is a file that is an interactive terminal.
func isTerminal(v any) bool {
	f, ok := v.(fder)
	return ok && term.IsTerminal(int(f.Fd()))
}

// lockedWriter serialises writes so that lines from several goroutines do not
// interleave.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

// Write writes p in one piece.
func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// terminalOptions chooses how a QR code is drawn on a stream: half blocks
// with explicit colours on a terminal unless NO_COLOR is set, plain half
// blocks otherwise, ASCII when asked.
func (st *stdio) terminalOptions(tty, ascii bool) qr.TerminalOptions {
	opt := qr.TerminalOptions{Style: qr.StyleHalfBlock}
	if ascii {
		opt.Style = qr.StyleASCII
	}
	_, noColor := lookupEnv(st.getenv, "NO_COLOR")
	opt.Color = tty && !noColor && !ascii
	return opt
}

// lookupEnv reports whether the variable is set to a non-empty value, as
// https://no-color.org asks.
func lookupEnv(getenv func(string) string, name string) (string, bool) {
	v := getenv(name)
	return v, v != ""
}
