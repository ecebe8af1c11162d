package main

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/sys/unix"
	"golang.org/x/term"
)

// screen is the chat on a terminal: the terminal out of canonical mode (no
// 4,095-byte line limit; Ctrl-C still a signal), golang.org/x/term's line
// editor with a prompt, and received lines and status written above the
// line being typed.
type screen struct {
	st    *stdio
	fd    int
	old   *unix.Termios
	out   io.Writer // where the editor draws: stdout when it is a terminal, else stderr
	t     *term.Terminal
	in    *editorInput
	errLW *lockedWriter // stderr, redirected through the editor while chatting
	errW  io.Writer     // what errLW wrote to before
	once  sync.Once
}

// editorInput is what the line editor reads: the text typed before the
// connection opened (once released), then the terminal.
type editorInput struct {
	mu      sync.Mutex
	pre     []byte
	release bool
	lines   *lineReader
}

// The markers of bracketed paste, which the editor reads as "pasted".
const (
	pasteStart = "\x1b[200~"
	pasteEnd   = "\x1b[201~"
)

// Read gives the editor what was typed. golang.org/x/term's editor drops
// typed characters beyond 4,096 on a line, but takes pasted text of any
// length; terminals mark pastes (bracketed paste) when asked, but not all
// do. So a chunk that arrives at once and holds only text and line ends,
// as a paste does (typing gives a key or two per read), is marked as pasted
// here: a long line pasted at a terminal without bracketed paste still
// arrives whole.
func (e *editorInput) Read(p []byte) (int, error) {
	e.mu.Lock()
	if e.release && len(e.pre) > 0 {
		n := copy(p, e.pre)
		e.pre = e.pre[n:]
		e.mu.Unlock()
		return n, nil
	}
	e.mu.Unlock()
	room := len(p) - len(pasteStart) - len(pasteEnd)
	if room < 2 {
		return e.lines.Read(p)
	}
	n, err := e.lines.Read(p[len(pasteStart) : len(pasteStart)+room])
	chunk := p[len(pasteStart) : len(pasteStart)+n]
	if n >= 2 && plainText(chunk) {
		copy(p, pasteStart)
		copy(p[len(pasteStart)+n:], pasteEnd)
		return n + len(pasteStart) + len(pasteEnd), err
	}
	return copy(p, chunk), err
}

// plainText reports whether b is whole UTF-8 characters that are printable,
// tabs or line ends: what a paste holds, and no key an editor acts on.
func plainText(b []byte) bool {
	if !utf8.Valid(b) {
		return false
	}
	for _, r := range string(b) {
		if r != '\t' && r != '\r' && r != '\n' && !unicode.IsPrint(r) && r != ' ' {
			return false
		}
	}
	return true
}

// enterChatMode takes the terminal on standard input out of canonical mode
// and starts the line editor. What was typed while the session connected is
// taken out of the terminal and kept aside (see input).
func (s *session) enterChatMode() (*screen, error) {
	f, ok := s.st.in.(fder)
	if !ok {
		return nil, errors.New("qrtc: standard input is a terminal without a file descriptor; this is a bug in qrtc")
	}
	fd := int(f.Fd())
	old, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return nil, failf(exitNoConnect, "run qrtc with standard input from a file or pipe instead", "qrtc: cannot read the terminal's settings: %v", err)
	}
	chat := editorMode(*old)
	// Lines ended with Enter or Ctrl-D while the session connected are
	// taken first, in canonical mode, where Ctrl-D reads as the end of
	// input: out of it, Linux leaves a NUL byte in its place.
	pre := s.takeTypedLines(fd)
	if err := unix.IoctlSetTermios(fd, unix.TCSETS, &chat); err != nil {
		return nil, failf(exitNoConnect, "run qrtc with standard input from a file or pipe instead", "qrtc: cannot set up the terminal for the chat: %v", err)
	}
	sc := &screen{st: s.st, fd: fd, old: old}
	// Out of canonical mode, the rest (a line not yet ended) can be read at once.
	if n, err := unix.IoctlGetInt(fd, unix.TIOCINQ); err == nil && n > 0 {
		buf := make([]byte, n)
		for got := 0; got < n; {
			m, err := s.lines.Read(buf[:n-got])
			pre = append(pre, buf[:m]...)
			got += m
			if err != nil {
				break
			}
		}
	}
	sc.in = &editorInput{pre: pre, lines: s.lines}
	sc.out = s.st.out
	lw, _ := s.st.err.(*lockedWriter)
	if !s.st.outTTY && lw != nil {
		sc.out = lw.w
	}
	sc.t = term.NewTerminal(struct {
		io.Reader
		io.Writer
	}{sc.in, sc.out}, "")
	if w, h, err := term.GetSize(fd); err == nil && w > 0 && h > 0 {
		_ = sc.t.SetSize(w, h) // a wrong size only misplaces long lines
		// A terminal that reports no size keeps the editor's 80x24.
	}
	if lw != nil && s.st.errTTY {
		sc.errLW = lw
		lw.mu.Lock()
		sc.errW, lw.w = lw.w, sc.t
		lw.mu.Unlock()
	}
	sc.t.SetBracketedPasteMode(true)
	return sc, nil
}

// editorMode returns the terminal settings t changed for golang.org/x/term's
// line editor: like term.MakeRaw, but Ctrl-C, Ctrl-Z and Ctrl-\ keep
// sending their signals (ISIG), and output processing (OPOST) stays on, so
// that lines written to stderr elsewhere keep their carriage returns.
func editorMode(t unix.Termios) unix.Termios {
	t.Lflag &^= unix.ICANON | unix.ECHO | unix.ECHONL | unix.IEXTEN
	// ICRNL stays: Enter gives "\n", which the editor takes as Enter too,
	// and which also ends a line that an earlier prompt was still reading.
	t.Iflag &^= unix.INLCR | unix.IGNCR | unix.IXON | unix.ISTRIP | unix.BRKINT | unix.PARMRK
	t.Cc[unix.VMIN], t.Cc[unix.VTIME] = 1, 0
	return t
}

// takeTypedLines reads, without waiting, what was typed at the terminal fd
// (still in canonical mode) while the session connected, line by line: the
// answer to a prompt given up on, and every line since ended with Enter or
// Ctrl-D. Each Ctrl-D becomes byte 4 in what it returns.
func (s *session) takeTypedLines(fd int) []byte {
	pre := s.lines.ready()
	buf := make([]byte, 64<<10)
	// A terminal that hung up reads as ended forever: the cap stops that.
	for range 1024 {
		fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
		n, err := unix.Poll(fds, 0)
		if err != nil || n == 0 || fds[0].Revents&unix.POLLIN == 0 || fds[0].Revents&(unix.POLLHUP|unix.POLLERR) != 0 {
			return pre
		}
		m, err := s.lines.Read(buf)
		pre = append(pre, buf[:m]...)
		if m == 0 && errors.Is(err, io.EOF) {
			pre = append(pre, 4)
		} else if err != nil {
			return pre
		}
	}
	return pre
}

// restore puts the terminal and stderr back as they were.
func (sc *screen) restore() {
	sc.once.Do(func() {
		sc.t.SetPrompt("")
		_, _ = sc.t.Write(nil) // clears the prompt line; nothing to report at the end
		sc.t.SetBracketedPasteMode(false)
		if sc.errLW != nil {
			sc.errLW.mu.Lock()
			sc.errLW.w = sc.errW
			sc.errLW.mu.Unlock()
		}
		_ = unix.IoctlSetTermios(sc.fd, unix.TCSETS, sc.old) // the process ends; a terminal that refuses has nothing left to hear
	})
}

// view returns the writer that shows the other side's stream: each line
// marked as theirs, above the line being typed.
func (sc *screen) view() *lineView {
	mark := "them: "
	if sc.st.getenv("NO_COLOR") == "" {
		mark = "\x1b[1;36mthem:\x1b[0m "
	}
	return &lineView{w: sc.t, mark: mark}
}

// input explains what happens to what was typed before the connection
// opened, starts the prompt and returns this side's input: one line per
// Enter, ended by Ctrl-D on an empty line.
func (sc *screen) input(s *session, cs *chatState, plain bool) io.Reader {
	pre := sc.in.pre
	ctrlD := bytes.IndexByte(pre, 4) >= 0
	text := typedText(pre)
	if ctrlD {
		s.st.say("Ctrl-D typed before the connection opened was ignored; press it again now to finish sending.")
	}
	if text != "" {
		s.st.say("What you typed before the connection opened was not sent; it is on your input line: press Enter to send it, or Ctrl-U to clear it.")
	}
	sc.in.mu.Lock()
	sc.in.pre, sc.in.release = []byte(text), true
	sc.in.mu.Unlock()
	sc.t.SetPrompt("you: ")
	return &editor{t: sc.t, skip: s.skipLine, say: s.st.say, ended: func() {
		sc.t.SetPrompt("")
		switch {
		case plain:
			s.st.say("You have finished sending; ending the session.")
		case cs.remoteEnded.Load():
			s.st.say("You have finished sending too; ending the session.")
		default:
			s.st.say("You have finished sending; the other side is told. Waiting for it to finish (Ctrl-C leaves at once).")
		}
	}}
}

// typedText turns what was typed before the connection opened into one
// line for the editor: line breaks become spaces, control characters and
// escape sequences are dropped.
func typedText(pre []byte) string {
	var b strings.Builder
	for len(pre) > 0 {
		r, size := utf8.DecodeRune(pre)
		pre = pre[size:]
		switch {
		case r == '\r' || r == '\n' || r == '\t':
			b.WriteByte(' ')
		case r == 0x1b:
			// An escape sequence (an arrow key): drop it up to its final byte.
			for len(pre) > 0 && (pre[0] == '[' || pre[0] == 'O' || (pre[0] >= '0' && pre[0] <= '9') || pre[0] == ';') {
				pre = pre[1:]
			}
			if len(pre) > 0 {
				pre = pre[1:]
			}
		case r == utf8.RuneError || unicode.IsControl(r):
		default:
			b.WriteRune(r)
		}
	}
	return strings.TrimSpace(b.String())
}

// editor reads lines from the line editor as a byte stream: each line with
// its "\n", and io.EOF after Ctrl-D on an empty line.
type editor struct {
	t       *term.Terminal
	pending []byte
	eof     bool
	ended   func()
	skip    func(line string) bool // lines not to send (session.skipLine)
	say     func(format string, args ...any)
}

func (e *editor) Read(p []byte) (int, error) {
	for len(e.pending) == 0 {
		if e.eof {
			return 0, io.EOF
		}
		line, err := e.t.ReadLine()
		if errors.Is(err, term.ErrPasteIndicator) {
			err = nil // a pasted line is a line like any other
		}
		if errors.Is(err, io.EOF) {
			e.eof = true
			e.ended()
			return 0, io.EOF
		}
		if err != nil {
			return 0, err
		}
		if e.skip != nil && e.skip(strings.TrimSpace(line)) {
			e.say("Not sent: that line is the answer, which already came with the other side's connectivity check.")
			continue
		}
		e.pending = append(e.pending[:0], line...)
		e.pending = append(e.pending, '\n')
	}
	n := copy(p, e.pending)
	e.pending = e.pending[n:]
	return n, nil
}

// verify asks whether both screens show the same phrase, before anything is
// sent or shown (--verify). Anything but "y" or "yes" ends the session.
func (s *session) verify(sc *screen) error {
	sc.t.SetPrompt("Same phrase on both screens? [y/N] ")
	answer, err := sc.t.ReadLine()
	sc.t.SetPrompt("")
	if err == nil || errors.Is(err, term.ErrPasteIndicator) {
		switch strings.ToLower(strings.TrimSpace(answer)) {
		case "y", "yes":
			s.st.say("Phrase confirmed.")
			return nil
		}
	}
	s.goodbye()
	return failf(exitNoConnect, "start a new session; if the phrases differ, a code may have been swapped: exchange them again, in person if you can",
		"qrtc: the phrase was not confirmed, so nothing was sent or shown")
}
