package main

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/qrtc/qrtc/peer"
	"github.com/qrtc/qrtc/sdpcompact"
)

func TestMessageLine(t *testing.T) {
	for _, c := range []struct {
		name, msg string
		tty       bool
		want      string
	}{
		{"plain", "hello", false, "hello"},
		{"empty", "", false, ""},
		{"backslash without line break", `C:\new\x \\ \n`, false, `C:\new\x \\ \n`},
		{"LF", "line one\nline two", false, `line one\nline two`},
		{"CRLF", "a\r\nb", false, `a\r\nb`},
		{"lone CR", "50%\r100%", false, `50%\r100%`},
		{"only LF", "\n", false, `\n`},
		{"backslash with line break", "C:\\new\nnext", false, `C:\\new\nnext`},
		{"backslash before LF", "a\\\nb", false, `a\\\nb`},
		{"unicode and tab", "grüße\t✓\n", false, "grüße\t✓\\n"},
		{"ESC to a pipe stays raw", "\x1b]52;c;cHduZWQ=\a", false, "\x1b]52;c;cHduZWQ=\a"},
		{"C1 to a pipe stays raw", "a\u009bb\xff", false, "a\u009bb\xff"},
		{"tty plain", "hello, wörld ✓", true, "hello, wörld ✓"},
		{"tty tab stays", "a\tb", true, "a\tb"},
		{"tty backslash without control stays", `C:\new`, true, `C:\new`},
		{"tty OSC 52 clipboard", "\x1b]52;c;cHduZWQ=\a", true, `\x1b]52;c;cHduZWQ=\x07`},
		{"tty title and backslash", "\x1b]0;pwned\x1b\\", true, `\x1b]0;pwned\x1b\\`},
		{"tty cursor move", "\x1b[2A\x1b[2Kconnected; verification phrase: x", true, `\x1b[2A\x1b[2Kconnected; verification phrase: x`},
		{"tty NUL and DEL", "a\x00b\x7f", true, `a\x00b\x7f`},
		{"tty C1 CSI", "a\u009b2Ab", true, `a\xc2\x9b2Ab`},
		{"tty raw 8-bit CSI", "a\x9b2Ab", true, `a\x9b2Ab`},
		{"tty invalid UTF-8", "caf\xe9", true, `caf\xe9`},
		{"tty line break", "a\nb\\", true, `a\nb\\`},
		{"tty U+00A0 stays", "a\u00a0b", true, "a\u00a0b"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := messageLine(c.msg, c.tty)
			if got != c.want {
				t.Errorf("messageLine(%q, %v) = %q, want %q", c.msg, c.tty, got, c.want)
			}
			if strings.ContainsAny(got, "\r\n") {
				t.Errorf("messageLine(%q, %v) = %q has a line break, want one line", c.msg, c.tty, got)
			}
			if c.tty && hasTerminalControl(got) {
				t.Errorf("messageLine(%q, true) = %q holds a control character", c.msg, got)
			}
			if got != c.msg {
				if back := unescapeLine(got); back != c.msg {
					t.Errorf("unescaping messageLine(%q, %v) = %q gives %q, want the message back", c.msg, c.tty, got, back)
				}
			}
		})
	}
}

// hasTerminalControl reports whether s holds a byte a terminal acts on: a C0
// control other than TAB, DEL, or any byte that is not printable ASCII or
// part of a UTF-8 character outside the C1 range.
func hasTerminalControl(s string) bool {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			return true
		case r < 0x20 && r != '\t', r == 0x7f, r >= 0x80 && r <= 0x9f:
			return true
		}
		i += size
	}
	return false
}

// unescapeLine reverses the escaping of messageLine, as a reader of qrtc's
// output would.
func unescapeLine(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		i++
		switch s[i] {
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 'x':
			if v, err := strconv.ParseUint(s[i+1:min(i+3, len(s))], 16, 8); err == nil && i+3 <= len(s) {
				b.WriteByte(byte(v))
				i += 2
				continue
			}
			b.WriteByte(s[i])
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

func FuzzMessageLine(f *testing.F) {
	for _, s := range []string{"", "hello", "a\nb", "a\r\nb", `C:\new`, "\\\n\\", "\r", "\x1b]52;c;eA==\a", "\u009b2J", "\xff\\x41", "tab\tdel\x7f"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, msg string, tty bool) {
		got := messageLine(msg, tty)
		if strings.ContainsAny(got, "\r\n") {
			t.Fatalf("messageLine(%q, %v) = %q has a line break", msg, tty, got)
		}
		if tty && hasTerminalControl(got) {
			t.Fatalf("messageLine(%q, true) = %q holds a control character", msg, got)
		}
		escape := strings.ContainsAny(msg, "\r\n") || (tty && hasTerminalControl(msg))
		if !escape {
			if got != msg {
				t.Fatalf("messageLine(%q, %v) = %q, want it unchanged", msg, tty, got)
			}
			return
		}
		if back := unescapeLine(got); back != msg {
			t.Fatalf("messageLine(%q, %v) = %q unescapes to %q", msg, tty, got, back)
		}
	})
}

// TestMessagesFromAnotherProgram: a WebRTC peer that is not qrtc (a pion
// peer of the test, standing in for a browser page) sends messages with line
// breaks; qrtc prints each on one line. Its graceful end (Shutdown) ends
// qrtc's session normally; closing without it (Close) is a vanished peer.
func TestMessagesFromAnotherProgram(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name     string
		graceful bool
	}{
		{"shutdown", true},
		{"close", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
			defer cancel()
			offerer := startQRTC(t, "offer", nil, sessionCmd("offer")...)
			offer, err := sdpcompact.Decode(offerer.token())
			if err != nil {
				t.Fatalf("sdpcompact.Decode(the offer token) = %v", err)
			}
			ufrag, pwd, err := sdpcompact.NewICECredentials()
			if err != nil {
				t.Fatal(err)
			}
			p, err := peer.New(peer.Config{ICEUfrag: ufrag, ICEPwd: pwd, IncludeLoopback: true,
				InterfaceFilter: func(name string) bool { return name == "lo" }})
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			answerSDP, err := p.Answer(ctx, offer.SDP)
			if err != nil {
				t.Fatalf("Answer(qrtc's offer) = %v", err)
			}
			answerTok, err := sdpcompact.EncodeAnswer(sdpcompact.Description{Type: sdpcompact.Answer, SDP: answerSDP}, offer)
			if err != nil {
				t.Fatalf("EncodeAnswer = %v", err)
			}
			offerer.write(answerTok + "\n")
			if err := p.WaitOpen(ctx); err != nil {
				t.Fatalf("WaitOpen() = %v", err)
			}
			offerer.phrase()
			for _, m := range []struct{ send, line string }{
				{"line one\nline two", `line one\nline two`},
				{"windows\r\nline", `windows\r\nline`},
				{"C:\\temp\nnext", `C:\\temp\nnext`},
				{`C:\temp, no line break`, `C:\temp, no line break`},
				{"last\n", `last\n`},
			} {
				if err := p.Send(ctx, m.send); err != nil {
					t.Fatalf("Send(%q) = %v", m.send, err)
				}
				offerer.waitStdout(m.line)
			}
			if c.graceful {
				if err := p.Shutdown(ctx); err != nil {
					t.Fatalf("Shutdown() = %v", err)
				}
				offerer.waitStderr(regexp.MustCompile(`other side left`))
				offerer.wantExit(0)
			} else {
				if err := p.Close(); err != nil {
					t.Fatalf("Close() = %v", err)
				}
				offerer.wantExit(exitNoConnect, "without closing the session")
			}
			lines := offerer.stdout.all()
			if len(lines) != 6 {
				t.Errorf("qrtc printed %d lines on stdout, want 6 (its token and 5 messages): %q", len(lines), lines)
			}
		})
	}
}

// TestPlainPeerLongLine: a peer that does not speak the stream protocol (a
// Peer here, as a browser page) with a small message limit gets one text
// message per line; a longer line is skipped, counted at the end, and the
// exit code is 1 although the session ended normally.
func TestPlainPeerLongLine(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	offerer := startQRTC(t, "offer", nil, sessionCmd("offer")...)
	offer, err := sdpcompact.Decode(offerer.token())
	if err != nil {
		t.Fatal(err)
	}
	ufrag, pwd, err := sdpcompact.NewICECredentials()
	if err != nil {
		t.Fatal(err)
	}
	p, err := peer.New(peer.Config{ICEUfrag: ufrag, ICEPwd: pwd, IncludeLoopback: true, MaxMessageSize: 4096,
		InterfaceFilter: func(name string) bool { return name == "lo" }})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	answerSDP, err := p.Answer(ctx, offer.SDP)
	if err != nil {
		t.Fatal(err)
	}
	answerTok, err := sdpcompact.EncodeAnswer(sdpcompact.Description{Type: sdpcompact.Answer, SDP: answerSDP}, offer)
	if err != nil {
		t.Fatal(err)
	}
	offerer.write(answerTok + "\n")
	if err := p.WaitOpen(ctx); err != nil {
		t.Fatal(err)
	}
	// The plain peer speaks first, as a person at a page might; qrtc then
	// knows it at once instead of after waiting for a HELLO.
	if err := p.Send(ctx, "hi from a page"); err != nil {
		t.Fatal(err)
	}
	offerer.waitStdout("hi from a page")
	offerer.write("short\n" + strings.Repeat("y", 5000) + "\nafter\n")
	for _, want := range []string{"short", "after"} {
		m, err := p.ReceiveMessage(ctx)
		if err != nil || m.Binary || string(m.Data) != want {
			t.Fatalf("the plain peer received %q (binary %v), %v; want the text message %q", m.Data, m.Binary, err, want)
		}
	}
	offerer.closeStdin()
	offerer.wantExit(1, "1 line (5,001 bytes) was not sent", "4,096 bytes per message")
}
