package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/qrtc/qrtc/qr"
	"github.com/qrtc/qrtc/sdpcompact"
)

func wantAnswer(_ string, d sdpcompact.Description) error {
	if d.Type != sdpcompact.Answer {
		return withCode(exitBadInput, fmt.Errorf("%w: got an %s", errWrongType, d.Type))
	}
	return nil
}

func TestTokenReader(t *testing.T) {
	offer, answer := fixtureToken(t, "offer"), fixtureToken(t, "answer")
	dir := t.TempDir()
	answerPNG, answerFile := filepath.Join(dir, "answer.png"), filepath.Join(dir, "answer.txt")
	if err := qr.WritePNGFile(answerPNG, answer, qr.PNGOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(answerFile, []byte(answer+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name        string
		input       string
		interactive bool
		wantErr     error  // nil: the answer must come out
		wantCode    int    // exit code of the error
		wantNext    string // the line that must still be unread afterwards
		wantRetries int    // error lines printed before success
	}{
		{name: "one line", input: answer + "\nhello\n", wantNext: "hello"},
		{name: "CRLF", input: answer + "\r\nhello\r\n", wantNext: "hello"},
		{name: "blank lines first", input: "\n\n" + answer + "\nhello\n", wantNext: "hello"},
		{name: "wrapped at 76 with CRLF", input: wrap(answer, 76) + "hello\n", wantNext: "hello"},
		{name: "wrapped at 40, lower case", input: wrap(strings.ToLower(answer), 40) + "hello\n", wantNext: "hello"},
		{name: "image path", input: answerPNG + "\nhello\n", wantNext: "hello"},
		{name: "quoted image path", input: "'" + answerPNG + "'\nhello\n", wantNext: "hello"},
		{name: "token file", input: answerFile + "\n", wantNext: ""},
		{name: "offer instead of answer", input: offer + "\n", wantErr: errWrongType, wantCode: 2},
		{name: "garbage", input: "hello\n", wantErr: errNotTokenOrImage, wantCode: 2},
		{name: "data: a long line", input: strings.Repeat("0123456789 ", 50) + "\n", wantErr: errNotTokenOrImage, wantCode: 2},
		{name: "data: binary", input: "\x00\xff\xfebinary\n", wantErr: errNotTokenOrImage, wantCode: 2},
		{name: "truncated then blank", input: answer[:len(answer)/2] + "\n\n", wantErr: sdpcompact.ErrTruncated, wantCode: 2},
		{name: "truncated then text", input: answer[:len(answer)/2] + "\nhello, world!\n", wantCode: 2},
		{name: "corrupted, then a chat line", input: corrupt(answer) + "\nhello\n", wantErr: sdpcompact.ErrChecksum, wantCode: 2},
		{name: "interactive: corrupted token asked again", input: corrupt(answer) + "\n" + answer + "\nhello\n", interactive: true, wantNext: "hello", wantRetries: 1},
		{name: "truncated at the end", input: answer[:len(answer)/2], wantCode: 2},
		{name: "empty input", input: "", wantErr: errNoInput, wantCode: 2},
		{name: "line too long", input: strings.Repeat("Q", maxLine+10) + "\n", wantCode: 2},
		{name: "interactive: retries after errors", input: "hello\n" + offer + "\n" + answer + "\nhello\n", interactive: true, wantNext: "hello", wantRetries: 2},
		{name: "interactive: end of input", input: "hello\n", interactive: true, wantErr: errNoInput, wantCode: 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			var errOut bytes.Buffer
			st := newStdio(strings.NewReader(tc.input), io.Discard, &errOut, func(string) string { return "" })
			lr := newLineReader(st.in)
			defer lr.close()
			tr := &tokenReader{lines: lr, st: st, interactive: tc.interactive}
			tok, d, err := tr.read(ctx, "prompt", wantAnswer)
			if tc.wantErr != nil || tc.wantCode != 0 {
				if err == nil {
					t.Fatalf("read(%q) = %v, want an error", tc.input, d.Type)
				}
				if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
					t.Errorf("read(%q): error %v, want %v", tc.input, err, tc.wantErr)
				}
				if got := exitCode(err); got != tc.wantCode {
					t.Errorf("read(%q): error %v has exit code %d, want %d", tc.input, err, got, tc.wantCode)
				}
				return
			}
			if err != nil {
				t.Fatalf("read(%q): %v", tc.input, err)
			}
			if d.Type != sdpcompact.Answer || !strings.EqualFold(strings.Join(strings.Fields(tok), ""), answer) {
				t.Errorf("read(%q) = %q, %v; want the answer", tc.input, tok, d.Type)
			}
			if n := strings.Count(errOut.String(), "qrtc:"); n != tc.wantRetries {
				t.Errorf("read(%q) printed %d error lines, want %d:\n%s", tc.input, n, tc.wantRetries, errOut.String())
			}
			l, err := lr.next(ctx)
			if tc.wantNext == "" {
				if !errors.Is(err, errNoInput) {
					t.Errorf("after the token: line %q, %v; want the end of input", l.text, err)
				}
				return
			}
			if err != nil || l.text != tc.wantNext {
				t.Errorf("after the token: line %q, %v; want %q", l.text, err, tc.wantNext)
			}
		})
	}
}

func TestReadLine(t *testing.T) {
	long := strings.Repeat("x", maxLine+1)
	tests := []struct {
		name  string
		input string
		want  []line
	}{
		{"lines", "a\nb\r\n\nc", []line{{text: "a"}, {text: "b"}, {text: ""}, {text: "c"}}},
		{"too long", long + "\nd\n", []line{{tooLong: maxLine + 2}, {text: "d"}}},
		{"exactly the limit", long[:maxLine] + "\n", []line{{text: long[:maxLine]}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			br := bufio.NewReaderSize(strings.NewReader(tc.input), 16)
			for i, want := range tc.want {
				got := readLine(br)
				if got.text != want.text || got.tooLong != want.tooLong || got.err != nil {
					t.Fatalf("line %d: readLine = %.20q (tooLong %d, err %v), want %.20q (tooLong %d)", i, got.text, got.tooLong, got.err, want.text, want.tooLong)
				}
			}
			if got := readLine(br); !errors.Is(got.err, io.EOF) {
				t.Errorf("after the last line: %+v, want io.EOF", got)
			}
		})
	}
}

func TestSDPCandidates(t *testing.T) {
	sdp := "v=0\r\na=candidate:1 1 UDP 2130706431 192.0.2.1 5000 typ host\r\na=candidate:2 1 udp 1694498815 198.51.100.7 6000 typ srflx raddr 0.0.0.0 rport 0\r\na=candidate:bad\r\n"
	got := strings.Join(sdpCandidates(sdp), ", ")
	want := "udp 192.0.2.1:5000 host, udp 198.51.100.7:6000 srflx"
	if got != want {
		t.Errorf("sdpCandidates = %q, want %q", got, want)
	}
}

// FuzzTokenReader feeds arbitrary standard input to the reader of pasted
// tokens: it must end (no hang, no panic) with either a description that
// decodes or an error that maps to exit code 2.
func FuzzTokenReader(f *testing.F) {
	for _, name := range []string{"offer", "answer"} {
		tok := fixtureToken(f, name)
		f.Add(tok + "\n")
		f.Add(wrap(tok, 76) + "next line\n")
		f.Add(wrap(strings.ToLower(tok), 13))
		f.Add(tok[:len(tok)/2] + "\n\n")
		f.Add(tok[:len(tok)/2] + "\n" + tok + "\n")
	}
	f.Add("hello\n")
	f.Add("\r\n\r\n")
	f.Fuzz(func(t *testing.T, input string) {
		if strings.ContainsAny(input, `/\`) {
			t.Skip("paths outside the package directory are not the fuzzer's to open")
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		st := newStdio(strings.NewReader(input), io.Discard, io.Discard, func(string) string { return "" })
		lr := newLineReader(st.in)
		defer lr.close()
		tr := &tokenReader{lines: lr, st: st}
		tok, d, err := tr.read(ctx, "prompt", func(string, sdpcompact.Description) error { return nil })
		if ctx.Err() != nil {
			t.Fatalf("read(%q) did not end within 10s", input)
		}
		if err != nil {
			if code := exitCode(err); code != exitBadInput {
				t.Fatalf("read(%q): error %v maps to exit code %d, want %d", input, err, code, exitBadInput)
			}
			return
		}
		again, err := sdpcompact.Decode(tok)
		if err != nil || again != d {
			t.Fatalf("read(%q) returned token %q that decodes to %v, %v; want the same description", input, tok, again.Type, err)
		}
	})
}

// TestTokenReaderWrapped feeds tokens of many lengths (every description of
// sdpcompact's corpus) wrapped at every width from 60 to 80 columns, with LF
// and with CRLF, as mail and chat programs break long lines: each must read
// back whole, leaving the next line unread. A token cut at a line end must
// count as incomplete (sdpcompact.ErrTruncated), never as misread.
func TestTokenReaderWrapped(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "sdpcompact", "testdata", "corpus", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, filepath.Join("testdata", "offer.json"), filepath.Join("testdata", "answer.json"))
	var tokens []string
	lengths := map[int]bool{}
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		d, err := sdpcompact.ParseDescription(string(data))
		if err != nil {
			continue // not every corpus file is a complete description
		}
		tok, err := sdpcompact.Encode(d)
		if err != nil {
			continue
		}
		tokens = append(tokens, tok)
		lengths[len(tok)] = true
	}
	if len(lengths) < 10 {
		t.Fatalf("only %d token lengths from %d files, want at least 10", len(lengths), len(files))
	}
	for _, eol := range []string{"\n", "\r\n"} {
		for width := 60; width <= 80; width++ {
			name := fmt.Sprintf("width %d %s", width, map[string]string{"\n": "LF", "\r\n": "CRLF"}[eol])
			t.Run(name, func(t *testing.T) {
				for _, tok := range tokens {
					var b strings.Builder
					for s := tok; ; s = s[width:] {
						if len(s) <= width {
							b.WriteString(s + eol)
							break
						}
						b.WriteString(s[:width] + eol)
					}
					b.WriteString("hello" + eol)
					ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
					st := newStdio(strings.NewReader(b.String()), io.Discard, io.Discard, func(string) string { return "" })
					lr := newLineReader(st.in)
					tr := &tokenReader{lines: lr, st: st}
					got, _, err := tr.read(ctx, "prompt", func(string, sdpcompact.Description) error { return nil })
					if err != nil {
						t.Errorf("read(a token of %d characters wrapped at %d) = %v, want the token", len(tok), width, err)
					} else if got != tok {
						t.Errorf("read(a token of %d characters wrapped at %d) = %q, want %q", len(tok), width, got, tok)
					} else if l, err := lr.next(ctx); err != nil || l.text != "hello" {
						t.Errorf("after a token of %d characters wrapped at %d: line %q, %v; want \"hello\"", len(tok), width, l.text, err)
					}
					lr.close()
					cancel()
				}
			})
		}
	}
}

// TestReadFileCappedNotRegular gives readFileCapped a FIFO without a writer
// and a directory: both are refused, the FIFO without blocking on its open.
func TestReadFileCappedNotRegular(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo %s: %v", fifo, err)
	}
	for _, path := range []string{fifo, dir} {
		done := make(chan error, 1)
		go func() {
			_, err := readFileCapped(path)
			done <- err
		}()
		select {
		case err := <-done:
			if !errors.Is(err, errNotTokenOrImage) {
				t.Errorf("readFileCapped(%q) = %v, want errNotTokenOrImage", path, err)
			}
		case <-time.After(waitLimit):
			t.Fatalf("readFileCapped(%q) still blocked after %s", path, waitLimit)
		}
	}
}

// TestStartsWithAnswer: what decides whether the offer reads its answer from
// standard input (a pipe) or takes all of it as the stream to send.
func TestStartsWithAnswer(t *testing.T) {
	answer := fixtureToken(t, "answer")
	dir := t.TempDir()
	photo := filepath.Join(dir, "answer photo.png")
	if err := qr.WritePNGFile(photo, answer, qr.PNGOptions{}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		input string
		want  bool
	}{
		{"token", answer + "\ndata\n", true},
		{"token without newline", answer, true},
		{"blank lines, then token", "\n \r\n" + answer + "\n", true},
		{"first part of a wrapped token", answer[:40] + "\n" + answer[40:] + "\n", true},
		{"image path", photo + "\n", true},
		{"quoted image path", "'" + photo + "'\n", true},
		{"empty input", "", false},
		{"blank lines only", "\n\n", false},
		{"text", "hello, world\n", false},
		{"a missing image, mistyped", filepath.Join(dir, "answr.png") + "\n", true},
		{"a missing file", filepath.Join(dir, "nothing") + "\n", false},
		{"binary", "\x00\x01\xff\n" + answer + "\n", false},
		{"a line longer than a file name", strings.Repeat("x", 300) + "\n", false},
		{"a start without newline, 64 KiB", strings.Repeat("y", 64<<10), false},
	}
	for _, tc := range tests {
		if got := startsWithAnswer([]byte(tc.input)); got != tc.want {
			t.Errorf("%s: startsWithAnswer = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestPeekTakesNothing: a peek shows the first line (or what there is) and
// leaves every byte for the reads after it.
func TestPeekTakesNothing(t *testing.T) {
	long := strings.Repeat("z", 100<<10)
	for _, input := range []string{"", "one\ntwo\n", "no newline", long + "\nafter\n"} {
		lr := newLineReader(strings.NewReader(input))
		b, err := lr.peek(context.Background())
		if err != nil {
			t.Fatalf("peek(%.20q): %v", input, err)
		}
		if want := input[:min(len(input), 64<<10)]; !strings.HasPrefix(want, string(b)) || (len(b) < len(want) && !bytes.Contains(b, []byte("\n"))) {
			t.Errorf("peek(%.20q) = %.20q (%d bytes): want the start of the input up to its first line", input, b, len(b))
		}
		got, err := io.ReadAll(lr)
		if err != nil || string(got) != input {
			t.Errorf("after peek(%.20q): read %d bytes, %v; want all %d", input, len(got), err, len(input))
		}
		lr.close()
	}
}

// TestPromptLine: a prompt wider than the terminal is broken between words,
// and the cursor waits on its last line, after a space.
func TestPromptLine(t *testing.T) {
	prompt := "Paste the answer (or a photo's path), then press Enter:"
	for _, tc := range []struct {
		width int
		want  string
	}{
		{0, prompt + " "}, // the terminal does not tell
		{80, prompt + " "},
		{56, prompt + " "},
		{40, "Paste the answer (or a photo's path),\nthen press Enter: "},
		{20, "Paste the answer\n(or a photo's\npath), then press\nEnter: "},
	} {
		st := &stdio{size: func() (int, int, bool) { return tc.width, 24, tc.width > 0 }}
		got := st.promptLine(prompt)
		if got != tc.want {
			t.Errorf("width %d: %q, want %q", tc.width, got, tc.want)
		}
		for _, line := range strings.Split(got, "\n") {
			if tc.width > 0 && len(line) > tc.width {
				t.Errorf("width %d: line %q is wider than the terminal", tc.width, line)
			}
		}
	}
}

// TestSayWraps: on a terminal of known width, a status line longer than the
// terminal is broken between words; lines that fit, and every line when
// the width is unknown (a pipe), are written as they are.
func TestSayWraps(t *testing.T) {
	long := "Check that the other side shows the same phrase. Type lines to send them; Ctrl-D on an empty line when you have finished."
	for _, tc := range []struct {
		width int
		in    string
		want  string
	}{
		{0, long, long + "\n"},
		{200, long, long + "\n"},
		{40, "short", "short\n"},
		{40, long, "Check that the other side shows the same\nphrase. Type lines to send them; Ctrl-D\non an empty line when you have finished.\n"},
		{30, "  an indented line, as in a list of files", "  an indented line, as in a\n  list of files\n"},
		{40, "two lines:\n" + long, "two lines:\nCheck that the other side shows the same\nphrase. Type lines to send them; Ctrl-D\non an empty line when you have finished.\n"},
	} {
		var b bytes.Buffer
		st := &stdio{err: &b}
		if tc.width > 0 {
			st.size = func() (int, int, bool) { return tc.width, 24, true }
		}
		st.say("%s", tc.in)
		if b.String() != tc.want {
			t.Errorf("width %d: say wrote %q, want %q", tc.width, b.String(), tc.want)
		}
	}
}

// TestCount: the one way counts are written for people.
func TestCount(t *testing.T) {
	for _, tc := range []struct {
		n    int64
		noun string
		want string
	}{
		{0, "file", "0 files"},
		{1, "file", "1 file"},
		{1, "entry", "1 entry"},
		{2, "entry", "2 entries"},
		{1234567, "byte", "1,234,567 bytes"},
		{15, "minute", "15 minutes"},
	} {
		if got := count(tc.n, tc.noun); got != tc.want {
			t.Errorf("count(%d, %q) = %q, want %q", tc.n, tc.noun, got, tc.want)
		}
	}
}
