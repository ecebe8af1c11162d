package peer_test

import (
	"context"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"

	"github.com/qrtc/qrtc/peer"
)

// loopback returns a Config whose candidates are loopback addresses only,
// so tests never send a packet off the machine.
func loopback() peer.Config {
	return peer.Config{
		IncludeLoopback: true,
		InterfaceFilter: func(name string) bool { return name == "lo" },
	}
}

// loopbackPion returns a plain pion API (not a Peer) whose candidates are
// loopback addresses only, as loopback does for a Peer.
func loopbackPion() *webrtc.API {
	var se webrtc.SettingEngine
	se.SetIncludeLoopbackCandidate(true)
	se.SetInterfaceFilter(func(name string) bool { return name == "lo" })
	return webrtc.NewAPI(webrtc.WithSettingEngine(se))
}

// newPeer makes a Peer that the test closes when it ends.
func newPeer(t testing.TB, cfg peer.Config) *peer.Peer {
	t.Helper()
	p, err := peer.New(cfg)
	if err != nil {
		t.Fatalf("peer.New(%+v) = %v, want a Peer", cfg, err)
	}
	t.Cleanup(func() {
		if err := p.Close(); err != nil {
			t.Errorf("Close() = %v, want nil", err)
		}
	})
	return p
}

// exchange runs offer, answer and accept between a and b, and returns the
// offer and the answer.
func exchange(t testing.TB, ctx context.Context, a, b *peer.Peer) (offer, answer string) {
	t.Helper()
	offer, err := a.Offer(ctx)
	if err != nil {
		t.Fatalf("Offer() = %v, want an offer", err)
	}
	answer, err = b.Answer(ctx, offer)
	if err != nil {
		t.Fatalf("Answer(offer) = %v, want an answer", err)
	}
	if err := a.Accept(ctx, answer); err != nil {
		t.Fatalf("Accept(answer) = %v, want nil", err)
	}
	return offer, answer
}

// connected returns two Peers with an open channel between them.
func connected(t testing.TB, ctx context.Context, cfgA, cfgB peer.Config) (a, b *peer.Peer) {
	t.Helper()
	a, b = newPeer(t, cfgA), newPeer(t, cfgB)
	exchange(t, ctx, a, b)
	for _, p := range []*peer.Peer{a, b} {
		if err := p.WaitOpen(ctx); err != nil {
			t.Fatalf("WaitOpen() = %v, want nil", err)
		}
	}
	return a, b
}

// testContext returns a context that ends a little before the test's
// deadline, so that a hang fails with a message instead of a panic.
func testContext(t testing.TB, limit time.Duration) context.Context {
	t.Helper()
	if tt, ok := t.(*testing.T); ok {
		if d, ok := tt.Deadline(); ok && time.Until(d)-10*time.Second < limit {
			limit = time.Until(d) - 10*time.Second
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	t.Cleanup(cancel)
	return ctx
}

// peerFrame marks a goroutine stack that runs, or was started by, code of
// package peer ("github.com/qrtc/qrtc/peer.(*Peer).Receive(...)"); test
// code is in package peer_test and does not match.
const peerFrame = "qrtc/peer."

// peerGoroutines returns the stacks of the goroutines that run code of
// package peer or were started by it. Goroutines of pion, the runtime and
// other tests that do not touch a Peer are left out, so the count does not
// depend on what else runs.
func peerGoroutines() []string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	var stacks []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, peerFrame) {
			stacks = append(stacks, g)
		}
	}
	return stacks
}

// waitGoroutines waits until at most n goroutines run code of package peer
// (see peerGoroutines), and fails with their stacks if they do not wind
// down. Close returns after every Peer callback that pion runs has
// returned, so only callbacks already on their way out remain; the wait
// yields to them and gives up after 15 s, a bound for a stuck goroutine,
// not a measurement.
func waitGoroutines(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		stacks := peerGoroutines()
		if len(stacks) <= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines run code of package peer after Close, want at most %d; their stacks:\n\n%s", len(stacks), n, strings.Join(stacks, "\n\n"))
		}
		runtime.Gosched()
		time.Sleep(10 * time.Millisecond)
	}
}

// requireLong skips unless QRTC_LONG=1.
func requireLong(t *testing.T) {
	t.Helper()
	if os.Getenv("QRTC_LONG") != "1" {
		t.Skip("takes over 10 minutes; set QRTC_LONG=1 to run it")
	}
}
