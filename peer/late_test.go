package peer_test

import (
	"testing"
	"time"
)

// lateAnswer makes an offer, waits beforeAnswer, makes the answer, waits
// beforeAccept (a person carrying the answer back) and then checks that
// the two sides still connect and chat.
func lateAnswer(t *testing.T, beforeAnswer, beforeAccept time.Duration) {
	ctx := testContext(t, beforeAnswer+beforeAccept+2*time.Minute)
	a, b := newPeer(t, loopback()), newPeer(t, loopback())
	offer, err := a.Offer(ctx)
	if err != nil {
		t.Fatalf("Offer() = %v", err)
	}
	time.Sleep(beforeAnswer)
	answer, err := b.Answer(ctx, offer)
	if err != nil {
		t.Fatalf("Answer() = %v", err)
	}
	time.Sleep(beforeAccept)
	if err := a.Accept(ctx, answer); err != nil {
		t.Fatalf("Accept() after %s = %v", beforeAccept, err)
	}
	if err := a.WaitOpen(ctx); err != nil {
		t.Fatalf("offerer WaitOpen() with the answer applied %s late = %v, want nil", beforeAccept, err)
	}
	if err := b.WaitOpen(ctx); err != nil {
		t.Fatalf("answerer WaitOpen() with the answer applied %s late = %v, want nil", beforeAccept, err)
	}
	if err := b.Send(ctx, "still here"); err != nil {
		t.Fatalf("Send() = %v", err)
	}
	if m, err := a.Receive(ctx); err != nil || m != "still here" {
		t.Fatalf("Receive() = %q, %v; want \"still here\"", m, err)
	}
}

// TestLateAnswer2Minutes: the answer is applied two real minutes after the
// answerer made it, and the two sides still connect.
func TestLateAnswer2Minutes(t *testing.T) {
	if testing.Short() {
		t.Skip("waits two minutes; skipped with -short")
	}
	t.Parallel()
	lateAnswer(t, 0, 2*time.Minute)
}

// TestLateAnswer10Minutes: the offer waits ten minutes in all before the
// answer is applied (QRTC_LONG=1 only).
func TestLateAnswer10Minutes(t *testing.T) {
	requireLong(t)
	t.Parallel()
	lateAnswer(t, 8*time.Minute, 2*time.Minute)
}
