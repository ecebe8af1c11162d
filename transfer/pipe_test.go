package transfer

import (
	"context"
	"errors"
	"sync"
)

// pipeConn is one end of an in-memory message pipe: the transport of the
// protocol tests that do not need WebRTC (the peer tests use a real pair).
type pipeConn struct {
	in, out chan []byte
	closed  chan struct{} // closed when either end closes
	once    *sync.Once
}

var errPipeClosed = errors.New("pipe closed")

// newPipe returns two connected ends.
func newPipe() (*pipeConn, *pipeConn) {
	a, b := make(chan []byte, 64), make(chan []byte, 64)
	closed, once := make(chan struct{}), &sync.Once{}
	return &pipeConn{in: a, out: b, closed: closed, once: once}, &pipeConn{in: b, out: a, closed: closed, once: once}
}

func (p *pipeConn) Send(ctx context.Context, msg []byte) error {
	select {
	case p.out <- append([]byte(nil), msg...):
		return nil
	case <-p.closed:
		return errPipeClosed
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (p *pipeConn) Receive(ctx context.Context) ([]byte, error) {
	select {
	case m, ok := <-p.in:
		if !ok {
			return nil, errPipeClosed
		}
		return m, nil
	default:
	}
	select {
	case m, ok := <-p.in:
		if !ok {
			return nil, errPipeClosed
		}
		return m, nil
	case <-p.closed:
		return nil, errPipeClosed
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Close ends both directions, as a vanished peer does.
func (p *pipeConn) Close() { p.once.Do(func() { close(p.closed) }) }

// closeWrite ends this end's sending direction: the other end receives
// what was sent, then errPipeClosed, as when a peer vanishes mid-transfer.
func (p *pipeConn) closeWrite() { close(p.out) }
