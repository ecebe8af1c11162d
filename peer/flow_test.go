package peer_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

// TestBackpressure: when the receiver does not read, Send blocks (it does
// not drop or fail); once the receiver reads, every message arrives.
func TestBackpressure(t *testing.T) {
	t.Parallel()
	ctx := testContext(t, 2*time.Minute)
	a, b := connected(t, ctx, loopback(), loopback())
	big := strings.Repeat("b", 16<<10)
	sent := 0
	for {
		short, cancel := context.WithTimeout(ctx, 2*time.Second)
		err := a.Send(short, big+message(sent))
		cancel()
		if errors.Is(err, context.DeadlineExceeded) {
			break // blocked: the receiver's queue and SCTP's windows are full
		}
		if err != nil {
			t.Fatalf("Send(message %d) = %v, want nil or a blocked send", sent, err)
		}
		sent++
		if sent > 1e5 {
			t.Fatalf("Send never blocked after %d messages of 16 KiB with nobody reading", sent)
		}
	}
	t.Logf("Send blocked after %d messages (%d MiB) with nobody reading", sent, sent*len(big)>>20)
	// The receiver's queue (4 MiB), SCTP's receive window and the sender's
	// buffer (1 MiB each) hold what was sent: nothing grows without limit.
	if sent*len(big) > 8<<20 {
		t.Errorf("%d MiB went out before Send blocked, want at most 8 MiB buffered between the two sides", sent*len(big)>>20)
	}
	done := make(chan error, 1)
	go func() { done <- a.Shutdown(ctx) }()
	for i := range sent {
		m, err := b.Receive(ctx)
		if err != nil || m != big+message(i) {
			t.Fatalf("Receive() #%d = %d bytes, %v; want message %d", i, len(m), err, i)
		}
	}
	if _, err := b.Receive(ctx); !errors.Is(err, io.EOF) {
		t.Fatalf("Receive() after all %d messages = %v, want io.EOF", sent, err)
	}
	if err := <-done; err != nil {
		t.Errorf("Shutdown() = %v", err)
	}
}

// TestShutdownUnread: Shutdown completes even when this side never read
// what the other side sent and pion's read loop is blocked on it.
func TestShutdownUnread(t *testing.T) {
	t.Parallel()
	ctx := testContext(t, time.Minute)
	a, b := connected(t, ctx, loopback(), loopback())
	big := strings.Repeat("u", 16<<10)
	for {
		short, cancel := context.WithTimeout(ctx, time.Second)
		err := b.Send(short, big)
		cancel()
		if errors.Is(err, context.DeadlineExceeded) {
			break // a's queue is full and pion's read loop waits
		}
		if err != nil {
			t.Fatalf("Send() = %v", err)
		}
	}
	if err := a.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown() with unread messages = %v, want nil", err)
	}
	for {
		_, err := b.Receive(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("Receive() on the other side = %v, want io.EOF", err)
		}
	}
}
