package peer_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/qrtc/qrtc/peer"
)

// TestBackpressure: when the receiver does not read, its queue stops at its
// cap and pion stops being read, the sender's queue stays bounded, and
// Send neither drops nor fails; once the receiver reads, every message
// arrives in order.
func TestBackpressure(t *testing.T) {
	t.Parallel()
	ctx := testContext(t, 2*time.Minute)
	a, b := connected(t, ctx, loopback(), loopback())
	big := strings.Repeat("b", 16<<10)
	// More than the receiver's queue, SCTP's receive window and the
	// sender's high-water mark hold together (4 + 1 + 1 MiB): the sender
	// cannot get them all out until the receiver reads.
	const n = 512
	sent := make(chan error, 1)
	go func() {
		for i := range n {
			msg := big + message(i)
			if err := a.Send(ctx, msg); err != nil {
				sent <- err
				return
			}
			// Send hands a message to pion only while at most HighWater
			// bytes are queued there.
			if got, limit := peer.BufferedAmount(a), uint64(peer.HighWater+len(msg)); got > limit {
				sent <- fmt.Errorf("after Send() #%d, %d bytes queued in pion, want at most %d", i, got, limit)
				return
			}
		}
		sent <- nil
	}()
	select {
	case <-peer.QueueFull(b):
	case err := <-sent:
		t.Fatalf("the sender finished (%v) before the receiver's queue filled up with nobody reading", err)
	case <-ctx.Done():
		t.Fatalf("the receiver's queue never reached its cap of %d bytes with nobody reading; %d bytes queued", peer.MaxQueuedBytes, peer.QueuedBytes(b))
	}
	if got, limit := peer.QueuedBytes(b), int64(peer.MaxQueuedBytes+len(big)+1024); got > limit {
		t.Errorf("%d bytes wait for Receive, want at most the cap and one message, %d", got, limit)
	}
	for i := range n {
		m, err := b.Receive(ctx)
		if err != nil || m != big+message(i) {
			t.Fatalf("Receive() #%d = %d bytes, %v; want message %d", i, len(m), err, i)
		}
	}
	if err := <-sent; err != nil {
		t.Fatalf("sending %d messages of 16 KiB: %v", n, err)
	}
	if err := a.Shutdown(ctx); err != nil {
		t.Errorf("Shutdown() = %v", err)
	}
	if _, err := b.Receive(ctx); !errors.Is(err, io.EOF) {
		t.Fatalf("Receive() after all %d messages = %v, want io.EOF", n, err)
	}
}

// TestShutdownUnread: Shutdown completes even when this side never read
// what the other side sent and pion's read loop is blocked on it.
func TestShutdownUnread(t *testing.T) {
	t.Parallel()
	ctx := testContext(t, time.Minute)
	a, b := connected(t, ctx, loopback(), loopback())
	big := strings.Repeat("u", 16<<10)
	sent := make(chan error, 1)
	go func() {
		for {
			if err := b.Send(ctx, big); err != nil {
				sent <- err
				return
			}
		}
	}()
	select {
	case <-peer.QueueFull(a):
		// a's queue is full and pion's read loop waits.
	case err := <-sent:
		t.Fatalf("Send() = %v before the other side's queue filled up, want it to block", err)
	case <-ctx.Done():
		t.Fatalf("the receiver's queue never reached its cap with nobody reading")
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
	// The blocked Send ends when the chat does.
	if err := <-sent; err == nil || errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("blocked Send() after the other side's Shutdown = %v, want the chat's end", err)
	}
}
