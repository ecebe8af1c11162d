package main

import (
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// writeBlankPNG writes a white image without any QR code.
func writeBlankPNG(t *testing.T, path string) {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, 200, 200))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	img.SetGray(50, 50, color.Gray{})
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// corrupt changes one character in the middle of a token.
func corrupt(tok string) string {
	b := []byte(tok)
	i := len(b) / 2
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return string(b)
}

// connectedPair starts an offerer and an answerer, carries the tokens across
// and waits until both sides say "connected".
func connectedPair(t *testing.T) (offerer, answerer *proc) {
	t.Helper()
	offerer = startQRTC(t, "offer", nil, sessionCmd("offer")...)
	answerer = startQRTC(t, "answer", nil, sessionCmd("answer", offerer.token())...)
	offerer.write(answerer.token() + "\n")
	offerer.phrase()
	answerer.phrase()
	return offerer, answerer
}

func TestAnswerBadInput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	blank := filepath.Join(dir, "blank.png")
	writeBlankPNG(t, blank)
	notImage := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notImage, []byte("shopping list\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// A real offer, to corrupt and to cut short.
	offerer := startQRTC(t, "offer", nil, sessionCmd("offer")...)
	tok := offerer.token()
	offerer.kill()

	tests := []struct {
		name      string
		arg       string
		fragments []string
	}{
		{"corrupted token", corrupt(tok), []string{"bad token"}},
		{"truncated token", tok[:len(tok)-10], []string{"bad token"}},
		{"image without code", blank, []string{"no QR code", "blank.png"}},
		{"file that is no image", notImage, []string{"notes.txt"}},
		{"missing file", filepath.Join(dir, "nothing.jpg"), []string{"nothing.jpg", "token"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := startQRTC(t, "answer", nil, sessionCmd("answer", tc.arg)...)
			p.wantExit(2, tc.fragments...)
			if out := p.stdout.all(); len(out) != 0 {
				t.Errorf("stdout holds %q, want nothing", out)
			}
		})
	}
}

func TestOfferBadAnswer(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	blank := filepath.Join(dir, "blank.png")
	writeBlankPNG(t, blank)

	// Another session's offer and answer.
	other := startQRTC(t, "other offer", nil, sessionCmd("offer")...)
	otherOffer := other.token()
	otherAnswerer := startQRTC(t, "other answer", nil, sessionCmd("answer", otherOffer)...)
	otherAnswer := otherAnswerer.token()
	otherAnswerer.kill()
	other.kill()

	tests := []struct {
		name      string
		input     string
		fragments []string
	}{
		{"an offer instead of an answer", otherOffer + "\n", []string{"offer, not an answer"}},
		{"answer to another offer", otherAnswer + "\n", []string{"different offer"}},
		{"corrupted answer", corrupt(otherAnswer) + "\n", []string{"bad token"}},
		{"image without code", blank + "\n", []string{"no QR code"}},
		{"garbage", "hello there\n", []string{"neither a token nor"}},
		{"end of input", "", []string{"no answer"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := startQRTC(t, "offer", nil, sessionCmd("offer")...)
			p.token()
			p.write(tc.input)
			p.closeStdin()
			p.wantExit(2, tc.fragments...)
		})
	}
}

func TestOfferTimesOutWithoutAnswer(t *testing.T) {
	t.Parallel()
	p := startQRTC(t, "offer", nil, sessionCmd("offer", "--timeout", "2s")...)
	p.token()
	p.wantExit(1, "timed out", "--timeout")
}

// TestAnswerTimesOut answers an offer whose maker never gets the answer.
func TestAnswerTimesOut(t *testing.T) {
	t.Parallel()
	offerer := startQRTC(t, "offer", nil, sessionCmd("offer")...)
	answerer := startQRTC(t, "answer", nil, sessionCmd("answer", "--timeout", "3s", offerer.token())...)
	answerer.token()
	answerer.wantExit(1, "could not connect", "--timeout", "--stun", "--turn")
}

// TestICEFailure gives the offerer a genuine answer whose process is gone,
// so its candidates point to closed ports: once with a --timeout shorter
// than the connectivity checks, once with peer's own verdict.
func TestICEFailure(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		timeout   string
		fragments []string
	}{
		{"--timeout ends the wait", "8s", []string{"could not connect", "timed out", "candidates", "--stun", "--turn"}},
		{"connectivity checks fail", "5m", []string{"could not connect", "no candidate pair connected", "candidates", "--stun", "--turn"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			offerer := startQRTC(t, "offer", nil, sessionCmd("offer", "--timeout", tc.timeout)...)
			answerer := startQRTC(t, "answer", nil, sessionCmd("answer", offerer.token())...)
			answerTok := answerer.token()
			answerer.kill()
			answerer.wait(waitLimit)
			offerer.write(answerTok + "\n")
			offerer.wantExit(1, tc.fragments...)
		})
	}
}

// TestPeerVanishes kills one side mid-chat with SIGKILL: the other must say so
// and exit 1 in bounded time.
func TestPeerVanishes(t *testing.T) {
	t.Parallel()
	offerer, answerer := connectedPair(t)
	offerer.write("are you there?\n")
	answerer.waitStdout("are you there?")
	answerer.kill()
	offerer.wantExit(1, "vanished")
}

// TestInterrupt sends SIGINT to a connected side: it ends with 130, and the
// other side sees it leave before its stream ended: exit 1.
func TestInterrupt(t *testing.T) {
	t.Parallel()
	offerer, answerer := connectedPair(t)
	if err := offerer.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	offerer.wantExit(exitInterrupted, "interrupted by Ctrl-C (SIGINT)")
	answerer.wantExit(1, "other side left before the session ended")
	answerer.waitStderr(regexp.MustCompile(`^Received: 0 bytes, without the other side's end mark`))
}

// TestLongLine sends a line longer than the other side's messages: it
// arrives whole, and the session goes on.
func TestLongLine(t *testing.T) {
	t.Parallel()
	offerer, answerer := connectedPair(t)
	long := strings.Repeat("x", 300*1024)
	offerer.write(long + "\nafter the long line\n")
	answerer.waitStdout(long)
	answerer.waitStdout("after the long line")
	offerer.closeStdin()
	answerer.closeStdin()
	offerer.wantExit(0)
	answerer.wantExit(0)
}
