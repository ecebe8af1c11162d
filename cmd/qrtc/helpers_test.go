package main

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qrtc/qrtc/qr"
	"github.com/qrtc/qrtc/sdpcompact"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// golden compares got with testdata/name, or rewrites the file with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading golden file (refresh with -update): %v", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (refresh with -update):\ngot:  %q\nwant: %q", path, got, want)
	}
}

func readFixture(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// fixtureToken returns the token of testdata/NAME.json, made now, so that
// tests that need a valid token follow changes of the token format; the
// golden NAME.token files pin the format itself.
func fixtureToken(t testing.TB, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	d, err := sdpcompact.ParseDescription(string(data))
	if err != nil {
		t.Fatalf("sdpcompact.ParseDescription(testdata/%s.json): %v", name, err)
	}
	tok, err := sdpcompact.Encode(d)
	if err != nil {
		t.Fatalf("sdpcompact.Encode(testdata/%s.json): %v", name, err)
	}
	return tok
}

// updateFixtures rewrites the golden files made from offer.json and
// answer.json (their tokens and the tokens decoded) and blank.png.
func updateFixtures(t *testing.T) {
	t.Helper()
	for _, kind := range []string{"offer", "answer"} {
		tok, errOut, code := runInProcess(t, "", "encode", "testdata/"+kind+".json")
		if code != 0 {
			t.Fatalf("qrtc encode testdata/%s.json: %s", kind, errOut)
		}
		decoded, errOut, code := runInProcess(t, "", "decode", strings.TrimSpace(tok))
		if code != 0 {
			t.Fatalf("qrtc decode: %s", errOut)
		}
		for name, data := range map[string]string{kind + ".token": tok, kind + ".decoded.json": decoded} {
			if err := os.WriteFile(filepath.Join("testdata", name), []byte(data), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	writeBlankPNG(t, filepath.Join("testdata", "blank.png"))
}

// TestHelpers runs encode, decode, scan and qr over the fixtures in testdata:
// offer.json and answer.json are descriptions pion made, *.token their golden
// tokens, *.decoded.json those decoded, blank.png an image without a code.
func TestHelpers(t *testing.T) {
	if *update {
		updateFixtures(t)
	}
	offerTok, answerTok := fixtureToken(t, "offer"), fixtureToken(t, "answer")
	offerJSON := readFixture(t, "offer.decoded.json")
	dir := t.TempDir()
	offerPNG, offerFile := filepath.Join(dir, "offer.png"), filepath.Join(dir, "offer.txt")
	if err := qr.WritePNGFile(offerPNG, offerTok, qr.PNGOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(offerFile, []byte(offerTok+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var raw jsonDescription
	if err := json.Unmarshal([]byte(readFixture(t, "offer.json")), &raw); err != nil {
		t.Fatal(err)
	}
	tmpPNG := filepath.Join(dir, "hello.png")

	tests := []struct {
		name   string
		args   []string
		stdin  string
		golden string // compare stdout with this file of testdata
		want   string // or with this text (also when code != 0)
		code   int
		stderr string // a fragment of the one error line when code != 0
	}{
		{name: "encode JSON offer", args: []string{"encode", "testdata/offer.json"}, golden: "offer.token"},
		{name: "encode JSON answer from stdin", args: []string{"encode"}, stdin: readFixture(t, "answer.json"), golden: "answer.token"},
		{name: "encode raw SDP with --type", args: []string{"encode", "--type", "offer"}, stdin: raw.SDP, want: offerTok + "\n"},
		{name: "encode answer with a bad --offer", args: []string{"encode", "--offer", corrupt(offerTok), "testdata/answer.json"}, code: 2, stderr: "--offer"},
		{name: "encode offer with --offer", args: []string{"encode", "--offer", offerTok, "testdata/offer.json"}, code: 2, stderr: "--offer"},
		{name: "encode garbage", args: []string{"encode"}, stdin: "hello\n", code: 2, stderr: "cannot read the description"},
		{name: "encode bad --type", args: []string{"encode", "--type", "pranswer", "testdata/offer.json"}, code: 2, stderr: "pranswer"},
		{name: "decode token", args: []string{"decode", offerTok}, golden: "offer.decoded.json"},
		{name: "decode answer token", args: []string{"decode", answerTok}, golden: "answer.decoded.json"},
		{name: "decode wrapped token from stdin", args: []string{"decode"}, stdin: wrap(offerTok, 76), want: offerJSON},
		{name: "decode lower-case token", args: []string{"decode", strings.ToLower(offerTok)}, want: offerJSON},
		{name: "decode image", args: []string{"decode", offerPNG}, want: offerJSON},
		{name: "decode token file", args: []string{"decode", offerFile}, want: offerJSON},
		{name: "decode corrupted token", args: []string{"decode", corrupt(offerTok)}, code: 2, stderr: "bad token"},
		{name: "decode image without code", args: []string{"decode", "testdata/blank.png"}, code: 2, stderr: "no QR code"},
		{name: "decode two arguments", args: []string{"decode", "a", "b"}, code: 2, stderr: "too many arguments"},
		{name: "qr to PNG", args: []string{"qr", "--png", tmpPNG, "hello", "world"}},
		{name: "scan images", args: []string{"scan", offerPNG, tmpPNG}, want: offerTok + "\nhello world\n"},
		{name: "scan image without code", args: []string{"scan", "testdata/blank.png"}, want: "\n", code: 2, stderr: "blank.png"},
		{name: "scan nothing", args: []string{"scan"}, code: 2, stderr: "no image"},
		{name: "scan the PNG", args: []string{"scan", tmpPNG}, want: "hello world\n"},
		{name: "qr without text", args: []string{"qr"}, code: 2, stderr: "no text"},
		{name: "unknown command", args: []string{"frobnicate"}, code: 2, stderr: `"frobnicate"`},
		{name: "unknown flag", args: []string{"offer", "--frobnicate"}, code: 2, stderr: "frobnicate"},
		{name: "offer with an argument", args: []string{"offer", "QRTCABC"}, code: 2, stderr: "qrtc answer"},
		{name: "stun none mixed", args: []string{"answer", "--stun", "none", "--stun", "stun:127.0.0.1:3478", "x"}, code: 2, stderr: "none"},
		{name: "stun without scheme", args: []string{"answer", "--stun", "127.0.0.1:3478", "x"}, code: 2, stderr: "stun:HOST:PORT"},
		{name: "turn without credentials", args: []string{"answer", "--stun", "none", "--turn", "turn:127.0.0.1:3478", "x"}, code: 2, stderr: "--turn-user"},
		{name: "ipv4 and ipv6", args: []string{"answer", "--stun", "none", "--ipv4", "--ipv6", "x"}, code: 2, stderr: "--ipv4 and --ipv6"},
		{name: "unknown interface", args: []string{"answer", "--stun", "none", "--interface", "nosuch0", "x"}, code: 2, stderr: `"nosuch0"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := runInProcess(t, tc.stdin, tc.args...)
			if code != tc.code {
				t.Fatalf("qrtc %q: exit code %d, want %d; stderr: %s", tc.args, code, tc.code, errOut)
			}
			if tc.code != 0 {
				lines := strings.Split(strings.TrimSpace(errOut), "\n")
				if len(lines) != 2 || !strings.Contains(errOut, tc.stderr) {
					t.Errorf("qrtc %q: stderr %q, want one error (the cause and what to do) containing %q", tc.args, errOut, tc.stderr)
				}
				if out != tc.want {
					t.Errorf("qrtc %q: stdout %q, want %q", tc.args, out, tc.want)
				}
				return
			}
			switch {
			case tc.golden != "":
				golden(t, tc.golden, out)
			case tc.want != "" && out != tc.want:
				t.Errorf("qrtc %q: stdout\n%q\nwant\n%q", tc.args, out, tc.want)
			}
		})
	}
}

// TestEncodeTaggedAnswer encodes an answer with --offer: the token must pass
// sdpcompact.CheckAnswer for that offer and decode to the same answer.
func TestEncodeTaggedAnswer(t *testing.T) {
	offerTok := fixtureToken(t, "offer")
	out, errOut, code := runInProcess(t, "", "encode", "--offer", offerTok, "testdata/answer.json")
	if code != 0 {
		t.Fatalf("qrtc encode --offer: exit code %d: %s", code, errOut)
	}
	tok := strings.TrimSpace(out)
	offer, err := sdpcompact.Decode(offerTok)
	if err != nil {
		t.Fatal(err)
	}
	if err := sdpcompact.CheckAnswer(tok, offer); err != nil {
		t.Errorf("sdpcompact.CheckAnswer(qrtc encode --offer ...): %v", err)
	}
	if tok == fixtureToken(t, "answer") {
		t.Errorf("qrtc encode --offer made the same token as without --offer: no tag")
	}
	decoded, errOut, code := runInProcess(t, "", "decode", tok)
	if want := readFixture(t, "answer.decoded.json"); code != 0 || decoded != want {
		t.Errorf("qrtc decode of the tagged answer: exit %d, %q %s; want %q", code, decoded, errOut, want)
	}
}

// TestDecodeOutputIsBrowserJSON checks the shape that setRemoteDescription
// takes: exactly the keys "type" and "sdp", CRLF line endings in the SDP.
func TestDecodeOutputIsBrowserJSON(t *testing.T) {
	out, errOut, code := runInProcess(t, "", "decode", fixtureToken(t, "offer"))
	if code != 0 {
		t.Fatalf("qrtc decode: exit code %d: %s", code, errOut)
	}
	var m map[string]string
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("qrtc decode printed %q: not JSON: %v", out, err)
	}
	if len(m) != 2 || m["type"] != "offer" || !strings.HasPrefix(m["sdp"], "v=0\r\n") {
		t.Errorf("qrtc decode printed %q, want {\"type\":\"offer\",\"sdp\":\"v=0\\r\\n...\"}", out)
	}
	if len(sdpCandidates(m["sdp"])) == 0 {
		t.Errorf("decoded SDP has no candidates: %q", m["sdp"])
	}
}

func TestQRDrawing(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  string
		want string // a character the drawing must use
	}{
		{"half blocks", []string{"qr", "hello"}, "", "▀"},
		{"ascii", []string{"qr", "--ascii", "hello"}, "", "#"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := runInProcess(t, "", tc.args...)
			if code != 0 {
				t.Fatalf("qrtc %q: exit code %d: %s", tc.args, code, errOut)
			}
			if !strings.Contains(out, tc.want) {
				t.Errorf("qrtc %q drew\n%s\nwithout %q", tc.args, out, tc.want)
			}
			if strings.Contains(out, "\x1b[") {
				t.Errorf("qrtc %q: colour escapes although stdout is not a terminal", tc.args)
			}
		})
	}
}

func TestTerminalOptions(t *testing.T) {
	tests := []struct {
		name               string
		tty                bool
		noColor, colorfgbg string
		ascii              bool
		wantColor          bool
		wantInvert         bool
	}{
		{"terminal", true, "", "", false, true, false},
		{"terminal with NO_COLOR", true, "1", "", false, false, false},
		{"pipe", false, "", "", false, false, false},
		{"ascii on a terminal", true, "", "", true, false, false},
		{"dark theme with colours", true, "", "15;0", false, true, false},
		{"dark theme with NO_COLOR", true, "1", "15;0", false, false, true},
		{"dark theme, three fields", true, "1", "15;default;0", false, false, true},
		{"dark grey background", true, "1", "7;8", false, false, true},
		{"ascii on a dark theme", true, "", "15;0", true, false, true},
		{"light theme with NO_COLOR", true, "1", "0;15", false, false, false},
		{"white background", true, "1", "0;7", false, false, false},
		{"default background", true, "1", "0;default", false, false, false},
		{"garbled COLORFGBG", true, "1", "0", false, false, false},
		{"dark theme, pipe", false, "1", "15;0", false, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{"NO_COLOR": tc.noColor, "COLORFGBG": tc.colorfgbg}
			st := &stdio{getenv: func(k string) string { return env[k] }}
			opt := st.terminalOptions(tc.tty, tc.ascii)
			if opt.Color != tc.wantColor || opt.Invert != tc.wantInvert {
				t.Errorf("terminalOptions(tty=%v, ascii=%v) with NO_COLOR=%q COLORFGBG=%q: Color %v, Invert %v; want Color %v, Invert %v",
					tc.tty, tc.ascii, tc.noColor, tc.colorfgbg, opt.Color, opt.Invert, tc.wantColor, tc.wantInvert)
			}
			if tc.ascii != (opt.Style == qr.StyleASCII) {
				t.Errorf("terminalOptions(ascii=%v): Style %v", tc.ascii, opt.Style)
			}
		})
	}
}

// TestScanSeveral: scan prints exactly one line per image in argument order,
// an empty one for an image without a readable code (whose error goes to
// stderr), escapes line breaks in a code's text, and exits with 2 at the end.
func TestScanSeveral(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		path := filepath.Join(dir, name)
		if err := qr.WritePNGFile(path, text, qr.PNGOptions{}); err != nil {
			t.Fatalf("qr.WritePNGFile(%q) = %v", path, err)
		}
		return path
	}
	hello := write("hello.png", "hello")
	lines := write("lines.png", "line one\nline two\r\nC:\\temp")
	missing := filepath.Join(dir, "missing.png")
	tests := []struct {
		name       string
		args       []string
		want       string
		code       int
		errorLines int
	}{
		{"all good", []string{hello, lines}, "hello\n" + `line one\nline two\r\nC:\\temp` + "\n", 0, 0},
		{"failures keep their place", []string{"testdata/blank.png", hello, missing, lines, "testdata/blank.png"},
			"\nhello\n\n" + `line one\nline two\r\nC:\\temp` + "\n\n", 2, 8},
		{"only failures", []string{missing, "testdata/blank.png"}, "\n\n", 2, 6},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := runInProcess(t, "", append([]string{"scan"}, tc.args...)...)
			if code != tc.code {
				t.Errorf("qrtc scan %q: exit code %d, want %d; stderr: %s", tc.args, code, tc.code, errOut)
			}
			if out != tc.want {
				t.Errorf("qrtc scan %q: stdout %q, want %q", tc.args, out, tc.want)
			}
			errLines := strings.Split(strings.TrimSpace(errOut), "\n")
			if errOut == "" {
				errLines = nil
			}
			if len(errLines) != tc.errorLines {
				t.Errorf("qrtc scan %q: %d lines on stderr, want %d (two per failed image and two for the summary): %q", tc.args, len(errLines), tc.errorLines, errOut)
			}
		})
	}
}

func TestBasicColors(t *testing.T) {
	for _, c := range []struct {
		term, colorterm string
		want            bool
	}{
		{"xterm-256color", "", false},
		{"screen-256color", "", false},
		{"xterm-direct", "", false},
		{"foot-truecolor", "", false},
		{"xterm", "truecolor", false},
		{"linux", "24bit", false},
		{"linux", "", true},
		{"vt100", "", true},
		{"vt220", "", true},
		{"ansi", "", true},
		{"xterm", "", true},
		{"screen", "", true},
		{"", "", true},
	} {
		t.Run(c.term+"/"+c.colorterm, func(t *testing.T) {
			env := map[string]string{"TERM": c.term, "COLORTERM": c.colorterm}
			if got := basicColors(func(k string) string { return env[k] }); got != c.want {
				t.Errorf("basicColors(TERM=%q COLORTERM=%q) = %v, want %v", c.term, c.colorterm, got, c.want)
			}
			st := &stdio{getenv: func(k string) string { return env[k] }}
			if got := st.terminalOptions(true, false).BasicColors; got != c.want {
				t.Errorf("terminalOptions(tty) with TERM=%q COLORTERM=%q: BasicColors %v, want %v", c.term, c.colorterm, got, c.want)
			}
			if st.terminalOptions(false, false).BasicColors || st.terminalOptions(true, true).BasicColors {
				t.Errorf("terminalOptions(pipe or ASCII) with TERM=%q: BasicColors set without colours", c.term)
			}
		})
	}
}
