package main

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qrtc/qrtc/internal/dhtswarm"
	"github.com/qrtc/qrtc/internal/netns"
	"github.com/qrtc/qrtc/rendezvous"
)

// The end-to-end tests of short codes run qrtc processes against a private
// DHT swarm on loopback (never the public DHT), with --no-lan so that
// nothing is multicast on the machine's real network; the local-network
// path runs inside a namespace lab.

var (
	codeSwarmOnce sync.Once
	codeSwarm     *dhtswarm.Swarm
	codeSwarmErr  error
)

// privateSwarm is one private swarm of 30 nodes shared by the code tests.
func privateSwarm(t *testing.T) *dhtswarm.Swarm {
	t.Helper()
	codeSwarmOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		codeSwarm, codeSwarmErr = dhtswarm.Start(ctx, dhtswarm.Options{Nodes: 30})
	})
	if codeSwarmErr != nil {
		t.Fatalf("starting the private DHT swarm: %v", codeSwarmErr)
	}
	return codeSwarm
}

// codeArgs are the flags of a code session on the private swarm.
func codeArgs(sw *dhtswarm.Swarm, kind string, extra ...string) []string {
	return sessionCmd(kind, append([]string{"--no-lan", "--dht-bootstrap", strings.Join(sw.Bootstrap(), ",")}, extra...)...)
}

// startCode runs qrtc (inside namespace ns when it is not nil) with its own
// cache directory, so that tests never touch the user's DHT cache.
func startCode(t *testing.T, ns *netns.Namespace, name string, args ...string) *proc {
	t.Helper()
	var cmd *exec.Cmd
	if ns != nil {
		cmd = ns.Command(context.Background(), qrtcBin, args...)
	} else {
		cmd = exec.Command(qrtcBin, args...)
	}
	cmd.Env = []string{"XDG_CACHE_HOME=" + t.TempDir()}
	return startCmd(t, name, cmd, nil, nil, nil)
}

// codeRE matches a code as qrtc prints it on stdout.
var codeRE = regexp.MustCompile(`^[0-9]{1,4}(-[a-z]+){2,3}$`)

// code waits for the code on the offering side's stdout.
func (p *proc) code() string {
	p.t.Helper()
	c := p.token()
	if !codeRE.MatchString(c) {
		p.t.Fatalf("%s: first stdout line %q is not a code", p.name, c)
	}
	return c
}

func TestCodeSession(t *testing.T) {
	t.Parallel()
	sw := privateSwarm(t)
	offerer := startCode(t, nil, "offer", codeArgs(sw, "offer", "--code")...)
	code := offerer.code()
	answerer := startCode(t, nil, "answer", codeArgs(sw, "answer", code)...)
	checkChat(t, offerer, answerer)
	// The answerer waits for the channel while the code exchange ends: no
	// "waiting to connect" line after it opened.
	for _, line := range answerer.stderr.all() {
		if strings.Contains(line, "Waiting for the other side to connect") {
			t.Errorf("the answerer said %q, though its channel was open", line)
		}
	}
}

func TestCodeThreeWordsAtPrompt(t *testing.T) {
	t.Parallel()
	sw := privateSwarm(t)
	offerer := startCode(t, nil, "offer", codeArgs(sw, "offer", "--code", "--code-words", "3")...)
	code := offerer.code()
	if n := strings.Count(code, "-"); n != 3 {
		t.Fatalf("--code-words 3 gave %q", code)
	}
	// Typed at the prompt, in capitals, with words cut to five letters.
	parts := strings.Split(code, "-")
	for i := 1; i < len(parts); i++ {
		parts[i] = strings.ToUpper(parts[i][:min(5, len(parts[i]))])
	}
	answerer := startCode(t, nil, "answer", codeArgs(sw, "answer", "--code")...)
	answerer.waitStderr(regexp.MustCompile(`Type the code`))
	answerer.write(strings.Join(parts, " ") + "\n")
	checkChat(t, offerer, answerer)
}

func TestCodeWrongCodeBurns(t *testing.T) {
	t.Parallel()
	sw := privateSwarm(t)
	offerer := startCode(t, nil, "offer", codeArgs(sw, "offer", "--code")...)
	code := offerer.code()
	parts := strings.Split(code, "-")
	parts[1], parts[2] = parts[2], parts[1]
	if parts[1] == parts[2] {
		parts[1] = "zebra"
		if parts[2] == "zebra" {
			parts[1] = "acid"
		}
	}
	answerer := startCode(t, nil, "answer", codeArgs(sw, "answer", strings.Join(parts, "-"))...)
	answerer.wantExit(exitBadInput, "wrong code, or someone tried to guess it")
	offerer.wantExit(exitBadInput, "wrong code, or someone tried to guess it")
	for _, p := range []*proc{offerer, answerer} {
		if all := strings.Join(p.stderr.all(), "\n"); !strings.Contains(all, "start again with a new code") {
			t.Errorf("%s does not say to start again: %q", p.name, all)
		}
		for _, l := range p.stderr.all() {
			if strings.HasPrefix(l, "connected") {
				t.Errorf("%s connected with a wrong code: %q", p.name, l)
			}
		}
	}
}

// TestCodeAttacker plays someone who watches the DHT and writes to a
// number's slots with a guessed code: as a joiner against the offering
// side, and as an offering side against the joiner. Each side is burned and
// says so; neither connects to the attacker, who gets nothing.
func TestCodeAttacker(t *testing.T) {
	t.Parallel()
	sw := privateSwarm(t)
	ctx, cancel := context.WithTimeout(t.Context(), waitLimit)
	defer cancel()
	helloStored := make(chan struct{}, 1) // the attacker stored a hello (50 bytes)
	logf := func(format string, args ...any) {
		if strings.HasPrefix(fmt.Sprintf(format, args...), "DHT: stored a 50-byte item") {
			select {
			case helloStored <- struct{}{}:
			default:
			}
		}
	}
	attacker := func() *rendezvous.Rendezvous {
		r, err := rendezvous.New(rendezvous.Config{Bootstrap: sw.Bootstrap(), NoMulticast: true, Logf: logf})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(r.Close)
		return r
	}
	guess := func(code string) rendezvous.Code {
		c, err := rendezvous.ParseCode(code)
		if err != nil {
			t.Fatal(err)
		}
		g := rendezvous.Code{Number: c.Number, Words: []string{"acid", "acid"}}
		if g.String() == c.String() {
			g.Words[1] = "acorn"
		}
		return g
	}

	// 1. The attacker joins the offering side first.
	offerer := startCode(t, nil, "offer", codeArgs(sw, "offer", "--code")...)
	code := offerer.code()
	if _, err := attacker().Join(ctx, guess(code)); !errors.Is(err, rendezvous.ErrBurned) {
		t.Errorf("the attacker's Join with a guessed code: %v, want ErrBurned", err)
	}
	offerer.wantExit(exitBadInput, "wrong code, or someone tried to guess it")

	// 2. The attacker overwrites the offering slot of a new session with
	// its own hello before the joiner comes: once the offering side has
	// stored its hello, the attacker stores a newer one.
	offerer2 := startCode(t, nil, "offer2", codeArgs(sw, "offer", "--code", "-v")...)
	code2 := offerer2.code()
	offerer2.waitStderr(regexp.MustCompile(`^qrtc -v: DHT: stored a 50-byte item`))
	fake := attacker()
	fakeDone := make(chan error, 1)
	go func() {
		answer, err := fake.Offer(ctx, guess(code2), "ATTACKER-OFFER")
		if err == nil {
			err = errors.New("the attacker got an answer: " + answer)
		}
		fakeDone <- err
	}()
	select {
	case <-helloStored: // the newest hello wins
	case <-ctx.Done():
		t.Fatal("the attacker's hello was never stored")
	}
	answerer := startCode(t, nil, "answer", codeArgs(sw, "answer", code2)...)
	answerer.wantExit(exitBadInput, "wrong code, or someone tried to guess it")
	if err := <-fakeDone; !errors.Is(err, rendezvous.ErrBurned) {
		t.Errorf("the attacker's Offer: %v, want ErrBurned", err)
	}
	offerer2.kill()
}

// TestCodeSameNumber: a number in use by a waiting session is refused to a
// second one, and the items a finished session left on a number burn
// nothing in the next session with that number.
func TestCodeSameNumber(t *testing.T) {
	t.Parallel()
	sw := privateSwarm(t)
	number := strconv.Itoa(5000 + os.Getpid()%4000)
	first := startCode(t, nil, "offer1", codeArgs(sw, "offer", "--code", "--code-number", number)...)
	code := first.code()
	second := startCode(t, nil, "offer2", codeArgs(sw, "offer", "--code", "--code-number", number)...)
	second.wantExit(exitNoConnect, "in use", number)
	answerer := startCode(t, nil, "answer1", codeArgs(sw, "answer", code)...)
	checkChat(t, first, answerer)

	// The first session's offer and answer items stay in the DHT.
	third := startCode(t, nil, "offer3", codeArgs(sw, "offer", "--code", "--code-number", number)...)
	code3 := third.code()
	answerer3 := startCode(t, nil, "answer3", codeArgs(sw, "answer", code3)...)
	checkChat(t, third, answerer3)
}

// TestCodeLAN: two computers on one LAN whose DHT bootstrap node does not
// answer find each other by link-local multicast.
func TestCodeLAN(t *testing.T) {
	t.Parallel()
	netns.Require(t)
	lab, err := netns.New()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lab.Close() })
	ctx := t.Context()
	a, err := lab.Namespace(ctx, "lana")
	if err != nil {
		t.Fatal(err)
	}
	b, err := lab.Namespace(ctx, "lanb")
	if err != nil {
		t.Fatal(err)
	}
	if err := lab.Link(ctx, a, "eth0", b, "eth0"); err != nil {
		t.Fatal(err)
	}
	for ns, p := range map[*netns.Namespace]string{a: "10.77.0.1/24", b: "10.77.0.2/24"} {
		if err := ns.AddAddr(ctx, "eth0", netip.MustParsePrefix(p)); err != nil {
			t.Fatal(err)
		}
		if err := ns.DefaultRoute(ctx, netip.MustParseAddr("10.77.0.254")); err != nil {
			t.Fatal(err)
		}
	}
	// A bootstrap address on the LAN where nothing answers.
	dead := []string{"--dht-bootstrap", "10.77.0.99:6881"}
	offerer := startCode(t, a, "offer", sessionCmd("offer", append(dead, "--code")...)...)
	code := offerer.code()
	answerer := startCode(t, b, "answer", sessionCmd("answer", append(dead, code, "-v")...)...)
	answerer.waitStderr(regexp.MustCompile(`via lan`))
	checkChat(t, offerer, answerer)
}

// TestCodeSendReceive: "qrtc send --code" and "qrtc receive CODE" carry a
// file, and "qrtc receive --code" with "qrtc send --to CODE" the other way.
func TestCodeSendReceive(t *testing.T) {
	t.Parallel()
	sw := privateSwarm(t)
	src := filepath.Join(t.TempDir(), "note.txt")
	if err := os.WriteFile(src, []byte("sent by code\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{"send-offers", "receive-offers"} {
		t.Run(dir, func(t *testing.T) {
			out := t.TempDir()
			var sender, receiver *proc
			if dir == "send-offers" {
				sender = startCode(t, nil, "send", codeArgs(sw, "send", "--code", src)...)
				code := sender.code()
				sender.waitStderr(regexp.MustCompile(`they run: qrtc receive ` + code + `$`))
				receiver = startCode(t, nil, "receive", codeArgs(sw, "receive", "--yes", "--out", out, code)...)
			} else {
				receiver = startCode(t, nil, "receive", codeArgs(sw, "receive", "--code", "--yes", "--out", out)...)
				code := receiver.code()
				receiver.waitStderr(regexp.MustCompile(`they run: qrtc send --to ` + code + ` PATH\.\.\.$`))
				sender = startCode(t, nil, "send", codeArgs(sw, "send", "--to", code, src)...)
			}
			sender.wantExit(0)
			receiver.wantExit(0)
			if b, err := os.ReadFile(filepath.Join(out, "note.txt")); string(b) != "sent by code\n" {
				t.Errorf("received note.txt holds %q (%v)", b, err)
			}
		})
	}
}

// TestCodeTabCompletion types a code at the prompt on a terminal with each
// word cut to its shortest unique start and completed with Tab: the screen
// shows the whole words, and the code finds the other side.
func TestCodeTabCompletion(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir()) // inherited by the terminal's qrtc
	sw := privateSwarm(t)
	offerer := startCode(t, nil, "offer", codeArgs(sw, "offer", "--code")...)
	code := offerer.code()
	parts := strings.Split(code, "-")
	answerer := startOnTerminal(t, "answer", codeArgs(sw, "answer", "--code")...)
	at := answerer.screen.wait(t, regexp.MustCompile(`code: `), 0)
	answerer.typeKeys(parts[0] + "-")
	for i, w := range parts[1:] {
		n := 1
		for len(rendezvous.Completions(w[:n])) > 1 {
			n++
		}
		answerer.typeKeys(w[:n] + "\t")
		at = answerer.screen.wait(t, regexp.MustCompile(regexp.QuoteMeta(w)), at)
		if i < len(parts)-2 {
			answerer.typeKeys("-")
		}
	}
	answerer.typeKeys("\r")
	answerer.screen.wait(t, regexp.MustCompile(`connected`), at)
	offerer.waitStderr(regexp.MustCompile(`^connected`))
}

func TestCompleteCodeWord(t *testing.T) {
	for _, c := range []struct {
		line    string
		pos     int
		key     rune
		want    string
		wantPos int
		ok      bool
	}{
		{"4821-guit", 9, '\t', "4821-guitar", 11, true},
		{"4821-GUIT", 9, '\t', "4821-guitar", 11, true},
		{"4821-guitar-oran", 16, '\t', "4821-guitar-orange", 18, true},
		{"4821-guit-orange", 9, '\t', "4821-guitar-orange", 11, true},
		{"4821-b", 6, '\t', "4821-b", 6, true}, // many words start with b: no common start beyond it
		{"482", 3, '\t', "", 0, false},         // the number
		{"4821-", 5, '\t', "", 0, false},       // nothing typed yet
		{"4821-xq", 7, '\t', "", 0, false},     // no such word
		{"4821-guit", 9, 'a', "", 0, false},    // not Tab
	} {
		got, gotPos, ok := completeCodeWord(c.line, c.pos, c.key)
		if got != c.want || gotPos != c.wantPos || ok != c.ok {
			t.Errorf("completeCodeWord(%q, %d, %q) = %q, %d, %v; want %q, %d, %v", c.line, c.pos, c.key, got, gotPos, ok, c.want, c.wantPos, c.ok)
		}
	}
}

// TestCodePaths: the waiting lines name only the ways the flags leave.
func TestCodePaths(t *testing.T) {
	for _, c := range []struct {
		f    codeFlags
		want string
	}{
		{codeFlags{}, "over the BitTorrent DHT and the local network"},
		{codeFlags{noLAN: true}, "over the BitTorrent DHT"},
		{codeFlags{bootstrap: "none"}, "over the local network"},
		{codeFlags{bootstrap: "10.0.0.1:6881", noLAN: true}, "over the DHT of --dht-bootstrap"},
		{codeFlags{bootstrap: "10.0.0.1:6881"}, "over the DHT of --dht-bootstrap and the local network"},
	} {
		if got := c.f.paths(); got != c.want {
			t.Errorf("paths() with --dht-bootstrap %q, no-lan %v = %q, want %q", c.f.bootstrap, c.f.noLAN, got, c.want)
		}
	}
}
