package stream_test

import (
	"context"
	"errors"
	"sync"

	"github.com/qrtc/qrtc/stream"
)

// errVanished is what a pipe end reports when the other end vanished.
var errVanished = errors.New("the other side vanished")

// direction is one way of a pipe: ordered messages with a bounded queue
// (backpressure, as a data channel has), and the end of the way.
type direction struct {
	msgs chan stream.Message
	done chan struct{}
	once sync.Once
	err  error
}

func newDirection() *direction {
	return &direction{msgs: make(chan stream.Message, 16), done: make(chan struct{})}
}

func (d *direction) finish(err error) {
	d.once.Do(func() { d.err = err; close(d.done) })
}

// pipeEnd is one end of an in-memory, ordered, reliable message channel:
// what the stream protocol needs of a data channel, for tests of the
// protocol's states. The real channel is tested by cmd/qrtc's end-to-end
// tests.
type pipeEnd struct{ out, in *direction }

func pipe() (a, b *pipeEnd) {
	ab, ba := newDirection(), newDirection()
	return &pipeEnd{out: ab, in: ba}, &pipeEnd{out: ba, in: ab}
}

func (e *pipeEnd) Send(ctx context.Context, msg string) error {
	return e.put(ctx, stream.Message{Data: []byte(msg)})
}

func (e *pipeEnd) SendBinary(ctx context.Context, msg []byte) error {
	return e.put(ctx, stream.Message{Data: append([]byte(nil), msg...), Binary: true})
}

func (e *pipeEnd) put(ctx context.Context, m stream.Message) error {
	select {
	case <-e.out.done:
		return e.out.err
	default:
	}
	select {
	case e.out.msgs <- m:
		return nil
	case <-e.out.done:
		return e.out.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (e *pipeEnd) ReceiveMessage(ctx context.Context) (stream.Message, error) {
	select {
	case m := <-e.in.msgs:
		return m, nil
	case <-e.in.done:
		select {
		case m := <-e.in.msgs:
			return m, nil
		default:
		}
		return stream.Message{}, e.in.err
	case <-ctx.Done():
		return stream.Message{}, ctx.Err()
	}
}

// close ends both ways: the other end receives err after what was queued
// (io.EOF: a graceful close; errVanished: gone) and cannot send any more.
func (e *pipeEnd) close(err error) {
	e.out.finish(err)
	e.in.finish(err)
}
