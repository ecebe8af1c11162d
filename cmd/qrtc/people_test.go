package main

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/qrtc/qrtc/peer"
	"github.com/qrtc/qrtc/rendezvous"
)

// The rules every error qrtc prints follows (see people.go).
var (
	// libraryPrefixRE finds a package name used as a prefix: "qrtc qr:" and
	// "qrtc relay:" are commands and are cut before the search.
	libraryPrefixRE = regexp.MustCompile(`\b(sdpcompact|peer|qr|relay|pion|ice|dtls|webrtc|sctp|turn|stun|distort|transfer|rendezvous|cpace): `)
	// goNameRE finds Go identifiers: sentinels, Config fields, qr levels,
	// qualified names and CamelCase words.
	goNameRE = regexp.MustCompile(`\b(Err[A-Z]\w*|Config\.\w+|Level[LMQH]|[a-z]+\.[A-Z]\w+|[A-Z][a-z]+[A-Z]\w*)\b`)
	// tempNameRE finds the names of the temporary files atomic writes use.
	tempNameRE = regexp.MustCompile(`\.tmp\b|\.tmp\d`)
	// singleDashRE finds long flags written with one dash ("-png"); "-v" and
	// "-vv" are short flags.
	singleDashRE = regexp.MustCompile(`(^|[\s("])-([a-uw-z][a-z-]+|v[a-uw-z][a-z-]*)\b`)
)

// pathRE matches absolute paths.
var pathRE = regexp.MustCompile(`(/[\w.~-]+)+/?`)

// maxErrorLine is the longest error line allowed: a cause or an advice is
// one sentence, not a log.
const maxErrorLine = 160

// allowedCamel are CamelCase words that are names of things, not Go.
var allowedCamel = map[string]bool{"WebRTC": true, "WebP": true, "JavaScript": true}

// checkReadable reports what is wrong with stderr, the error qrtc printed
// (with nothing else on stderr): it must be two lines, "qrtc...: CAUSE"
// and, indented, what to do; with no package prefix, Go identifier,
// temporary file name, flag spelled with one dash, or advice repeated.
func checkReadable(stderr string) []string {
	var bad []string
	lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
	if len(lines) != 2 {
		return []string{fmt.Sprintf("%d lines, want 2 (the cause, then what to do)", len(lines))}
	}
	if !strings.HasPrefix(lines[0], "qrtc") {
		bad = append(bad, "the first line does not start with \"qrtc\"")
	}
	if !strings.HasPrefix(lines[1], indentTodo) || strings.TrimSpace(lines[1]) == "" {
		bad = append(bad, "the second line is not an indented advice")
	}
	for i, l := range lines {
		// Paths (the tests' temporary directories among them) are the
		// user's words, not ours.
		text := pathRE.ReplaceAllString(l, "/tmp/dir/file")
		if len(text) > maxErrorLine {
			bad = append(bad, fmt.Sprintf("line %d has %d characters (with short paths), more than %d", i+1, len(text), maxErrorLine))
		}
		text = strings.NewReplacer("qrtc qr:", "", "qrtc relay:", "").Replace(text)
		if m := libraryPrefixRE.FindString(text); m != "" {
			bad = append(bad, fmt.Sprintf("line %d has the package prefix %q", i+1, m))
		}
		for _, m := range goNameRE.FindAllString(text, -1) {
			if !allowedCamel[m] {
				bad = append(bad, fmt.Sprintf("line %d names the Go identifier %q", i+1, m))
			}
		}
		if m := tempNameRE.FindString(text); m != "" {
			bad = append(bad, fmt.Sprintf("line %d names a temporary file (%q)", i+1, m))
		}
		if m := singleDashRE.FindString(text); m != "" {
			bad = append(bad, fmt.Sprintf("line %d spells a flag with one dash (%q)", i+1, strings.TrimSpace(m)))
		}
	}
	if r := repeated(lines[0]+" "+lines[1], 5); r != "" {
		bad = append(bad, fmt.Sprintf("%q comes twice", r))
	}
	return bad
}

// repeated returns a run of n words that comes twice in s, or "".
func repeated(s string, n int) string {
	words := strings.Fields(strings.ToLower(s))
	seen := map[string]bool{}
	for i := 0; i+n <= len(words); i++ {
		k := strings.Join(words[i:i+n], " ")
		if seen[k] {
			return k
		}
		seen[k] = true
	}
	return ""
}

// TestEveryErrorReadsWell makes every mistake of a list that covers each
// error qrtc can print from its arguments, its input and its files, and
// reads the message as a person would: two lines, the cause and what to
// do, in plain words (checkReadable). Errors of a running session (time
// outs, failed connections, a vanished peer) are checked by the end-to-end
// tests, whose wantExit applies the same rules.
func TestEveryErrorReadsWell(t *testing.T) {
	dir := t.TempDir()
	home := t.TempDir()
	t.Setenv("HOME", home)
	blank := filepath.Join(dir, "blank.png")
	writeBlankPNG(t, blank)
	notes := filepath.Join(dir, "notes.txt")
	offerPNG := filepath.Join(dir, "offer.png")
	noCandidates := filepath.Join(dir, "nocand.sdp")
	longText := filepath.Join(dir, "long.txt")
	for name, data := range map[string]string{
		notes:        "shopping list\n",
		offerPNG:     "",
		noCandidates: "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\na=fingerprint:sha-256 89:A2:D4:4E:D4:8C:8E:B3:A4:9E:00:19:7A:52:CC:F9:69:AC:1D:C2:3B:92:07:97:75:88:04:BA:21:D5:33:CC\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 0.0.0.0\r\na=setup:actpass\r\na=mid:0\r\na=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuv\r\na=sctp-port:5000\r\n",
		longText:     strings.Repeat("x", 8000),
	} {
		if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	offer, answer := fixtureToken(t, "offer"), fixtureToken(t, "answer")
	busy, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	session := []string{"--stun", "none", "--no-qr"}
	answerWith := func(extra ...string) []string { return append(append([]string{"answer"}, session...), extra...) }
	offerWith := func(extra ...string) []string { return append(append([]string{"offer"}, session...), extra...) }

	tests := []struct {
		name  string
		args  []string
		stdin string
		code  int
		want  []string // fragments the two lines must hold
	}{
		{"no command", nil, "", 2, []string{"no command", "qrtc offer"}},
		{"mistyped command", []string{"ofer"}, "", 2, []string{`"ofer"`, `did you mean "qrtc offer"`}},
		{"send without files", []string{"send", "--stun", "none", "--no-qr"}, "", 2, []string{"no files given", "qrtc send photos/"}},
		{"send a missing file", []string{"send", "--stun", "none", "--no-qr", filepath.Join(dir, "missing.txt")}, "", 2, []string{"missing.txt", "check the name"}},
		{"receive into a missing folder", []string{"receive", "--out", filepath.Join(dir, "nowhere")}, "", 2, []string{"--out", "create the folder"}},
		{"command prefix", []string{"ans"}, "", 2, []string{`"qrtc answer"`}},
		{"flag before command", []string{"--stun", "none", "offer"}, "", 2, []string{"--stun", "command comes first"}},
		{"help for no command", []string{"help", "frob"}, "", 2, []string{`"frob"`}},
		{"mistyped flag", []string{"offer", "--tiemout", "5m"}, "", 2, []string{"--tiemout", "did you mean --timeout"}},
		{"unknown flag", []string{"answer", "--frobnicate"}, "", 2, []string{"--frobnicate", "qrtc answer --help"}},
		{"duration without unit", offerWith("--timeout", "5"), "", 2, []string{"--timeout 5 has no unit", "5m"}},
		{"duration garbled", offerWith("--gather-timeout", "soon"), "", 2, []string{`"soon" is not a duration`}},
		{"duration zero", offerWith("--timeout", "0"), "", 2, []string{"--timeout 0s is not positive"}},
		{"negative gather timeout", offerWith("--gather-timeout", "-1s"), "", 2, []string{"negative"}},
		{"flag without value", offerWith("--png"), "", 2, []string{"--png needs a value", "--png FILE"}},
		{"bool flag with a value", offerWith("--no-qr=maybe"), "", 2, []string{"--no-qr=maybe"}},
		{"offer with an argument", offerWith(offer), "", 2, []string{"qrtc answer"}},
		{"answer with two arguments", answerWith("a", "b"), "", 2, []string{"too many arguments"}},
		{"mistyped path", answerWith(filepath.Join(dir, "offfer.png")), "", 2, []string{"no file named offfer.png in " + dir, "did you mean " + offerPNG}},
		{"path in a missing directory", answerWith(filepath.Join(dir, "nodir", "offer.png")), "", 2, []string{"no file named offer.png", "no directory"}},
		{"tilde path", answerWith("~/offer.jpg"), "", 2, []string{"no file named offer.jpg in " + home}},
		{"tilde path at the prompt", offerWith(), "~/answer.jpg\n", 2, []string{"no file named answer.jpg in " + home}},
		{"text that is no token", answerWith("hello there"), "", 2, []string{"neither a token nor", "starts with QRTC"}},
		{"corrupted token", answerWith(corrupt(offer)), "", 2, []string{"bad token"}},
		{"truncated token", answerWith(offer[:len(offer)-10]), "", 2, []string{"bad token", "whole token"}},
		{"image without code", answerWith(blank), "", 2, []string{"no QR code", "blank.png"}},
		{"empty image file", answerWith(offerPNG), "", 2, []string{"offer.png"}},
		{"file that is no image", answerWith(notes), "", 2, []string{"notes.txt"}},
		{"directory", answerWith(dir), "", 2, []string{"not a regular file"}},
		{"answer given to answer", answerWith(answer), "", 2, []string{"not an offer"}},
		{"offer pasted into offer", offerWith(), offer + "\n", 2, []string{"offer, not an answer"}},
		{"no answer (without one-scan, empty input holds none)", offerWith("--no-one-scan"), "", 2, []string{"no answer"}},
		{"stun none mixed", answerWith("--stun", "stun:127.0.0.1:1", offer), "", 2, []string{"--stun none"}},
		{"stun without scheme", []string{"answer", "--stun", "127.0.0.1:3478", offer}, "", 2, []string{"stun:HOST:PORT"}},
		{"turn without credentials", answerWith("--turn", "turn:127.0.0.1:3478", offer), "", 2, []string{"--turn-user"}},
		{"turn credentials without turn", answerWith("--turn-user", "a", offer), "", 2, []string{"--turn"}},
		{"code words out of range", offerWith("--code", "--code-words", "5"), "", 2, []string{"--code-words 5", "3 (24 bits)"}},
		{"code number out of range", offerWith("--code", "--code-number", "12345"), "", 2, []string{"--code-number 12345", "1 to 9999"}},
		{"code with no way to travel", offerWith("--code", "--dht-bootstrap", "none", "--no-lan"), "", 2, []string{"--no-lan", "drop one"}},
		{"bad DHT bootstrap", offerWith("--code", "--dht-bootstrap", "192.0.2.7"), "", 2, []string{`"192.0.2.7" is not host:port`, "e.g. --dht-bootstrap"}},
		{"ambiguous code word", answerWith("4821-ca-orange"), "", 2, []string{`"ca" could be cabin`, "4821-guitar-orange"}},
		{"code with one word", answerWith("4821-guitar"), "", 2, []string{"needs 2 or 3 words", "4821-guitar-orange"}},
		{"turn without scheme", answerWith("--turn", "127.0.0.1:3478", "--turn-user", "a", "--turn-pass", "b", offer), "", 2, []string{"turn:HOST:PORT"}},
		{"ipv4 and ipv6", answerWith("--ipv4", "--ipv6", offer), "", 2, []string{"--ipv4 and --ipv6"}},
		{"unknown interface", answerWith("--interface", "nosuch0", offer), "", 2, []string{`"nosuch0"`, "ip link"}},
		{"png in a missing directory", offerWith("--png", filepath.Join(dir, "nodir", "offer.png")), "", 2, []string{"--png", "no directory"}},
		{"png onto a directory", offerWith("--png", dir), "", 2, []string{"--png", "directory"}},
		{"token-out in a missing directory", offerWith("--token-out", filepath.Join(dir, "nodir", "offer.txt")), "", 2, []string{"--token-out", "no directory"}},
		{"encode garbage", []string{"encode"}, "hello\n", 2, []string{"cannot read the description"}},
		{"encode missing file", []string{"encode", filepath.Join(dir, "offer.jsn")}, "", 2, []string{"no file named offer.jsn"}},
		{"encode bad --type", []string{"encode", "--type", "pranswer", "testdata/offer.json"}, "", 2, []string{"pranswer"}},
		{"encode bad --offer", []string{"encode", "--offer", corrupt(offer), "testdata/answer.json"}, "", 2, []string{"--offer", "bad token"}},
		{"encode offer with --offer", []string{"encode", "--offer", offer, "testdata/offer.json"}, "", 2, []string{"--offer"}},
		{"encode without candidates", []string{"encode", noCandidates}, "", 2, []string{"no ICE candidate", "gathering"}},
		{"decode two arguments", []string{"decode", "a", "b"}, "", 2, []string{"too many arguments"}},
		{"decode corrupted token", []string{"decode", corrupt(offer)}, "", 2, []string{"bad token"}},
		{"decode image without code", []string{"decode", blank}, "", 2, []string{"no QR code"}},
		{"scan nothing", []string{"scan"}, "", 2, []string{"no image"}},
		{"scan image without code", []string{"scan", blank}, "", 2, []string{"blank.png"}},
		{"scan missing file", []string{"scan", filepath.Join(dir, "photo.jpg")}, "", 2, []string{"no file named photo.jpg"}},
		{"qr without text", []string{"qr"}, "", 2, []string{"no text"}},
		{"qr text too long", []string{"qr", longText}, "", 0, nil}, // a file name is text to draw
		{"qr text too long on stdin", []string{"qr"}, strings.Repeat("x", 8000), 2, []string{"too long for a QR code", "shorten"}},
		{"qr png in a missing directory", []string{"qr", "--png", filepath.Join(dir, "nodir", "code.png"), "hi"}, "", 2, []string{"--png", "no directory"}},
		{"relay argument", []string{"relay", "now"}, "", 2, []string{"unexpected argument"}},
		{"relay credentials without secret", []string{"relay", "--make-credentials", "bob"}, "", 2, []string{"--secret"}},
		{"relay ttl zero", []string{"relay", "--secret", "s", "--make-credentials", "bob", "--ttl", "0s"}, "", 2, []string{"--ttl"}},
		{"relay bad bandwidth", []string{"relay", "--listen", "127.0.0.1:0", "--bandwidth", "fast"}, "", 2, []string{"--bandwidth", "1MB/s"}},
		{"relay bad port range", []string{"relay", "--listen", "127.0.0.1:0", "--relay-ports", "1-2-3"}, "", 2, []string{"MIN-MAX"}},
		{"relay user without password", []string{"relay", "--listen", "127.0.0.1:0", "--user", "alice"}, "", 2, []string{"--user", "NAME=PASSWORD"}},
		{"relay bad --allow-peer", []string{"relay", "--listen", "127.0.0.1:0", "--allow-peer", "lan"}, "", 2, []string{"--allow-peer"}},
		{"relay without public address", []string{"relay", "--user", "a=b"}, "", 2, []string{"--public-ip"}},
		{"relay bad listen address", []string{"relay", "--listen", "localhost"}, "", 2, []string{"--listen"}},
		{"relay port in use", []string{"relay", "--listen", busy.LocalAddr().String()}, "", 1, []string{"--listen"}},
		{"relay bad max-allocs", []string{"relay", "--listen", "127.0.0.1:0", "--max-allocs", "many"}, "", 2, []string{"--max-allocs"}},
		{"send nothing", []string{"send"}, "", 2, []string{"no files"}},
		{"send a mistyped file", []string{"send", "--stun", "none", filepath.Join(dir, "notse.txt")}, "", 2, []string{"no file named notse.txt in " + dir, "did you mean " + notes}},
		{"receive two arguments", []string{"receive", "a", "b"}, "", 2, []string{"too many arguments"}},
		{"web argument", []string{"web", "now"}, "", 2, []string{"unexpected argument"}},
		{"web bad listen address", []string{"web", "--listen", "nowhere"}, "", 2, []string{"--listen"}},
		{"web write into a missing directory", []string{"web", "--write", filepath.Join(dir, "nodir", "qrtc.html")}, "", 2, []string{"--write", "no directory"}},
		{"version argument", []string{"version", "now"}, "", 2, []string{"unexpected argument"}},
		{"completion without shell", []string{"completion"}, "", 2, []string{"bash"}},
		{"completion for tcsh", []string{"completion", "tcsh"}, "", 2, []string{`"tcsh"`, "bash, zsh or fish"}},
		{"man argument", []string{"man", "offer"}, "", 2, []string{"unexpected argument"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, errOut, code := runInProcess(t, tc.stdin, tc.args...)
			if code != tc.code {
				t.Fatalf("qrtc %q: exit code %d, want %d; stderr:\n%s", tc.args, code, tc.code, errOut)
			}
			if tc.code == 0 {
				return
			}
			// What a session prints before its error (the prompt, the
			// help) is not part of it.
			errText := errOut
			lines := strings.SplitAfter(errOut, "\n")
			for i := len(lines) - 1; i >= 0; i-- {
				if errorLineRE.MatchString(lines[i]) {
					errText = strings.Join(lines[i:], "")
					break
				}
			}
			for _, problem := range checkReadable(errText) {
				t.Errorf("qrtc %q printed\n%s\n%s", tc.args, errText, problem)
			}
			for _, w := range tc.want {
				if !strings.Contains(errText, w) {
					t.Errorf("qrtc %q printed\n%s\nwithout %q", tc.args, errText, w)
				}
			}
			t.Logf("qrtc %s\n%s", strings.Join(tc.args, " "), errText)
		})
	}
}

// TestErrorsOfASession checks the errors a session makes from the
// library's errors (a failed connection, a vanished peer) against the same
// rules, without running one.
func TestErrorsOfASession(t *testing.T) {
	ce := &peer.ConnectError{Reason: "no candidate pair connected within 30s", LocalTypes: []string{"host", "srflx"}, RemoteTypes: []string{"srflx"},
		Pairs: []string{"host 192.0.2.2:5000 -> srflx 198.51.100.1:6000: failed, 8 checks sent, 0 answered, 0 received"}}
	s := &session{f: &sessionFlags{}, st: &stdio{err: &strings.Builder{}}}
	s.ctx, s.waitCtx = t.Context(), t.Context()
	for _, c := range []struct {
		name string
		err  error
		want string
	}{
		{"connect error", s.connectError("could not connect", fmt.Errorf("wrapped: %w", ce)), "TURN relay"},
		{"vanished", s.sessionError(fmt.Errorf("%w: no sign of life for 20s", peer.ErrPeerGone)), "vanished"},
		{"failed", s.sessionError(fmt.Errorf("%w: boom", peer.ErrWebRTC)), "session failed"},
		{"stdout", stdoutError(&os.PathError{Op: "write", Path: "/dev/stdout", Err: errors.New("broken pipe")}), "standard output"},
		{"code burned", codeError(fmt.Errorf("%w (the other side refused this code)", rendezvous.ErrBurned)), "start again with a new code"},
		{"code contested", codeError(fmt.Errorf("%w (number 4821)", rendezvous.ErrContested)), "start again with a new code"},
		{"too many candidates", encodeOwnError("offer", fmt.Errorf("%w: 40 of at most 32", errors.New("sdpcompact: too many ICE candidates"))), "--interface"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var b strings.Builder
			writeError(&b, c.err)
			for _, problem := range checkReadable(b.String()) {
				t.Errorf("printed\n%s%s", b.String(), problem)
			}
			if !strings.Contains(b.String(), c.want) {
				t.Errorf("printed\n%swithout %q", b.String(), c.want)
			}
		})
	}
}

func TestDidYouMean(t *testing.T) {
	cmds := []string{"offer", "answer", "encode", "decode", "scan", "qr", "relay", "version"}
	for _, c := range []struct{ word, want string }{
		{"ofer", "offer"}, {"offfer", "offer"}, {"oferr", "offer"}, {"anwser", "answer"}, {"ans", "answer"},
		{"decod", "decode"}, {"Offer", "offer"}, {"qe", "qr"}, {"relya", "relay"},
		{"frobnicate", ""}, {"x", ""}, {"", ""},
	} {
		if got := didYouMean(c.word, cmds); got != c.want {
			t.Errorf("didYouMean(%q) = %q, want %q", c.word, got, c.want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"a", "", 1}, {"offer", "ofer", 1}, {"answer", "anwser", 1}, {"kitten", "sitting", 3}, {"ab", "ba", 1},
	} {
		if got := editDistance(c.a, c.b); got != c.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}

// TestNoOneLineErrors keeps the old way of making errors out of the
// command's code: an error made with usageErrorf, withCode around
// fmt.Errorf, or a bare fmt.Errorf("qrtc...") carries no line that says
// what to do. Use failf (or withTodo) instead; see people.go.
func TestNoOneLineErrors(t *testing.T) {
	old := regexp.MustCompile(`usageErrorf\(|withCode\([^,]+, fmt\.Errorf\(|return (nil, |"", )?fmt\.Errorf\("qrtc`)
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(data), "\n") {
			if strings.HasPrefix(line, "func usageErrorf") {
				continue
			}
			if m := old.FindString(line); m != "" {
				t.Errorf("%s:%d: %q makes an error without what to do; use failf(code, todo, format, ...)", name, i+1, strings.TrimSpace(line))
			}
		}
	}
}
