package peer

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/pion/webrtc/v4"
)

// Message is one message received on the data channel.
type Message struct {
	// Data is the message's content, exactly as sent. The caller owns it.
	Data []byte

	// Binary is true for a binary message (SendBinary, a browser's
	// send(ArrayBuffer)), false for a text message (Send, send(string)).
	// RFC 8831 section 6.6 carries the difference as the SCTP payload
	// protocol identifier.
	Binary bool
}

// Send sends msg as one text message. It waits until the channel is open,
// and while too much data is queued (backpressure: it never drops). A
// message longer than MaxMessageSize is refused with ErrMessageTooLarge and
// nothing is sent. After the chat ended it returns ErrClosed or ErrPeerGone.
func (p *Peer) Send(ctx context.Context, msg string) error {
	return p.send(ctx, len(msg), func(dc *webrtc.DataChannel) error { return dc.SendText(msg) })
}

// SendBinary sends msg as one binary message, with the same waiting, flow
// control and size limit as Send. The other side's ReceiveMessage returns
// it with Binary set. SendBinary does not keep msg after it returns.
func (p *Peer) SendBinary(ctx context.Context, msg []byte) error {
	return p.send(ctx, len(msg), func(dc *webrtc.DataChannel) error { return dc.Send(msg) })
}

// send waits until the channel is open and has room, checks size against
// the other side's limit, and calls write.
func (p *Peer) send(ctx context.Context, size int, write func(*webrtc.DataChannel) error) error {
	if err := p.waitSendable(ctx); err != nil {
		return err
	}
	p.mu.Lock()
	dc, limit := p.dc, p.remote.maxMessageSize
	p.mu.Unlock()
	if size > limit {
		return fmt.Errorf("%w: %d bytes, but the other side accepts at most %d bytes per message; split it", ErrMessageTooLarge, size, limit)
	}
	for {
		// The channel is taken before the amount is read, so that a low
		// event between the two is not missed.
		p.lowMu.Lock()
		low := p.lowCh
		p.lowMu.Unlock()
		if dc.BufferedAmount() <= highWater {
			break
		}
		select {
		case <-low:
		case <-p.endCh:
			return p.sendError()
		case <-ctx.Done():
			return fmt.Errorf("peer: send: %w", ctx.Err())
		}
	}
	if err := write(dc); err != nil {
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

// Receive returns the next message, text or binary, as a string, in the
// order sent. It returns io.EOF after the last message when the other side
// closed the chat (Shutdown, or a browser closing its channel), ErrPeerGone
// when the other side vanished, ErrClosed after this side's Close or
// Shutdown, and a *ConnectError when the connection could not be made.
// ReceiveMessage does the same and tells text from binary.
func (p *Peer) Receive(ctx context.Context) (string, error) {
	m, err := p.ReceiveMessage(ctx)
	return string(m.Data), err
}

// ReceiveMessage returns the next message in the order sent, with its kind
// (text or binary), and ends as Receive does: io.EOF after the last message
// of a graceful end, ErrPeerGone, ErrClosed or a *ConnectError otherwise.
// Receive and ReceiveMessage take from the same queue; each message is
// returned once, by one of them.
func (p *Peer) ReceiveMessage(ctx context.Context) (Message, error) {
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
		return Message{}, p.endError()
	case <-ctx.Done():
		return Message{}, fmt.Errorf("peer: receive: %w", ctx.Err())
	}
}

// took accounts for a message taken from the queue and wakes the reader
// if it waits for room.
func (p *Peer) took(m Message) Message {
	p.queued.Add(-int64(len(m.Data)))
	select {
	case p.drained <- struct{}{}:
	default:
	}
	return m
}
