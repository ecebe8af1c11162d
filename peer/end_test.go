package peer_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/qrtc/qrtc/peer"
)

// TestEndStress ends many chats at once, under the load they make
// together (and the race detector's): every Shutdown must reach the other
// side as io.EOF and every Close as ErrPeerGone. The decision is made from
// the SCTP association's state when the channel closes, not from a timing
// window, so no run may come out the other way.
func TestEndStress(t *testing.T) {
	t.Parallel()
	const runs, together = 30, 10
	for _, c := range []struct {
		name string
		end  func(*peer.Peer, context.Context) error
		want error
	}{
		{"shutdown", (*peer.Peer).Shutdown, io.EOF},
		{"close", func(p *peer.Peer, _ context.Context) error { return p.Close() }, peer.ErrPeerGone},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ctx := testContext(t, 3*time.Minute)
			sem := make(chan struct{}, together)
			errs := make(chan error, runs)
			var wg sync.WaitGroup
			for i := range runs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					sem <- struct{}{}
					defer func() { <-sem }()
					errs <- endOnce(ctx, i, c.end, c.want)
				}()
			}
			wg.Wait()
			close(errs)
			failed := 0
			for err := range errs {
				if err != nil {
					failed++
					t.Error(err)
				}
			}
			t.Logf("%d of %d runs ended as expected", runs-failed, runs)
		})
	}
}

// endOnce connects two Peers, sends one message, ends the chat on the
// offerer's side with end, and checks what the answerer's Receive reports.
// The answerer then leaves at once in every other run (as qrtc does after
// io.EOF), and stays until the offerer is done in the others.
func endOnce(ctx context.Context, i int, end func(*peer.Peer, context.Context) error, want error) (err error) {
	a, err := peer.New(loopback())
	if err != nil {
		return err
	}
	defer a.Close()
	b, err := peer.New(loopback())
	if err != nil {
		return err
	}
	defer b.Close()
	offer, err := a.Offer(ctx)
	if err != nil {
		return fmt.Errorf("run %d: Offer() = %v", i, err)
	}
	answer, err := b.Answer(ctx, offer)
	if err != nil {
		return fmt.Errorf("run %d: Answer() = %v", i, err)
	}
	if err := a.Accept(ctx, answer); err != nil {
		return fmt.Errorf("run %d: Accept() = %v", i, err)
	}
	for _, p := range []*peer.Peer{a, b} {
		if err := p.WaitOpen(ctx); err != nil {
			return fmt.Errorf("run %d: WaitOpen() = %v", i, err)
		}
	}
	if err := a.Send(ctx, "bye"); err != nil {
		return fmt.Errorf("run %d: Send() = %v", i, err)
	}
	if m, err := b.Receive(ctx); err != nil || m != "bye" {
		return fmt.Errorf("run %d: Receive() = %q, %v; want \"bye\"", i, m, err)
	}
	ended := make(chan error, 1)
	go func() { ended <- end(a, ctx) }()
	m, got := b.Receive(ctx)
	if i%2 == 0 {
		b.Close()
	}
	if err := <-ended; err != nil {
		return fmt.Errorf("run %d: ending the chat = %v, want nil", i, err)
	}
	if !errors.Is(got, want) {
		return fmt.Errorf("run %d: Receive() after the other side ended = %q, %v; want %v", i, m, got, want)
	}
	return nil
}
