package main

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/qrtc/qrtc/peer"
	"github.com/qrtc/qrtc/sdpcompact"
)

func TestMessageLine(t *testing.T) {
	for _, c := range []struct {
		name, msg, want string
	}{
		{"plain", "hello", "hello"},
		{"empty", "", ""},
		{"backslash without line break", `C:\new\x \\ \n`, `C:\new\x \\ \n`},
		{"LF", "line one\nline two", `line one\nline two`},
		{"CRLF", "a\r\nb", `a\r\nb`},
		{"lone CR", "50%\r100%", `50%\r100%`},
		{"only LF", "\n", `\n`},
		{"backslash with line break", "C:\\new\nnext", `C:\\new\nnext`},
		{"backslash before LF", "a\\\nb", `a\\\nb`},
		{"unicode and tab", "grüße\t✓\n", "grüße\t✓\\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := messageLine(c.msg)
			if got != c.want {
				t.Errorf("messageLine(%q) = %q, want %q", c.msg, got, c.want)
			}
			if strings.ContainsAny(got, "\r\n") {
				t.Errorf("messageLine(%q) = %q has a line break, want one line", c.msg, got)
			}
			if strings.ContainsAny(c.msg, "\r\n") {
				if back := unescapeLine(got); back != c.msg {
					t.Errorf("unescaping messageLine(%q) = %q gives %q, want the message back", c.msg, got, back)
				}
			}
		})
	}
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
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

func FuzzMessageLine(f *testing.F) {
	for _, s := range []string{"", "hello", "a\nb", "a\r\nb", `C:\new`, "\\\n\\", "\r"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, msg string) {
		got := messageLine(msg)
		if strings.ContainsAny(got, "\r\n") {
			t.Fatalf("messageLine(%q) = %q has a line break", msg, got)
		}
		if !strings.ContainsAny(msg, "\r\n") {
			if got != msg {
				t.Fatalf("messageLine(%q) = %q, want it unchanged", msg, got)
			}
			return
		}
		if back := unescapeLine(got); back != msg {
			t.Fatalf("messageLine(%q) = %q unescapes to %q", msg, got, back)
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
