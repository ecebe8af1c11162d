package peer

import (
	"context"
	"errors"
	"fmt"
	"io"
)

// Send sends msg as one text message. It waits until the channel is open,
// and while too much data is queued (backpressure: it never drops). A
// message longer than MaxMessageSize is refused with ErrMessageTooLarge and
// nothing is sent. After the chat ended it returns ErrClosed or ErrPeerGone.
func (p *Peer) Send(ctx context.Context, msg string) error {
	if err := p.waitSendable(ctx); err != nil {
		return err
	}
	p.mu.Lock()
	dc, limit := p.dc, p.remote.maxMessageSize
	p.mu.Unlock()
	if len(msg) > limit {
		return fmt.Errorf("%w: %d bytes, but the other side accepts at most %d bytes per message; split it", ErrMessageTooLarge, len(msg), limit)
	}
	for dc.BufferedAmount() > highWater {
		select {
		case <-p.lowCh:
		case <-p.endCh:
			return p.sendError()
		case <-ctx.Done():
			return fmt.Errorf("peer: send: %w", ctx.Err())
		}
	}
	if err := dc.SendText(msg); err != nil {
		select {
		case <-p.endCh:
			return p.sendError()
		default:
		}
		return fmt.Errorf("%w: send: %v", ErrWebRTC, err)
	}
	return nil
}

// waitSendable waits until the channel is open and checks that the chat
// has not ended.
func (p *Peer) waitSendable(ctx context.Context) error {
	p.mu.Lock()
	closing := p.localClosing
	p.mu.Unlock()
	if closing {
		return fmt.Errorf("%w: Send after Shutdown or Close", ErrClosed)
	}
	select {
	case <-p.endCh:
		return p.sendError()
	default:
	}
	select {
	case <-p.openCh:
	case <-p.endCh:
		return p.sendError()
	case <-ctx.Done():
		return fmt.Errorf("peer: send: waiting for the channel to open: %w", ctx.Err())
	}
	return nil
}

// sendError turns the end reason into what Send reports.
func (p *Peer) sendError() error {
	err := p.endError()
	if errors.Is(err, io.EOF) {
		return fmt.Errorf("%w: the other side closed the chat", ErrClosed)
	}
	return err
}

// Receive returns the next message, text or binary, in the order sent. It
// returns io.EOF after the last message when the other side closed the
// chat (Shutdown, or a browser closing its channel), ErrPeerGone when the
// other side vanished, ErrClosed after this side's Close or Shutdown, and a
// *ConnectError when the connection could not be made.
func (p *Peer) Receive(ctx context.Context) (string, error) {
	select {
	case m := <-p.msgs:
		return p.took(m), nil
	default:
	}
	select {
	case m := <-p.msgs:
		return p.took(m), nil
	case <-p.endCh:
		// Messages that arrived before the end still count.
		select {
		case m := <-p.msgs:
			return p.took(m), nil
		default:
		}
		return "", p.endError()
	case <-ctx.Done():
		return "", fmt.Errorf("peer: receive: %w", ctx.Err())
	}
}

// took accounts for a message taken from the queue and wakes the reader
// if it waits for room.
func (p *Peer) took(m string) string {
	p.queued.Add(-int64(len(m)))
	select {
	case p.drained <- struct{}{}:
	default:
	}
	return m
}
