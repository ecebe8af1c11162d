package natlab

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qrtc/qrtc/internal/netns"
)

// nats are the router behaviours of the matrix: no NAT, a port-restricted
// cone NAT (MASQUERADE) and a symmetric NAT (MASQUERADE --random-fully).
var nats = []netns.NAT{netns.NoNAT, netns.Masquerade, netns.MasqueradeRandomFully}

// natName is a NAT's name in the matrix.
func natName(n netns.NAT) string {
	switch n {
	case netns.NoNAT:
		return "none"
	case netns.Masquerade:
		return "cone"
	case netns.MasqueradeRandomFully:
		return "symmetric"
	}
	return n.String()
}

// mayFailWithoutTURN says whether theory lets a session between these NATs
// fail with STUN only: a symmetric NAT gives each destination a fresh port,
// so the other side's checks only get through if that side filters nothing
// (no NAT); a port-restricted cone NAT drops datagrams from the unknown port.
// RFC 4787 section 4 and 5.
func mayFailWithoutTURN(a, b netns.NAT) bool {
	sym := func(n netns.NAT) bool { return n == netns.MasqueradeRandomFully }
	return (sym(a) && b != netns.NoNAT) || (sym(b) && a != netns.NoNAT)
}

// cellResult is one cell of the printed matrix.
type cellResult struct {
	done      bool
	connected bool
	time      time.Duration
	note      string
}

// matrix collects the cells' results for the table.
type matrix struct {
	mu    sync.Mutex
	cells map[string]cellResult
}

func cellKey(server serverKind, turn bool, a, b netns.NAT) string {
	mode := "stun"
	if turn {
		mode = "turn"
	}
	return fmt.Sprintf("%s/%s/%s-%s", server, mode, natName(a), natName(b))
}

func (m *matrix) set(key string, r cellResult) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r.done = true
	m.cells[key] = r
}

// table renders one server and mode as a 3x3 table: offer side's NAT in
// rows, answer side's in columns, each cell the time from the answer given
// to the offer side until both sides said "connected", or how it failed.
func (m *matrix) table(server serverKind, turn bool, delay time.Duration) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var b strings.Builder
	title := "STUN only"
	if turn {
		title = "STUN+TURN"
	}
	late := ""
	if delay > 0 {
		late = fmt.Sprintf(", answer applied %v after it was shown", delay)
	}
	fmt.Fprintf(&b, "%s, %s%s (rows: offer side NAT, columns: answer side NAT; time from answer applied to connected)\n", server, title, late)
	fmt.Fprintf(&b, "  %-14s", "offer\\answer")
	for _, n := range nats {
		fmt.Fprintf(&b, "%-22s", natName(n))
	}
	b.WriteString("\n")
	for _, a := range nats {
		fmt.Fprintf(&b, "  %-14s", natName(a))
		for _, n := range nats {
			r := m.cells[cellKey(server, turn, a, n)]
			var s string
			switch {
			case !r.done:
				s = "not run"
			case r.connected:
				s = fmt.Sprintf("%.2fs %s", r.time.Seconds(), r.note)
			default:
				s = "failed " + r.note
			}
			fmt.Fprintf(&b, "%-22s", s)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// matrixServers are the servers the matrix runs against, each for both
// columns (STUN only, STUN+TURN). coturn runs with a static user
// (lt-cred-mech); its use-auth-secret variant has its own test.
var matrixServers = []serverKind{ourRelay, coturnStatic}

// TestNATMatrix runs a qrtc session for every pairing of NATs (none,
// port-restricted cone, symmetric) on the offer and answer sides, with STUN
// only and with STUN and TURN, against our relay and against coturn, each
// cell in its own topology. With STUN only, every pairing that theory allows
// must connect, and the others must connect or fail cleanly (exit code 1, a
// diagnostic that mentions --turn); with TURN all must connect.
func TestNATMatrix(t *testing.T) {
	netns.Require(t)
	t.Parallel()
	runMatrix(t, 0, 0)
}

// TestNATMatrixLateAnswer is TestNATMatrix with every router forgetting
// idle UDP mappings after conntrackTimeout and every answer given to the
// offer side 2 minutes after it was shown, as when people scan codes: the
// same cells must connect.
func TestNATMatrixLateAnswer(t *testing.T) {
	netns.Require(t)
	t.Parallel()
	runMatrix(t, 2*time.Minute, conntrackTimeout)
}

// runMatrix runs every cell of the matrix in parallel, then logs the tables.
func runMatrix(t *testing.T, delay, udpTimeout time.Duration) {
	m := &matrix{cells: map[string]cellResult{}}
	t.Run("cells", func(t *testing.T) {
		for _, srv := range matrixServers {
			for _, turn := range []bool{false, true} {
				for _, a := range nats {
					for _, b := range nats {
						key := cellKey(srv, turn, a, b)
						t.Run(key, func(t *testing.T) {
							t.Parallel()
							c := cell{server: srv, turn: turn, a: a, b: b, delay: delay, udpTimeout: udpTimeout}
							m.set(key, c.run(t))
						})
					}
				}
			}
		}
	})
	for _, srv := range matrixServers {
		for _, turn := range []bool{false, true} {
			t.Log("\n" + m.table(srv, turn, delay))
		}
	}
}

// cell is one session of the matrix.
type cell struct {
	server serverKind
	turn   bool
	a, b   netns.NAT // the offer side's and the answer side's
	// delay is how long the answer waits before the offer side gets it.
	delay time.Duration
	// udpTimeout, when not zero, is every router's UDP conntrack timeout.
	udpTimeout time.Duration
}

// run runs the cell's session, checks it and returns its result.
func (c cell) run(t *testing.T) cellResult {
	sides := []netns.SideConfig{{NAT: c.a}, {NAT: c.b}}
	for i := range sides {
		sides[i].UDPTimeout, sides[i].UDPStreamTimeout = c.udpTimeout, c.udpTimeout
	}
	top := netns.NewTestTopology(t, netns.Config{Sides: sides})
	if c.udpTimeout > 0 {
		checkConntrackTimeouts(t, top, c.udpTimeout)
	}
	servers := startServer(t, top, c.server, c.turn)
	o := session{top: top, servers: servers, answerDelay: c.delay}.run(t)
	server, turn, a, b := c.server, c.turn, c.a, c.b
	var result cellResult
	if o.connected {
		result = cellResult{connected: true, time: o.connectTime}
		if turn && (!strings.Contains(o.offerCands, "relay") || !strings.Contains(o.answerCands, "relay")) {
			t.Errorf("with --turn, both sides must gather a relay candidate within --gather-timeout %v; offer has %s, answer %s\n%s\n%s", labGatherTimeout, o.offerCands, o.answerCands, o.offer.transcript(), o.answer.transcript())
		}
		// Where only a relay can join the two sides, the data must have
		// gone through it.
		if n := servers.relayedBytes(); turn && mayFailWithoutTURN(a, b) && n == 0 {
			t.Errorf("connected, but %s relayed no byte: the session cannot have gone through the relay", server)
		}
		// Each side says how the data goes: through a relay where only a
		// relay can join the two sides, directly where no relay was given.
		switch {
		case turn && mayFailWithoutTURN(a, b):
			o.wantRoute(t, "Relayed connection, through ")
		case !turn:
			o.wantRoute(t, "Direct connection, no relay: ")
		}
		t.Logf("connected %.2fs after the answer was applied; candidates offer %s, answer %s", o.connectTime.Seconds(), o.offerCands, o.answerCands)
		return result
	}
	why := o.failedCleanly()
	result.note = fmt.Sprintf("(exit %d)", o.offerExit)
	switch {
	case turn:
		t.Errorf("did not connect with TURN (offer exit %d, answer exit %d; candidates offer %s, answer %s)\n%s\n%s", o.offerExit, o.answerExit, o.offerCands, o.answerCands, o.offer.transcript(), o.answer.transcript())
	case !mayFailWithoutTURN(a, b):
		t.Errorf("%s offer side and %s answer side did not connect with STUN, as they can (offer exit %d, answer exit %d; candidates offer %s, answer %s)\n%s\n%s", natName(a), natName(b), o.offerExit, o.answerExit, o.offerCands, o.answerCands, o.offer.transcript(), o.answer.transcript())
	case why != "":
		t.Errorf("did not connect (as theory allows) but did not fail cleanly: %s\n%s\n%s", why, o.offer.transcript(), o.answer.transcript())
	default:
		t.Logf("did not connect, as theory allows, and failed cleanly (offer exit 1); candidates offer %s, answer %s", o.offerCands, o.answerCands)
	}
	return result
}

// TestNATTURNSecretCredentials connects two peers behind symmetric NATs,
// which only a relay can join, through our relay and through coturn with
// time-limited credentials derived from a shared secret (coturn's
// use-auth-secret) instead of a static user.
func TestNATTURNSecretCredentials(t *testing.T) {
	netns.Require(t)
	t.Parallel()
	for _, kind := range []serverKind{ourRelaySecret, coturnSecret} {
		t.Run(string(kind), func(t *testing.T) {
			t.Parallel()
			sym := netns.SideConfig{NAT: netns.MasqueradeRandomFully}
			top := netns.NewTestTopology(t, netns.Config{Sides: []netns.SideConfig{sym, sym}})
			servers := startServer(t, top, kind, true)
			if !strings.Contains(servers.user, ":") {
				t.Fatalf("TURN user %q is not a time-limited expiry:user name", servers.user)
			}
			o := session{top: top, servers: servers}.run(t)
			if !o.connected {
				t.Fatalf("symmetric NATs through %s with user %q: no connection (offer exit %d, answer exit %d; candidates offer %s, answer %s)\n%s\n%s", kind, servers.user, o.offerExit, o.answerExit, o.offerCands, o.answerCands, o.offer.transcript(), o.answer.transcript())
			}
			o.wantRoute(t, "Relayed connection, through ")
			t.Logf("connected %.2fs after the answer was applied", o.connectTime.Seconds())
		})
	}
}
