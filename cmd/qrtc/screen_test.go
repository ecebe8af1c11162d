package main

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/qrtc/qrtc/internal/netns"
	"github.com/qrtc/qrtc/peer"
	"github.com/qrtc/qrtc/qr"
	"github.com/qrtc/qrtc/relay"
)

// tmuxTerm is a terminal of a given size, run by a tmux server of the
// test's own, in which a command runs as a person would see it.
type tmuxTerm struct {
	t    *testing.T
	sock string
}

// startTmux starts cmd (a shell command line) in a width x height tmux
// window with env set. The server ends with the test.
func startTmux(t *testing.T, width, height int, env []string, options [][]string, cmd string) *tmuxTerm {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		netns.SkipUnlessRequired(t, fmt.Errorf("tmux is not installed: %w", err))
	}
	dir, err := os.MkdirTemp("", "qrtc-tmux-") // short: a socket path has at most 107 bytes
	if err != nil {
		t.Fatal(err)
	}
	tm := &tmuxTerm{t: t, sock: filepath.Join(dir, "s")}
	t.Cleanup(func() {
		exec.Command("tmux", "-S", tm.sock, "kill-server").Run()
		os.RemoveAll(dir)
	})
	line := "exec env -u NO_COLOR -u COLORFGBG " + strings.Join(env, " ") + " " + cmd
	args := []string{"-S", tm.sock, "-f", "/dev/null", "new-session", "-d", "-x", strconv.Itoa(width), "-y", strconv.Itoa(height), line, ";",
		"set-option", "-g", "remain-on-exit", "on"}
	for _, o := range options {
		args = append(append(args, ";"), o...)
	}
	if out, err := exec.Command("tmux", args...).CombinedOutput(); err != nil {
		t.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	return tm
}

// capture returns the visible screen: with the colour sequences (escapes)
// or as plain text with wrapped lines joined (for reading the copy line).
func (tm *tmuxTerm) capture(escapes bool) string {
	tm.t.Helper()
	args := []string{"-S", tm.sock, "capture-pane", "-p"}
	if escapes {
		args = append(args, "-e", "-N") // -N: trailing cells (coloured spaces) too
	} else {
		args = append(args, "-J")
	}
	out, err := exec.Command("tmux", args...).Output()
	if err != nil {
		tm.t.Fatalf("tmux capture-pane: %v", err)
	}
	return string(out)
}

// rows returns the visible screen row by row, as a person reads it: a line
// the terminal wrapped stays cut where it was cut.
func (tm *tmuxTerm) rows() string {
	tm.t.Helper()
	out, err := exec.Command("tmux", "-S", tm.sock, "capture-pane", "-p").Output()
	if err != nil {
		tm.t.Fatalf("tmux capture-pane: %v", err)
	}
	return string(out)
}

// waitFor polls the screen until re matches it (a condition, not a timed
// assertion; bounded by waitLimit).
func (tm *tmuxTerm) waitFor(re *regexp.Regexp) string {
	tm.t.Helper()
	deadline := time.Now().Add(waitLimit)
	for {
		screen := tm.capture(false)
		if re.MatchString(screen) {
			return screen
		}
		if time.Now().After(deadline) {
			tm.t.Fatalf("the screen never showed %q; it shows:\n%s", re, screen)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// historySize is how many lines have scrolled off the top.
func (tm *tmuxTerm) historySize() int {
	out, err := exec.Command("tmux", "-S", tm.sock, "display-message", "-p", "#{history_size}").Output()
	if err != nil {
		tm.t.Fatalf("tmux display-message: %v", err)
	}
	n, _ := strconv.Atoi(strings.TrimSpace(string(out)))
	return n
}

// screenTheme is the default colours of a rendered terminal.
type screenTheme struct {
	name   string
	fg, bg color.RGBA
}

var (
	lightTheme = screenTheme{"light", color.RGBA{0x1e, 0x1e, 0x1e, 0xff}, color.RGBA{0xfa, 0xfa, 0xf5, 0xff}}
	darkTheme  = screenTheme{"dark", color.RGBA{0xd4, 0xd4, 0xd4, 0xff}, color.RGBA{0x1e, 0x1e, 0x2e, 0xff}}
)

// renderScreen draws a captured screen (lines with SGR colour sequences)
// as a terminal shows it: cells of 8x16 pixels, half blocks as half cells,
// spaces as background, any other character as a block of ink in the
// middle of its cell, as a glyph's strokes are.
func renderScreen(screen string, width int, th screenTheme) *image.RGBA {
	const cw, ch = 8, 16
	lines := strings.Split(strings.TrimSuffix(screen, "\n"), "\n")
	img := image.NewRGBA(image.Rect(0, 0, width*cw+2*cw, len(lines)*ch+2*ch))
	draw.Draw(img, img.Bounds(), image.NewUniform(th.bg), image.Point{}, draw.Src)
	fill := func(x0, y0, x1, y1 int, c color.RGBA) {
		draw.Draw(img, image.Rect(cw+x0, ch+y0, cw+x1, ch+y1), image.NewUniform(c), image.Point{}, draw.Src)
	}
	// tmux writes a colour only where it changes, also across line ends.
	fg, bg := th.fg, th.bg
	for row, l := range lines {
		col := 0
		for _, tok := range sgrSplit.FindAllString(l, -1) {
			if strings.HasPrefix(tok, "\x1b[") {
				fg, bg = applyColors(tok[2:len(tok)-1], fg, bg, th)
				continue
			}
			for _, r := range tok {
				x, y := col*cw, row*ch
				fill(x, y, x+cw, y+ch, bg)
				switch r {
				case ' ':
				case '▀':
					fill(x, y, x+cw, y+ch/2, fg)
				case '▄':
					fill(x, y+ch/2, x+cw, y+ch, fg)
				case '█':
					fill(x, y, x+cw, y+ch, fg)
				case '#':
					fill(x, y, x+cw, y+ch, fg) // an ASCII code's ink: a full cell
				default:
					fill(x+2, y+4, x+cw-2, y+ch-4, fg)
				}
				col++
			}
		}
	}
	return img
}

// sgrSplit splits a line into SGR sequences and runs of text.
var sgrSplit = regexp.MustCompile("\x1b\\[[0-9;]*m|[^\x1b]+")

// applyColors applies the parameters of one SGR sequence.
func applyColors(params string, fg, bg color.RGBA, th screenTheme) (color.RGBA, color.RGBA) {
	ps := strings.Split(params, ";")
	num := func(i int) int {
		if i >= len(ps) {
			return 0
		}
		n, _ := strconv.Atoi(ps[i])
		return n
	}
	for i := 0; i < len(ps); i++ {
		switch n := num(i); {
		case n == 0:
			fg, bg = th.fg, th.bg
		case n == 39:
			fg = th.fg
		case n == 49:
			bg = th.bg
		case n >= 30 && n <= 37:
			fg = basicColor(n - 30)
		case n >= 40 && n <= 47:
			bg = basicColor(n - 40)
		case (n == 38 || n == 48) && num(i+1) == 5:
			c := color256(num(i + 2))
			if n == 38 {
				fg = c
			} else {
				bg = c
			}
			i += 2
		}
	}
	return fg, bg
}

func basicColor(i int) color.RGBA {
	c := color.RGBA{0, 0, 0, 0xff}
	if i&1 != 0 {
		c.R = 0xcd
	}
	if i&2 != 0 {
		c.G = 0xcd
	}
	if i&4 != 0 {
		c.B = 0xcd
	}
	return c
}

func color256(n int) color.RGBA {
	switch {
	case n < 16:
		return basicColor(n % 8)
	case n < 232:
		n -= 16
		lv := func(v int) uint8 {
			if v == 0 {
				return 0
			}
			return uint8(55 + 40*v)
		}
		return color.RGBA{lv(n / 36), lv(n / 6 % 6), lv(n % 6), 0xff}
	}
	v := uint8(8 + 10*(n-232))
	return color.RGBA{v, v, v, 0xff}
}

// offerCmd is a "qrtc offer" with one loopback candidate: a 96-character
// token, a version 5 code, as a computer with one address makes.
func offerCmd(extra ...string) string {
	return qrtcBin + " offer --stun none --loopback --interface lo --ipv4 " + strings.Join(extra, " ")
}

// copyLineRE finds the copy line of an offer on a screen whose wrapped
// lines are joined.
var copyLineRE = regexp.MustCompile(`(?m)^qrtc answer (QRTC1O[0-9A-Z]+)$`)

// TestScreenFits runs "qrtc offer" in terminals of several sizes and
// themes: when the prompt appears, the screen holds the whole code, which
// a rendering of the screen decodes to the token of the copy line under
// it; a terminal too small gets one line that says so.
func TestScreenFits(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		width, height int
		theme         screenTheme
		env           []string
	}{
		{80, 24, lightTheme, []string{"TERM=xterm-256color"}},
		{80, 24, darkTheme, []string{"TERM=xterm-256color"}},
		{80, 24, lightTheme, []string{"TERM=xterm-256color", "NO_COLOR=1"}},
		{80, 24, lightTheme, []string{"TERM=xterm"}}, // eight colours
		{50, 45, darkTheme, []string{"TERM=xterm-256color"}},
		{100, 50, darkTheme, []string{"TERM=xterm-256color"}},
		{40, 50, lightTheme, []string{"TERM=xterm-256color"}},
	} {
		t.Run(fmt.Sprintf("%dx%d %s %s", c.width, c.height, c.theme.name, strings.Join(c.env, " ")), func(t *testing.T) {
			t.Parallel()
			tm := startTmux(t, c.width, c.height, c.env, nil, offerCmd())
			plain := tm.waitFor(regexp.MustCompile(`Paste the answer[\s\S]*Enter: *\n*$`))
			m := copyLineRE.FindStringSubmatch(plain)
			if m == nil {
				t.Fatalf("no copy line \"qrtc answer QRTC1O...\" on the screen:\n%s", plain)
			}
			if n := tm.historySize(); n > 2 {
				t.Errorf("%d lines scrolled off the top; only the stdout token (up to 2 lines) may", n)
			}
			// The text beside or under the code is broken between words.
			words := screenWords(tm.rows())
			for _, text := range []string{wholeCaption, "Paste the answer (or a photo's path), then press Enter:"} {
				if !strings.Contains(words, text) {
					t.Errorf("the screen does not read %q with whole words:\n%s", text, tm.rows())
				}
			}
			screen := tm.capture(true)
			if first := strings.SplitN(screen, "\n", 2)[0]; strings.ContainsAny(first, "▀▄█") {
				t.Errorf("the top row of the screen is inside the code, not its quiet zone: %q", first)
			}
			img := renderScreen(screen, c.width, c.theme)
			got, err := qr.Decode(img)
			if err != nil || got != m[1] {
				savePNG(t, img)
				t.Fatalf("decoding a rendering of the %dx%d screen: %q, %v; want the copy line's token %q\n%s", c.width, c.height, got, err, m[1], plain)
			}
		})
	}
}

// TestScreenStdoutRedirected: with stdout going to a file, the screen
// still shows the code and the whole command for the other computer (on
// stderr), and the file holds only the token.
func TestScreenStdoutRedirected(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "token")
	tm := startTmux(t, 80, 24, []string{"TERM=xterm-256color"}, nil, `sh -c '`+offerCmd()+` >`+out+`'`)
	plain := tm.waitFor(regexp.MustCompile(`Paste the answer[\s\S]*Enter: *\n*$`))
	m := copyLineRE.FindStringSubmatch(plain)
	if m == nil {
		t.Fatalf("no copy line \"qrtc answer QRTC1O...\" on the screen with stdout redirected:\n%s", plain)
	}
	if data, err := os.ReadFile(out); err != nil || string(data) != m[1]+"\n" {
		t.Errorf("stdout = %q, %v; want the token alone, %q", data, err, m[1]+"\n")
	}
	img := renderScreen(tm.capture(true), 80, lightTheme)
	if got, err := qr.Decode(img); err != nil || got != m[1] {
		savePNG(t, img)
		t.Fatalf("decoding a rendering of the screen: %q, %v; want %q\n%s", got, err, m[1], plain)
	}
}

// wholeCaption is a part of an offer's caption that a terminal as narrow
// as 40 columns would cut inside words if qrtc did not break its lines.
const wholeCaption = "run the command below, or qrtc answer PHOTO with a photo of this code. Then paste the answer it shows here, within 15 minutes."

// TestScreenFitsLongToken: an offer with a host, a server reflexive and a
// relay candidate (about 124 characters, a version 6 code at level M) still
// fits 80x24, drawn at level L, and decodes.
func TestScreenFitsLongToken(t *testing.T) {
	t.Parallel()
	srv, err := relay.New(relay.Config{ListenAddr: "127.0.0.1:0", Users: map[string]string{"alice": "wonderland"}, AllowLoopbackPeers: true})
	if err != nil {
		t.Fatalf("relay.New: %v", err)
	}
	t.Cleanup(func() { srv.Close() })
	urls := srv.URLs()
	cmd := qrtcBin + " offer --loopback --interface lo --ipv4 --stun " + urls[0] + " --turn '" + urls[1] + "' --turn-user alice --turn-pass wonderland"
	tm := startTmux(t, 80, 24, []string{"TERM=xterm-256color"}, nil, cmd)
	plain := tm.waitFor(regexp.MustCompile(`Paste the answer[\s\S]*Enter: *\n*$`))
	m := copyLineRE.FindStringSubmatch(plain)
	if m == nil {
		t.Fatalf("no copy line on the screen:\n%s", plain)
	}
	t.Logf("a token of %d characters", len(m[1]))
	img := renderScreen(tm.capture(true), 80, darkTheme)
	if got, err := qr.Decode(img); err != nil || got != m[1] {
		savePNG(t, img)
		t.Fatalf("decoding a rendering of the screen: %q, %v; want %q\n%s", got, err, m[1], plain)
	}
}

// TestScreenTooSmall: a terminal that cannot hold the code gets one line
// with the size needed and --png FILE, the copy line, and no stripes.
func TestScreenTooSmall(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		width, height int
		extra         []string
		want          string
	}{
		{40, 20, nil, `qrtc: this terminal \(40x20\) is too small for the QR code, which needs \d+x\d+: enlarge it, or use --png FILE`},
		{80, 24, []string{"--ascii"}, `qrtc: this terminal \(80x24\) is too small for the ASCII QR code, which needs \d+x\d+: enlarge it, or use --png FILE`},
	} {
		t.Run(fmt.Sprintf("%dx%d %s", c.width, c.height, c.extra), func(t *testing.T) {
			t.Parallel()
			tm := startTmux(t, c.width, c.height, []string{"TERM=xterm-256color"}, nil, offerCmd(c.extra...))
			screen := tm.waitFor(regexp.MustCompile(`Paste the answer`))
			if words := screenWords(tm.rows()); !regexp.MustCompile(c.want).MatchString(words) || !strings.Contains(words, wholeCaption) {
				t.Errorf("the screen does not say %q, then %q, with whole words:\n%s", c.want, wholeCaption, tm.rows())
			}
			if strings.ContainsAny(screen, "▀▄█#") || copyLineRE.FindString(screen) == "" {
				t.Errorf("want no code and the copy line; the screen shows:\n%s", screen)
			}
		})
	}
}

// TestScreenASCII: --ascii fits 80 columns when the terminal is tall
// enough, and its rendering decodes.
func TestScreenASCII(t *testing.T) {
	t.Parallel()
	tm := startTmux(t, 80, 50, []string{"TERM=xterm-256color"}, nil, offerCmd("--ascii"))
	plain := tm.waitFor(regexp.MustCompile(`Paste the answer[\s\S]*Enter: *\n*$`))
	m := copyLineRE.FindStringSubmatch(plain)
	if m == nil {
		t.Fatalf("no copy line on the screen:\n%s", plain)
	}
	img := renderScreen(tm.capture(true), 80, lightTheme)
	if got, err := qr.Decode(img); err != nil || got != m[1] {
		savePNG(t, img)
		t.Fatalf("decoding a rendering of the --ascii screen: %q, %v; want %q\n%s", got, err, m[1], plain)
	}
}

// phraseOnScreenRE finds the verification phrase in a screen's text with
// the code's cells taken out (see screenWords).
var phraseOnScreenRE = regexp.MustCompile(`Verification phrase: ([a-z]+ [a-z]+ [a-z]+ [a-z]+) \(the other side`)

// screenWords is the text of a screen without the code's half blocks, its
// words joined by single spaces: a caption beside the code reads on.
func screenWords(screen string) string {
	var words []string
	for _, w := range strings.Fields(screen) {
		if strings.Trim(w, "▀▄█") != "" {
			words = append(words, w)
		}
	}
	return strings.Join(words, " ")
}

// TestScreenAnswerAndWaiting: the answer side fits 80x24 too, with its
// token as the copy line, the verification phrase beside its code and a
// waiting line that says for how long; the offer side shows the same phrase
// as soon as it has the answer, before the connection opens (with an
// answer whose maker is gone it never opens), and says it connects for up
// to 30 s.
func TestScreenAnswerAndWaiting(t *testing.T) {
	t.Parallel()
	// --no-one-scan: the answer side waits until the answer is pasted.
	offerer := startQRTC(t, "offer", nil, "offer", "--stun", "none", "--loopback", "--interface", "lo", "--ipv4", "--no-qr", "--no-one-scan")
	offer := offerer.token()
	tm := startTmux(t, 80, 24, []string{"TERM=xterm-256color"}, nil, qrtcBin+" answer --stun none --loopback --interface lo --ipv4 "+offer)
	waitRE := regexp.MustCompile(`Waiting for the other side to connect, up to 15 minutes \((1[45]:\d\d) left\)`)
	plain := tm.waitFor(waitRE)
	// The time left counts down in place: another value on the same line.
	first := waitRE.FindStringSubmatch(plain)[1]
	later := plain
	for deadline := time.Now().Add(waitLimit); waitRE.FindStringSubmatch(later)[1] == first; {
		if time.Now().After(deadline) {
			t.Fatalf("the time left stayed %s for %s:\n%s", first, waitLimit, later)
		}
		time.Sleep(100 * time.Millisecond)
		later = tm.waitFor(waitRE)
	}
	if n := strings.Count(later, "Waiting for the other side"); n != 1 {
		t.Errorf("the waiting line is on the screen %d times, want once (rewritten in place):\n%s", n, later)
	}
	m := regexp.MustCompile(`(?m)^(QRTC1A[0-9A-Z]+)$`).FindStringSubmatch(plain)
	if m == nil {
		t.Fatalf("no answer token to copy on the screen:\n%s", plain)
	}
	img := renderScreen(tm.capture(true), 80, darkTheme)
	if got, err := qr.Decode(img); err != nil || got != m[1] {
		savePNG(t, img)
		t.Fatalf("decoding a rendering of the answer's screen: %q, %v; want %q\n%s", got, err, m[1], plain)
	}
	// The answer side knows both descriptions: its phrase is on the screen
	// while it waits, and the offer side shows the same one, then connects.
	pm := phraseOnScreenRE.FindStringSubmatch(screenWords(plain))
	if pm == nil {
		t.Fatalf("no verification phrase on the answer's screen while it waits:\n%s", plain)
	}
	offerer.write(m[1] + "\n")
	early := offerer.waitStderr(regexp.MustCompile(`^Verification phrase: `))
	if !strings.Contains(early, "Verification phrase: "+pm[1]+" (") {
		t.Errorf("the offer side shows %q; the answer side's screen shows the phrase %q", early, pm[1])
	}
	if got := offerer.phrase(); got != pm[1] {
		t.Errorf("connected with the phrase %q; the answer side showed %q", got, pm[1])
	}
	offerer.kill()

	// An answer whose maker is gone: the offer side connects, and says
	// for how long it will try.
	tm2 := startTmux(t, 80, 24, []string{"TERM=xterm-256color"}, nil, offerCmd("--no-one-scan"))
	tm2.waitFor(regexp.MustCompile(`Paste the answer`))
	dead := startQRTC(t, "answer", nil, "answer", "--stun", "none", "--loopback", "--interface", "lo", "--ipv4", "--no-qr",
		copyLineRE.FindStringSubmatch(tm2.capture(false))[1])
	answer := dead.token()
	dead.kill()
	if out, err := exec.Command("tmux", "-S", tm2.sock, "send-keys", answer, "Enter").CombinedOutput(); err != nil {
		t.Fatalf("tmux send-keys: %v\n%s", err, out)
	}
	screen := tm2.waitFor(regexp.MustCompile(`Connecting to the other side, up to 30 s \(0:[0-3]\d left\)`))
	if !phraseOnScreenRE.MatchString(screenWords(screen)) || strings.Contains(screen, "connected") {
		t.Errorf("want the verification phrase on the offer side's screen before the connection opens; it shows:\n%s", screen)
	}
}

// TestCopyToClipboard: --copy puts the copy line on the clipboard of a
// terminal that takes OSC 52 (tmux with set-clipboard on keeps it as its
// paste buffer).
func TestCopyToClipboard(t *testing.T) {
	t.Parallel()
	tm := startTmux(t, 80, 24, []string{"TERM=xterm-256color"}, [][]string{{"set-option", "-g", "set-clipboard", "on"}}, offerCmd("--copy"))
	plain := tm.waitFor(regexp.MustCompile(`Paste the answer`))
	m := copyLineRE.FindStringSubmatch(plain)
	if m == nil {
		t.Fatalf("no copy line on the screen:\n%s", plain)
	}
	deadline := time.Now().Add(waitLimit)
	for {
		out, err := exec.Command("tmux", "-S", tm.sock, "show-buffer").Output()
		if err == nil && string(out) == "qrtc answer "+m[1] {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("tmux show-buffer = %q, %v; want %q", out, err, "qrtc answer "+m[1])
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// savePNG keeps a rendering that did not decode, for a person to look at.
func savePNG(t *testing.T, img image.Image) {
	t.Helper()
	f, err := os.CreateTemp("", "qrtc-screen-*.png")
	if err != nil {
		return
	}
	defer f.Close()
	if png.Encode(f, img) == nil {
		t.Logf("the rendering is kept in %s", f.Name())
	}
}

func TestRouteText(t *testing.T) {
	turns := []string{"turn:203.0.113.7:3478?transport=udp"}
	for _, c := range []struct {
		r    peer.Route
		want string
	}{
		{peer.Route{LocalType: "host", LocalAddress: "192.0.2.1:5000", RemoteType: "srflx", RemoteAddress: "198.51.100.2:6000"},
			"Direct connection, no relay: 192.0.2.1:5000 to 198.51.100.2:6000 (host to srflx)."},
		{peer.Route{LocalType: "relay", LocalAddress: "203.0.113.7:49152", RemoteType: "host", RemoteAddress: "192.0.2.9:6000"},
			"Relayed connection, through your TURN relay turn:203.0.113.7:3478?transport=udp (address 203.0.113.7:49152)."},
		{peer.Route{LocalType: "host", LocalAddress: "192.0.2.1:5000", RemoteType: "relay", RemoteAddress: "198.51.100.8:50000"},
			"Relayed connection, through the other side's TURN relay at 198.51.100.8:50000."},
		{peer.Route{LocalType: "relay", LocalAddress: "192.0.2.77:49152", RemoteType: "relay", RemoteAddress: "198.51.100.8:50000"},
			"Relayed connection, through your TURN relay at 192.0.2.77:49152 and the other side's TURN relay at 198.51.100.8:50000."},
	} {
		if got := routeText(c.r, turns); got != c.want {
			t.Errorf("routeText(%+v) = %q, want %q", c.r, got, c.want)
		}
	}
}

func TestCopyLine(t *testing.T) {
	for _, c := range []struct{ instructions, line, caption string }{
		{"they run: qrtc answer TOKEN (or a photo)", "qrtc answer QRTC1OX", "they run: the command below (or a photo)"},
		{"they run: qrtc send --to TOKEN PATH...", "qrtc send --to QRTC1OX", "they run: the command below PATH..."},
		{"they paste it into their qrtc offer", "QRTC1OX", "they paste it into their qrtc offer"},
	} {
		if got := copyLine(c.instructions, "QRTC1OX"); got != c.line {
			t.Errorf("copyLine(%q) = %q, want %q", c.instructions, got, c.line)
		}
		if got := captionText(c.instructions); got != c.caption {
			t.Errorf("captionText(%q) = %q, want %q", c.instructions, got, c.caption)
		}
	}
}

// TestFitCode: a 96-character token fits 80x24 at level M with a 2-module
// quiet zone; a 130-character one (version 6 at level M) only at level L;
// nothing fits 40x20.
func TestFitCode(t *testing.T) {
	tok := func(n int) string { return "QRTC1O" + strings.Repeat("7Z", n)[:n-6] }
	caption := "This is your offer. On the other computer, run the command below. Then paste the answer it shows here, within 15 minutes."
	for _, c := range []struct {
		n, width, height int
		ok               bool
		level            qr.Level
		qz               int
	}{
		{96, 80, 24, true, qr.LevelM, 2},
		{96, 100, 50, true, qr.LevelM, 4},
		{130, 80, 24, true, qr.LevelL, 2},
		{130, 100, 40, true, qr.LevelM, 4},
		{96, 40, 20, false, 0, 0},
	} {
		text := tok(c.n)
		l, ok, w, h, err := fitCode(text, qr.TerminalOptions{}, caption, "qrtc answer "+text, 1, c.width, c.height)
		if err != nil || ok != c.ok || (ok && (l.level != c.level || l.quietZone != c.qz)) {
			t.Errorf("fitCode(%d characters, %dx%d) = level %v, quiet zone %d, ok %v (needs %dx%d), %v; want ok %v, level %v, quiet zone %d",
				c.n, c.width, c.height, l.level, l.quietZone, ok, w, h, err, c.ok, c.level, c.qz)
		}
	}
}

// TestScreenQR: "qrtc qr" draws on stdout fitted to the terminal, or says
// in one error that the terminal is too small.
func TestScreenQR(t *testing.T) {
	t.Parallel()
	text := "https://example.org/qrtc"
	// The shell stays after qrtc: tmux may lose the last output of a
	// process that ends at once.
	run := func(text string) string { return `sh -c "` + qrtcBin + ` qr '` + text + `'; echo exit=\$?; sleep 600"` }
	tm := startTmux(t, 80, 24, []string{"TERM=xterm-256color"}, nil, run(text))
	tm.waitFor(regexp.MustCompile(`exit=0`))
	img := renderScreen(tm.capture(true), 80, lightTheme)
	if got, err := qr.Decode(img); err != nil || got != text {
		savePNG(t, img)
		t.Fatalf("decoding a rendering of qrtc qr's screen: %q, %v; want %q", got, err, text)
	}
	long := text + "/" + strings.Repeat("qrtc", 20)
	small := startTmux(t, 40, 20, []string{"TERM=xterm-256color"}, nil, run(long))
	screen := small.waitFor(regexp.MustCompile(`exit=2`))
	joined := strings.Join(strings.Fields(screen), "") // the 40 columns wrap the message
	if !strings.Contains(joined, "toosmallfortheQRcode") || !strings.Contains(joined, "--pngFILE") || strings.ContainsAny(screen, "▀▄█") {
		t.Errorf("qrtc qr in 40x20: want the too-small error and no code; the screen shows:\n%s", screen)
	}
}
