package peer_test

import (
	"context"
	"os"
	"runtime"
	"testing"
	"time"

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

// waitGoroutines waits until at most n goroutines run, and fails with
// their stacks if they do not wind down.
func waitGoroutines(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for runtime.NumGoroutine() > n {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			buf = buf[:runtime.Stack(buf, true)]
			t.Fatalf("runtime.NumGoroutine() = %d after Close, want <= %d; stacks:\n%s", runtime.NumGoroutine(), n, buf)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// requireLong skips unless QRTC_LONG=1.
func requireLong(t *testing.T) {
	t.Helper()
	if os.Getenv("QRTC_LONG") != "1" {
		t.Skip("takes over 10 minutes; set QRTC_LONG=1 to run it")
	}
}
