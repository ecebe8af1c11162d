package peer_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/qrtc/qrtc/peer"
)

// TestPeerKilled: the other side's process is killed mid-chat (no goodbye
// of any kind); Receive and Send must report ErrPeerGone, not hang.
func TestPeerKilled(t *testing.T) {
	t.Parallel()
	ctx := testContext(t, 2*time.Minute)
	c := startChild(t, nil, "answer", helperLoopbackEnv+"=1")
	a := newPeer(t, loopback())
	offer, err := a.Offer(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c.say("desc", &offer)
	if err := a.Accept(ctx, c.expect(ctx, "desc")); err != nil {
		t.Fatal(err)
	}
	if err := a.WaitOpen(ctx); err != nil {
		t.Fatal(err)
	}
	if got := c.expect(ctx, "open"); got != a.Phrase() {
		t.Errorf("the other side's phrase is %q, this side's %q; want the same", got, a.Phrase())
	}
	if err := a.Send(ctx, "ping"); err != nil {
		t.Fatal(err)
	}
	if got := c.expect(ctx, "recv"); got != "ping" {
		t.Fatalf("the other side received %q, want \"ping\"", got)
	}

	if err := c.cmd.Process.Kill(); err != nil {
		t.Fatalf("killing the helper peer: %v", err)
	}
	m, err := a.Receive(ctx)
	if !errors.Is(err, peer.ErrPeerGone) {
		t.Fatalf("Receive() after the other side was killed = %q, %v; want ErrPeerGone", m, err)
	}
	if err := a.Send(ctx, "hello?"); !errors.Is(err, peer.ErrPeerGone) {
		t.Errorf("Send() after the other side was killed = %v, want ErrPeerGone", err)
	}
	t.Logf("Receive() = %v", err)
}

// TestConnectError: when the other side is unreachable, WaitOpen fails
// with a *ConnectError that lists what was tried and what to try next.
func TestConnectError(t *testing.T) {
	t.Parallel()
	ctx := testContext(t, time.Minute)
	cfg := loopback()
	cfg.ConnectTimeout = 3 * time.Second
	a := newPeer(t, cfg)
	b, err := peer.New(loopback())
	if err != nil {
		t.Fatal(err)
	}
	offer, err := a.Offer(ctx)
	if err != nil {
		t.Fatal(err)
	}
	answer, err := b.Answer(ctx, offer)
	if err != nil {
		t.Fatal(err)
	}
	b.Close() // its candidates now lead nowhere
	if err := a.Accept(ctx, answer); err != nil {
		t.Fatal(err)
	}
	err = a.WaitOpen(ctx)
	var ce *peer.ConnectError
	if !errors.As(err, &ce) || !errors.Is(err, peer.ErrICEFailed) {
		t.Fatalf("WaitOpen() with an unreachable answerer = %v, want a *ConnectError wrapping ErrICEFailed", err)
	}
	if strings.Join(ce.LocalTypes, ",") != "host" || strings.Join(ce.RemoteTypes, ",") != "host" {
		t.Errorf("ConnectError types = %q and %q, want host and host", ce.LocalTypes, ce.RemoteTypes)
	}
	if len(ce.Pairs) == 0 {
		t.Errorf("ConnectError.Pairs is empty, want the pairs ICE tried")
	}
	for _, want := range []string{"within 3s", "--stun", "--turn", "127.0.0.1"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if _, err := a.Receive(ctx); !errors.Is(err, peer.ErrICEFailed) {
		t.Errorf("Receive() after the failure = %v, want ErrICEFailed", err)
	}
	t.Log(err)
}

// TestAnswerWait: an answerer whose offerer never applies the answer gives
// up after AnswerWait with a *ConnectError saying so.
func TestAnswerWait(t *testing.T) {
	t.Parallel()
	ctx := testContext(t, time.Minute)
	a := newPeer(t, loopback())
	cfg := loopback()
	cfg.AnswerWait = 2 * time.Second
	b := newPeer(t, cfg)
	offer, err := a.Offer(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Answer(ctx, offer); err != nil {
		t.Fatal(err)
	}
	err = b.WaitOpen(ctx)
	if !errors.Is(err, peer.ErrICEFailed) || !strings.Contains(err.Error(), "did not connect within 2s") {
		t.Fatalf("answerer WaitOpen() with no Accept = %v, want ErrICEFailed saying the offerer did not connect within 2s", err)
	}
}
