package main

import (
	"flag"
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
	// size, when stderr is a terminal, reads its width and height in
	// characters; ok is false when the terminal does not tell.
	size func() (width, height int, ok bool)
	// outSize is size for stdout, when stdout is a terminal.
	outSize func() (width, height int, ok bool)
	// flagSet is the FlagSet whose help parseFlags printed last: it lets
	// completion and the man page list every command's flags.
	flagSet *flag.FlagSet
}

// newStdio wraps the standard streams and finds out which are terminals.
func newStdio(stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) *stdio {
	st := &stdio{
		in:     stdin,
		out:    stdout,
		err:    &lockedWriter{w: stderr},
		inTTY:  isTerminal(stdin),
		outTTY: isTerminal(stdout),
		errTTY: isTerminal(stderr),
		getenv: getenv,
	}
	if f, ok := stderr.(fder); ok && st.errTTY {
		st.size = sizeOf(f)
	}
	if f, ok := stdout.(fder); ok && st.outTTY {
		st.outSize = sizeOf(f)
	}
	return st
}

// say prints one line for people on stderr. On a terminal that tells its
// width, a line longer than that is broken between words, so that the
// terminal does not cut one.
func (st *stdio) say(format string, args ...any) {
	text := fmt.Sprintf(format, args...)
	if st.size != nil {
		if w, _, ok := st.size(); ok && w > 1 {
			lines := strings.Split(text, "\n")
			for i, line := range lines {
				if len(line) > w {
					// An indented line (a list) stays indented.
					indent := line[:len(line)-len(strings.TrimLeft(line, " "))]
					lines[i] = indent + strings.ReplaceAll(wrapText(line, max(w-len(indent), 1)), "\n", "\n"+indent)
				}
			}
			text = strings.Join(lines, "\n")
		}
	}
	io.WriteString(st.err, text+"\n") // one write: lines of other goroutines stay apart
}

// sayError prints an error for people on stderr: "qrtc: CAUSE" and, on a
// second line, what to do (see writeError).
func (st *stdio) sayError(err error) {
	var b strings.Builder
	writeError(&b, err)
	io.WriteString(st.err, b.String()) // one write: lines of other goroutines stay apart
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
// with explicit colours on a terminal unless NO_COLOR is set (the eight
// basic colours where TERM and COLORTERM say that the terminal has no 256),
// plain half blocks otherwise, ASCII when asked.
//
// Without colours the ink is the terminal's foreground colour, so a plain
// code comes out light on dark on a dark theme: inverted, which many
// scanners read poorly. No plain drawing is the right way round on both
// themes, so on a terminal whose COLORFGBG (set by rxvt, Konsole, iTerm2
// and others) names a dark background the code is drawn inverted (ink for
// the light modules and the quiet zone), which makes it dark on light there.
func (st *stdio) terminalOptions(tty, ascii bool) qr.TerminalOptions {
	opt := qr.TerminalOptions{Style: qr.StyleHalfBlock}
	if ascii {
		opt.Style = qr.StyleASCII
	}
	noColor := st.getenv("NO_COLOR") != "" // set and not empty, as https://no-color.org asks
	opt.Color = tty && !noColor && !ascii
	opt.BasicColors = opt.Color && basicColors(st.getenv)
	opt.Invert = tty && !opt.Color && darkBackground(st.getenv("COLORFGBG"))
	return opt
}

// darkBackground reports whether a COLORFGBG value ("fg;bg" or
// "fg;default;bg", colours as numbers of the 16-colour palette) names a dark
// background: black, the dark colours 1 to 6, or dark grey (8). Anything it
// cannot read counts as light, the way an unset COLORFGBG does.
func darkBackground(colorfgbg string) bool {
	fields := strings.Split(colorfgbg, ";")
	if len(fields) < 2 {
		return false
	}
	switch fields[len(fields)-1] {
	case "0", "1", "2", "3", "4", "5", "6", "8":
		return true
	}
	return false
}

// basicColors reports whether the terminal described by the environment
// knows only the basic 8 or 16 colours, so that a QR code must not use the
// 256-colour palette: TERM is "linux", "vt100", "vt220" or "ansi", or does
// not mention "256color", "truecolor" or "direct", and COLORTERM (which
// terminals with more colours set) is unset. An unset TERM counts as basic.
func basicColors(getenv func(string) string) bool {
	if getenv("COLORTERM") != "" {
		return false
	}
	term := getenv("TERM")
	switch term {
	case "linux", "vt100", "vt220", "ansi":
		return true
	}
	for _, rich := range []string{"256color", "truecolor", "direct"} {
		if strings.Contains(term, rich) {
			return false
		}
	}
	return true
}

// sizeOf returns a function that reads the width and height of the
// terminal f, in characters; ok is false when the terminal does not tell.
func sizeOf(f fder) func() (int, int, bool) {
	return func() (int, int, bool) {
		w, h, err := term.GetSize(int(f.Fd()))
		return w, h, err == nil && w > 0 && h > 0
	}
}
