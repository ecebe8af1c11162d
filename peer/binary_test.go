package peer_test

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/qrtc/qrtc/peer"
)

// TestBinaryMessages: SendBinary and Send interleave on one channel;
// ReceiveMessage returns each message with its bytes unchanged (NUL, invalid
// UTF-8, empty) and its kind; Receive gives the same bytes as a string; a
// binary message over the other side's limit is refused whole. The
// answerer sees the channel's protocol the offerer chose.
func TestBinaryMessages(t *testing.T) {
	t.Parallel()
	ctx := testContext(t, time.Minute)
	small := loopback()
	small.MaxMessageSize = 4096
	withProtocol := loopback()
	withProtocol.Protocol = "qrtc-test/1"
	a, b := connected(t, ctx, withProtocol, small)
	if got := b.Protocol(); got != "qrtc-test/1" {
		t.Errorf("answerer's Protocol() = %q, want the offerer's Config.Protocol \"qrtc-test/1\"", got)
	}

	type msg struct {
		data   []byte
		binary bool
	}
	sent := []msg{
		{[]byte{0, 0xff, 0xfe, '\r', '\n', 0x80}, true},
		{[]byte("text"), false},
		{[]byte{}, true},
		{bytes.Repeat([]byte{0xc3}, 4096), true},
		{[]byte("ünïcødé"), false},
	}
	for _, m := range sent {
		var err error
		if m.binary {
			buf := append([]byte(nil), m.data...)
			err = a.SendBinary(ctx, buf)
			for i := range buf {
				buf[i] = 'X' // SendBinary must not keep the caller's slice
			}
		} else {
			err = a.Send(ctx, string(m.data))
		}
		if err != nil {
			t.Fatalf("sending %.20q (binary %v) = %v, want nil", m.data, m.binary, err)
		}
	}
	err := a.SendBinary(ctx, make([]byte, 4097))
	if !errors.Is(err, peer.ErrMessageTooLarge) {
		t.Fatalf("SendBinary(4097 bytes) to a side that accepts 4096 = %v, want ErrMessageTooLarge", err)
	}
	if err := a.SendBinary(ctx, []byte("last")); err != nil {
		t.Fatalf("SendBinary(\"last\") after a refused message = %v, want nil", err)
	}
	for i, want := range sent[:len(sent)-1] {
		got, err := b.ReceiveMessage(ctx)
		if err != nil || !bytes.Equal(got.Data, want.data) || got.Binary != want.binary {
			t.Fatalf("ReceiveMessage() #%d = {%.20q, Binary %v}, %v; want {%.20q, Binary %v}, nil", i, got.Data, got.Binary, err, want.data, want.binary)
		}
	}
	if got, err := b.Receive(ctx); err != nil || got != string(sent[len(sent)-1].data) {
		t.Fatalf("Receive() = %q, %v; want %q (a text message through Receive)", got, err, sent[len(sent)-1].data)
	}
	if got, err := b.Receive(ctx); err != nil || got != "last" {
		t.Fatalf("Receive() of a binary message = %q, %v; want \"last\" (Receive returns binary messages as strings)", got, err)
	}
}

// TestConcurrentSenders: one goroutine sends much (often waiting for
// room), another sends a small message now and then, as a protocol's
// acknowledgements do. When pion's queue drains, every waiting sender must
// be woken: with one wake-up for one of them, the big sender waited for a
// drain that had already happened once the small one stopped sending.
func TestConcurrentSenders(t *testing.T) {
	t.Parallel()
	ctx := testContext(t, 2*time.Minute)
	a, b := connected(t, ctx, loopback(), loopback())
	const bigCount, size, smallCount = 512, 16 << 10, 300
	errc := make(chan error, 2)
	go func() {
		msg := make([]byte, size)
		for range bigCount {
			if err := a.SendBinary(ctx, msg); err != nil {
				errc <- err
				return
			}
		}
		errc <- nil
	}()
	go func() {
		for range smallCount {
			if err := a.SendBinary(ctx, []byte("ack")); err != nil {
				errc <- err
				return
			}
			time.Sleep(time.Millisecond)
		}
		errc <- nil
	}()
	for i := range bigCount + smallCount {
		if _, err := b.ReceiveMessage(ctx); err != nil {
			t.Fatalf("ReceiveMessage() #%d = %v, want all %d messages", i, err, bigCount+smallCount)
		}
	}
	for range 2 {
		if err := <-errc; err != nil {
			t.Fatalf("SendBinary() = %v", err)
		}
	}
}
