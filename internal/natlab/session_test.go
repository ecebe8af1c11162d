package natlab

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/qrtc/qrtc/internal/netns"
	"github.com/qrtc/qrtc/relay"
)

// iceServers are the --stun and --turn flags a session's two sides get.
type iceServers struct {
	stun       string // stun:IP:PORT
	turn       string // turn:IP:PORT?transport=udp, or "" for none
	user, pass string // TURN credentials
	// relay is the server when it is our relay package (nil for coturn),
	// for its statistics.
	relay *relay.Server
}

// relayedBytes returns how many bytes the relay carried for the lab's user
// both ways, or -1 when the server is not ours.
func (s iceServers) relayedBytes() int64 {
	if s.relay == nil {
		return -1
	}
	var n uint64
	for _, u := range s.relay.Stats() {
		n += u.BytesToPeers + u.BytesFromPeers
	}
	return int64(n)
}

func (s iceServers) args() []string {
	args := []string{"--stun", s.stun}
	if s.turn != "" {
		args = append(args, "--turn", s.turn, "--turn-user", s.user, "--turn-pass", s.pass)
	}
	return args
}

// labGatherTimeout is qrtc's --gather-timeout on both sides of every lab
// session: far above qrtc's default (peer.DefaultGatherTimeout, 1.5 s), so
// that a STUN answer or a TURN allocation delayed by a loaded machine (CI
// runs the lab beside the other packages' tests, under the race detector)
// still makes its server reflexive or relay candidate, which the matrix then
// asserts. It costs nothing when the servers answer: gathering ends as soon as
// every server has.
const labGatherTimeout = 10 * time.Second

// session says how to run one qrtc session across a topology: "qrtc offer" in
// the first client of side 0, "qrtc answer" in the first client of side 1.
type session struct {
	top     *netns.Topology
	servers iceServers
	// answerDelay is how long the test holds the answer token before giving
	// it to the offer side, as a person scanning it would.
	answerDelay time.Duration
	// timeout is qrtc's --timeout on both sides; zero leaves qrtc's default.
	timeout time.Duration
	// noAnswer never gives the answer to the offer side: the session
	// connects only if the answer travels inside the first connectivity
	// check (one-scan). connectTime then counts from the start of qrtc
	// answer, which reads the offer at once.
	noAnswer bool
	// connectLimit bounds the wait for "connected" after the answer is
	// applied (a bound against hangs, not a speed assertion): past it the
	// session counts as hung.
	connectLimit time.Duration
}

// outcome is what happened in a session.
type outcome struct {
	// connected: both sides printed "connected" and a message went each way.
	connected bool
	// connectTime is from the answer given to the offer side to the later
	// of the two "connected" lines.
	connectTime time.Duration
	// offerExit and answerExit are the exit codes (-1: killed by the test).
	offerExit, answerExit int
	// offerCands and answerCands are the candidate types each side gathered
	// (from -v), such as "host srflx relay".
	offerCands, answerCands string
	// offer and answer are the two processes, for their transcripts.
	offer, answer *proc
}

// connectedLine is how qrtc tells that the data channel is open.
var connectedLine = regexp.MustCompile(`^connected\b`)

// localCandidate is qrtc -v's line for a gathered candidate.
var localCandidate = regexp.MustCompile(`^qrtc -v: this side's candidate: \S+ \S+ (\S+)`)

// run runs the session to its end and returns what happened. It fails the
// test only for what is wrong whatever the network does: qrtc not printing
// its token, hanging past every bound, a connected session that loses a
// message or ends badly.
func (s session) run(t testing.TB) outcome {
	t.Helper()
	if s.connectLimit == 0 {
		s.connectLimit = 3 * time.Minute
	}
	common := append([]string{"--no-qr", "-v", "--gather-timeout", labGatherTimeout.String()}, s.servers.args()...)
	if s.timeout != 0 {
		common = append(common, "--timeout", s.timeout.String())
	}
	a, b := s.top.Sides[0].Clients[0], s.top.Sides[1].Clients[0]
	var offer, answer *proc
	stopTrace := trace(t, s.top)
	defer func() { stopTrace(offer, answer) }()

	offer = startQRTC(t, a, "offer", append([]string{"offer"}, common...)...)
	offerToken, err := offer.stdout.wait(func(string) bool { return true }, time.Minute)
	if err != nil {
		t.Fatalf("qrtc offer in %s printed no token: %v\n%s", a.Name, err, offer.transcript())
	}
	started := time.Now()
	answer = startQRTC(t, b, "answer", append(append([]string{"answer"}, common...), offerToken.text)...)
	answerToken, err := answer.stdout.wait(func(string) bool { return true }, time.Minute)
	if err != nil {
		t.Fatalf("qrtc answer in %s printed no token: %v\n%s\n%s", b.Name, err, offer.transcript(), answer.transcript())
	}
	if s.answerDelay > 0 {
		select {
		case <-time.After(s.answerDelay):
		case <-offer.exited:
			t.Fatalf("qrtc offer ended while waiting for the answer:\n%s", offer.transcript())
		case <-answer.exited:
			t.Fatalf("qrtc answer ended before its answer was applied:\n%s", answer.transcript())
		}
	}
	applied := time.Now()
	if s.noAnswer {
		applied = started
	} else if err := offer.write(answerToken.text + "\n"); err != nil {
		t.Fatalf("%v\n%s", err, offer.transcript())
	}

	o := outcome{offer: offer, answer: answer, offerExit: -1, answerExit: -1}
	// The offer side decides: it either connects or gives up after its
	// connect timeout. Only then is the answer side waited for.
	oc, oerr := offer.stderr.wait(connectedLine.MatchString, s.connectLimit)
	var ac line
	aerr := errStreamEnded
	if oerr == nil {
		ac, aerr = answer.stderr.wait(connectedLine.MatchString, s.connectLimit)
	}
	if oerr == nil && aerr == nil {
		o.connected = true
		last := oc.at
		if ac.at.After(last) {
			last = ac.at
		}
		o.connectTime = last.Sub(applied)
		o.offerCands = candidateTypes(offer)
		o.answerCands = candidateTypes(answer)
		chat(t, offer, answer)
		o.offerExit, o.answerExit = exitBoth(t, offer, answer)
		if o.offerExit != 0 || o.answerExit != 0 {
			t.Errorf("connected session ended with exit codes offer %d, answer %d; want 0 and 0\n%s\n%s", o.offerExit, o.answerExit, offer.transcript(), answer.transcript())
		}
		return o
	}
	// Not connected: qrtc must end by itself, the offer side within its
	// connect timeout. The answer side may wait for a later answer; once the
	// offer side gave up, the test ends it.
	if oerr == nil {
		t.Errorf("only the offer side connected (offer: %v, answer: %v)\n%s\n%s", oerr, aerr, offer.transcript(), answer.transcript())
	}
	if code, err := offer.exitCode(s.connectLimit); err != nil {
		t.Errorf("%v\n%s", err, offer.transcript())
	} else {
		o.offerExit = code
	}
	if code, err := answer.exitCode(5 * time.Second); err == nil {
		o.answerExit = code
	} else {
		answer.terminate()
	}
	o.offerCands = candidateTypes(offer)
	o.answerCands = candidateTypes(answer)
	return o
}

// routeLine is qrtc's line, after "connected", that says how the data goes.
var routeLine = regexp.MustCompile(`^(Direct connection, no relay:|Relayed connection, through) `)

// wantRoute checks that both sides of a connected session said how the
// data goes, each with a line starting with prefix.
func (o outcome) wantRoute(t testing.TB, prefix string) {
	t.Helper()
	for _, p := range []*proc{o.offer, o.answer} {
		var got []string
		for _, l := range p.stderr.all() {
			if routeLine.MatchString(l) {
				got = append(got, l)
			}
		}
		if len(got) != 1 || !strings.HasPrefix(got[0], prefix) {
			t.Errorf("qrtc %s said how the data goes with %q; want one line starting with %q\n%s", p.name, got, prefix, p.transcript())
		}
	}
}

// chat sends one message each way and ends both sides' input.
func chat(t testing.TB, offer, answer *proc) {
	t.Helper()
	for _, m := range []struct {
		from, to *proc
		text     string
	}{
		{offer, answer, "hello from the offer side"},
		{answer, offer, "hello from the answer side"},
	} {
		if err := m.from.write(m.text + "\n"); err != nil {
			t.Errorf("%v", err)
			return
		}
		if _, err := m.to.stdout.wait(func(s string) bool { return s == m.text }, time.Minute); err != nil {
			t.Errorf("qrtc %s did not print %q sent by qrtc %s: %v\n%s\n%s", m.to.name, m.text, m.from.name, err, offer.transcript(), answer.transcript())
		}
	}
	_ = offer.stdin.Close()
	_ = answer.stdin.Close()
}

// exitBoth waits for both processes to end and returns their exit codes
// (-1 for one the test had to kill).
func exitBoth(t testing.TB, offer, answer *proc) (int, int) {
	t.Helper()
	codes := []int{-1, -1}
	for i, p := range []*proc{offer, answer} {
		code, err := p.exitCode(time.Minute)
		if err != nil {
			t.Errorf("%v\n%s", err, p.transcript())
			p.terminate()
			continue
		}
		codes[i] = code
	}
	return codes[0], codes[1]
}

// candidateTypes lists the types of the candidates a side gathered, in the
// order of qrtc -v's lines, each once: "host srflx relay".
func candidateTypes(p *proc) string {
	var types []string
	seen := map[string]bool{}
	for _, l := range p.stderr.all() {
		if m := localCandidate.FindStringSubmatch(l); m != nil && !seen[m[1]] {
			seen[m[1]] = true
			types = append(types, m[1])
		}
	}
	if len(types) == 0 {
		return "none"
	}
	return strings.Join(types, "+")
}

// failedCleanly says why a session that did not connect did not end the way
// qrtc promises (exit code 1 and a diagnostic that mentions --turn), or ""
// when it did.
func (o outcome) failedCleanly() string {
	if o.offerExit != 1 {
		return fmt.Sprintf("qrtc offer ended with exit code %d, want 1", o.offerExit)
	}
	// An error is a "qrtc: ..." line, and under it, indented, what to do.
	lines := o.offer.stderr.all()
	for i, l := range lines {
		if !strings.HasPrefix(l, "qrtc:") {
			continue
		}
		if strings.Contains(l, "--turn") || i+1 < len(lines) && strings.HasPrefix(lines[i+1], " ") && strings.Contains(lines[i+1], "--turn") {
			return ""
		}
	}
	return "qrtc offer's error does not mention --turn"
}
