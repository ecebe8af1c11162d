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
func (m *matrix) table(server serverKind, turn bool) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	var b strings.Builder
	title := "STUN only"
	if turn {
		title = "STUN+TURN"
	}
	fmt.Fprintf(&b, "%s, %s (rows: offer side NAT, columns: answer side NAT; time from answer applied to connected)\n", server, title)
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

// matrixServers are the servers the matrix runs against, and whether each
// runs the STUN-only column too. coturn runs with a static user
// (lt-cred-mech); its use-auth-secret variant has its own test.
var matrixServers = []struct {
	kind     serverKind
	stunOnly bool
}{
	{ourRelay, true},
	{coturnStatic, true},
}

// TestNATMatrix runs a qrtc session for every pairing of NATs (none,
// port-restricted cone, symmetric) on the offer and answer sides, with STUN
// only and with STUN and TURN, against our relay and against coturn, each
// cell in its own topology. With STUN only, every pairing that theory allows
// must connect, and the others must connect or fail cleanly (exit code 1, a
// diagnostic that mentions --turn); with TURN all must connect.
func TestNATMatrix(t *testing.T) {
	netns.Require(t)
	t.Parallel()
	m := &matrix{cells: map[string]cellResult{}}
	t.Run("cells", func(t *testing.T) {
		for _, srv := range matrixServers {
			for _, turn := range []bool{false, true} {
				if !turn && !srv.stunOnly {
					continue
				}
				for _, a := range nats {
					for _, b := range nats {
						key := cellKey(srv.kind, turn, a, b)
						t.Run(key, func(t *testing.T) {
							t.Parallel()
							runCell(t, m, key, srv.kind, turn, a, b)
						})
					}
				}
			}
		}
	})
	for _, srv := range matrixServers {
		for _, turn := range []bool{false, true} {
			if !turn && !srv.stunOnly {
				continue
			}
			t.Log("\n" + m.table(srv.kind, turn))
		}
	}
}

// runCell runs one cell of the matrix and records its result.
func runCell(t *testing.T, m *matrix, key string, server serverKind, turn bool, a, b netns.NAT) {
	top := netns.NewTestTopology(t, netns.Config{Sides: []netns.SideConfig{{NAT: a}, {NAT: b}}})
	servers := startServer(t, top, server, turn)
	o := session{top: top, servers: servers}.run(t)
	if o.connected {
		m.set(key, cellResult{connected: true, time: o.connectTime})
		if turn && (!strings.Contains(o.offerCands, "relay") || !strings.Contains(o.answerCands, "relay")) {
			t.Errorf("with --turn, both sides must gather a relay candidate; offer has %s, answer %s", o.offerCands, o.answerCands)
		}
		// Where only a relay can join the two sides, the data must have
		// gone through it.
		if n := servers.relayedBytes(); turn && mayFailWithoutTURN(a, b) && n == 0 {
			t.Errorf("connected, but %s relayed no byte: the session cannot have gone through the relay", server)
		}
		t.Logf("connected %.2fs after the answer was applied; candidates offer %s, answer %s", o.connectTime.Seconds(), o.offerCands, o.answerCands)
		return
	}
	why := o.failedCleanly()
	if why == "" {
		m.set(key, cellResult{note: "(exit 1)"})
	} else {
		m.set(key, cellResult{note: "(unclean)"})
	}
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
			t.Logf("connected %.2fs after the answer was applied", o.connectTime.Seconds())
		})
	}
}
