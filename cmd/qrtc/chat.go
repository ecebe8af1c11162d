package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/qrtc/qrtc/peer"
	"github.com/qrtc/qrtc/stream"
)

// streamConn is the Peer as the stream's message channel.
type streamConn struct{ *peer.Peer }

// ReceiveMessage returns the Peer's next message as a stream.Message.
func (c streamConn) ReceiveMessage(ctx context.Context) (stream.Message, error) {
	m, err := c.Peer.ReceiveMessage(ctx)
	return stream.Message(m), err
}

// chatState is what the words for people depend on, shared by the
// goroutines of a chat.
type chatState struct {
	inputEnded  atomic.Bool // this side's input ended (Ctrl-D, end of a pipe)
	remoteEnded atomic.Bool // the other side's stream ended
}

// chat carries standard input to the other side and the other side's
// stream to standard output (package stream), until both have ended, the
// other side leaves or vanishes, or Ctrl-C.
func (s *session) chat() error {
	var cs chatState
	var screen *screen
	var view *lineView // the other side's lines on a terminal
	if s.st.inTTY {
		sc, err := s.enterChatMode()
		if err != nil {
			return err
		}
		defer sc.restore()
		screen = sc
		// Said once the editor reads the terminal: what is typed from now
		// on is sent (after --verify); what came before is held (input).
		s.st.say("Check that the other side shows the same phrase. Type lines to send them; Ctrl-D on an empty line when you have finished (the other side can still send); Ctrl-C leaves at once.")
	}
	str, err := stream.New(streamConn{s.p}, stream.Config{
		MaxMessageSize:  s.p.MaxMessageSize(),
		Answerer:        s.answering,
		ChannelProtocol: s.p.Protocol(),
		RemoteEnded: func() {
			cs.remoteEnded.Store(true)
			if view != nil {
				view.flush() // before DONE: a last line without newline is written too
			}
			if screen != nil {
				if cs.inputEnded.Load() {
					s.st.say("The other side has finished sending too.")
				} else {
					s.st.say("The other side has finished sending. Press Ctrl-D when you have finished too (Ctrl-C leaves at once).")
				}
			}
		},
	})
	if err != nil {
		return failf(exitNoConnect, "report it: this is a bug in qrtc", "qrtc: %w", err)
	}
	if err := str.Negotiate(s.ctx); err != nil {
		return s.streamEnded(stream.Report{}, err, &cs)
	}
	if s.f.verify {
		if err := s.verify(screen); err != nil {
			return err
		}
	}
	var in io.Reader = s.lines
	if s.skipLine != nil {
		in = &skipFirst{lines: s.lines, skip: s.skipLine, say: s.st.say}
	}
	var out io.Writer = s.st.out
	if screen != nil {
		in = screen.input(s, &cs, str.Plain())
		if s.st.outTTY {
			view = screen.view()
		}
	} else if s.st.outTTY {
		view = &lineView{w: s.st.out}
	}
	if view != nil {
		out = view
	}
	r, err := str.Run(s.ctx, &endReader{r: in, ended: &cs.inputEnded}, out)
	if view != nil {
		view.flush()
	}
	return s.streamEnded(r, err, &cs)
}

// endReader notes when its reader ends.
type endReader struct {
	r     io.Reader
	ended *atomic.Bool
}

func (e *endReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if errors.Is(err, io.EOF) {
		e.ended.Store(true)
	}
	return n, err
}

// streamEnded closes the session after the stream and explains the end.
func (s *session) streamEnded(r stream.Report, err error, cs *chatState) error {
	switch {
	case err == nil:
		ctx, cancel := context.WithTimeout(s.ctx, shutdownTimeout)
		defer cancel()
		if serr := s.p.Shutdown(ctx); serr != nil {
			if s.ctx.Err() != nil {
				return s.interrupted()
			}
			if !r.Plain {
				// Everything was delivered both ways before: only the
				// closing handshake failed.
				return nil
			}
			return s.sessionError(fmt.Errorf("could not deliver everything before leaving: %w", serr))
		}
		switch {
		case r.Plain && r.SkippedLines > 0:
			were := "were"
			if r.SkippedLines == 1 {
				were = "was"
			}
			return failf(exitNoConnect, "split long lines; a qrtc peer on the other side takes lines of any length",
				"qrtc: %s (%s) %s not sent: longer than the other side accepts (%s per message)", count(int64(r.SkippedLines), "line"), count(r.SkippedBytes, "byte"), were, count(int64(s.p.MaxMessageSize()), "byte"))
		case r.Plain && !r.SentAll:
			s.st.say("The other side left; session ended.")
		case r.Plain:
		default:
			s.st.say("Session ended: everything sent was delivered (%s), everything received was written (%s).", count(r.DeliveredBytes, "byte"), count(r.ReceivedBytes, "byte"))
		}
		return nil
	case s.ctx.Err() != nil:
		s.goodbye()
		return s.interrupted()
	case errors.Is(err, stream.ErrLeft), errors.Is(err, stream.ErrGone):
		s.p.Close()
		s.summary(r, cs)
		if errors.Is(err, stream.ErrGone) {
			return failf(exitNoConnect, "start a new session and send again what was not delivered",
				"%w without closing the session (network lost or program killed)", errPeerVanished)
		}
		return failf(exitNoConnect, "ask the other side to end with Ctrl-D, not Ctrl-C, and send again what was not delivered",
			"qrtc: the other side left before the session ended")
	case errors.Is(err, stream.ErrOutput):
		s.goodbye() // tell the other side that this side leaves
		return stdoutError(errors.New(cause(err, stream.ErrOutput)))
	case errors.Is(err, stream.ErrInput):
		s.goodbye()
		s.summary(r, cs)
		return failf(exitNoConnect, "check where standard input comes from", "qrtc: cannot read standard input (%s)", cause(err, stream.ErrInput))
	case errors.Is(err, stream.ErrProtocol), errors.Is(err, stream.ErrVersion):
		s.goodbye()
		return failf(exitNoConnect, "run the same qrtc version on both sides", "qrtc: the other side does not follow qrtc's stream protocol: %v", err)
	}
	return s.sessionError(err)
}

// summary says, on stderr, what of this side's input did not reach the
// other side's output, and whether the other side's stream was complete.
func (s *session) summary(r stream.Report, cs *chatState) {
	missing := r.ReadBytes - r.DeliveredBytes
	rest := ""
	if !r.SentAll && !cs.inputEnded.Load() {
		rest = "; the rest of the input was not read"
	}
	switch {
	case r.SentAll:
		s.st.say("Sent: %s, all delivered.", count(r.ReadBytes, "byte"))
	case missing > 0:
		s.st.say("Sent: %s of the %s read were not delivered, from line %s on (%s written there)%s.",
			count(missing, "byte"), count(r.ReadBytes, "byte"), group(r.DeliveredLines+1), count(r.DeliveredLines, "line"), rest)
	default:
		s.st.say("Sent: %s read, all delivered%s.", count(r.ReadBytes, "byte"), rest)
	}
	if r.Plain {
		return
	}
	if r.ReceivedAll {
		s.st.say("Received: %s, complete.", count(r.ReceivedBytes, "byte"))
	} else {
		s.st.say("Received: %s, without the other side's end mark: what it sent may be incomplete.", count(r.ReceivedBytes, "byte"))
	}
}

// cause returns the text of err without the sentinel it starts with.
func cause(err, sentinel error) string {
	return strings.TrimPrefix(err.Error(), sentinel.Error()+": ")
}

// count writes n with its noun, singular or plural ("1 entry", "1,024
// entries"), digits grouped.
func count(n int64, noun string) string {
	switch {
	case n == 1:
		return "1 " + noun
	case strings.HasSuffix(noun, "y"):
		return group(n) + " " + strings.TrimSuffix(noun, "y") + "ies"
	}
	return group(n) + " " + noun + "s"
}

// group writes n with commas between groups of three digits.
func group(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return s
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// lineView shows a received stream on a terminal: line by line, control
// characters escaped (messageLine), with an optional mark before each line.
// A line is shown once it is complete, or when flush is called.
type lineView struct {
	mu      sync.Mutex
	w       io.Writer
	mark    string
	partial []byte
}

// partialLimit bounds the bytes of a line held back until its end: longer
// lines are shown in pieces.
const partialLimit = 64 << 10

func (v *lineView) Write(p []byte) (int, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	rest := p
	for len(rest) > 0 {
		i := bytes.IndexByte(rest, '\n')
		if i < 0 {
			v.partial = append(v.partial, rest...)
			if len(v.partial) >= partialLimit {
				if err := v.show(); err != nil {
					return 0, err
				}
			}
			break
		}
		v.partial = append(v.partial, rest[:i]...)
		rest = rest[i+1:]
		if err := v.show(); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// show writes the held line.
func (v *lineView) show() error {
	line := v.mark + messageLine(string(v.partial), true) + "\n"
	v.partial = v.partial[:0]
	_, err := io.WriteString(v.w, line)
	return err
}

// flush shows a last line that had no newline.
func (v *lineView) flush() {
	v.mu.Lock()
	defer v.mu.Unlock()
	if len(v.partial) > 0 {
		_ = v.show() // the stream has ended; a failing terminal has nothing more to show
	}
}

// showPhrase shows the verification phrase as soon as both descriptions are
// known, before the connection opens, so that people can compare it before
// anything is sent.
func (s *session) showPhrase() {
	if phrase := s.p.Phrase(); phrase != "" {
		s.st.say("Verification phrase: %s (the other side must show the same words; if not, a code was swapped)", phrase)
	}
}

// skipFirst drops the first line of a piped input when it is the answer
// that already came inside the other side's connectivity check (one-scan):
// a script that pastes the answer then streams must not send the answer.
// Any other input passes byte for byte: the first line is looked at
// (peek) before it is taken.
type skipFirst struct {
	lines *lineReader
	skip  func(string) bool
	say   func(format string, args ...any)
	done  bool
	rest  []byte
}

func (f *skipFirst) Read(p []byte) (int, error) {
	if !f.done {
		f.done = true
		if err := f.dropAnswer(); err != nil {
			return 0, err
		}
	}
	if len(f.rest) > 0 {
		n := copy(p, f.rest)
		f.rest = f.rest[n:]
		return n, nil
	}
	return f.lines.Read(p)
}

// dropAnswer takes the first line when it is the answer.
func (f *skipFirst) dropAnswer() error {
	if !f.lines.reading() {
		b, err := f.lines.peek(context.Background())
		if err != nil {
			return err
		}
		first, _, _ := bytes.Cut(b, []byte("\n"))
		if !f.skip(strings.TrimSpace(string(first))) {
			return nil
		}
		if _, err := f.lines.line(context.Background()); err != nil {
			return err
		}
		f.say("Not sent: that line is the answer, which already came with the other side's connectivity check.")
		return nil
	}
	// The prompt had asked for a line before the answer came in the check:
	// that line is the next one, taken whole (the prompt reads lines).
	l, err := f.lines.line(context.Background())
	switch {
	case err != nil:
		return err
	case l.err != nil:
		return l.err
	case l.tooLong > 0:
		return failf(exitBadInput, "put the answer on a line of its own before the data, or leave it out",
			"qrtc: the first line of standard input (%d bytes) was read as a possible answer and is too long to send on", l.tooLong)
	case f.skip(strings.TrimSpace(l.text)):
		f.say("Not sent: that line is the answer, which already came with the other side's connectivity check.")
	default:
		f.rest = []byte(l.text + "\n")
	}
	return nil
}
