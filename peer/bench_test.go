package peer_test

import (
	"context"
	"io"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"

	"github.com/qrtc/qrtc/peer"
	"github.com/qrtc/qrtc/stream"
)

// BenchmarkOffer measures the time from New to a complete offer with host
// candidates only.
func BenchmarkOffer(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		p, err := peer.New(loopback())
		if err != nil {
			b.Fatal(err)
		}
		if _, err := p.Offer(ctx); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		p.Close()
		b.StartTimer()
	}
}

// BenchmarkConnect measures the time from Accept to an open channel.
func BenchmarkConnect(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		x, err := peer.New(loopback())
		if err != nil {
			b.Fatal(err)
		}
		y, err := peer.New(loopback())
		if err != nil {
			b.Fatal(err)
		}
		offer, err := x.Offer(ctx)
		if err != nil {
			b.Fatal(err)
		}
		answer, err := y.Answer(ctx, offer)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := x.Accept(ctx, answer); err != nil {
			b.Fatal(err)
		}
		if err := x.WaitOpen(ctx); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		x.Close()
		y.Close()
		b.StartTimer()
	}
}

// BenchmarkRoundTrip measures a message going there and back.
func BenchmarkRoundTrip(b *testing.B) {
	ctx := context.Background()
	x, y := connected(b, ctx, loopback(), loopback())
	go func() {
		for {
			m, err := y.Receive(ctx)
			if err != nil {
				return
			}
			if y.Send(ctx, m) != nil {
				return
			}
		}
	}()
	for b.Loop() {
		if err := x.Send(ctx, "ping"); err != nil {
			b.Fatal(err)
		}
		if _, err := x.Receive(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

const throughputBytes = 64 << 20

// BenchmarkThroughput moves 64 MiB through a Peer and through a bare pion
// data channel with the usual bufferedAmountLow flow control, in the same
// run, and reports MB/s for each. Compare "peer" with "pion".
func BenchmarkThroughput(b *testing.B) {
	for _, size := range []int{500, 16 << 10} {
		name := map[int]string{500: "500B", 16 << 10: "16KiB"}[size]
		b.Run("pion/"+name, func(b *testing.B) { benchPion(b, size) })
		b.Run("peer/"+name, func(b *testing.B) { benchPeer(b, size) })
	}
	b.Run("stream", benchStream)
}

// streamConn is a Peer as package stream's channel.
type streamConn struct{ *peer.Peer }

func (c streamConn) ReceiveMessage(ctx context.Context) (stream.Message, error) {
	m, err := c.Peer.ReceiveMessage(ctx)
	return stream.Message(m), err
}

// benchStream moves the same bytes as a byte stream with package stream
// (64 KiB DATA messages, acknowledgements, the end mark and DONE), as qrtc
// does between two qrtc peers.
func benchStream(b *testing.B) {
	ctx := context.Background()
	total := int64(throughputBytes)
	b.SetBytes(total)
	start := time.Now()
	for b.Loop() {
		b.StopTimer()
		x, y := connected(b, ctx, loopback(), loopback())
		sx, err := stream.New(streamConn{x}, stream.Config{MaxMessageSize: x.MaxMessageSize()})
		if err != nil {
			b.Fatal(err)
		}
		sy, err := stream.New(streamConn{y}, stream.Config{MaxMessageSize: y.MaxMessageSize(), Answerer: true, ChannelProtocol: stream.Protocol})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		done := make(chan error, 1)
		go func() {
			_, err := sy.Run(ctx, strings.NewReader(""), io.Discard)
			done <- err
		}()
		if _, err := sx.Run(ctx, io.LimitReader(zeros{}, total), io.Discard); err != nil {
			b.Fatal(err)
		}
		if err := <-done; err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		x.Close()
		y.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(b.N)*float64(total)/1e6/time.Since(start).Seconds(), "MB/s")
}

// zeros reads as an endless run of zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func benchPeer(b *testing.B, size int) {
	ctx := context.Background()
	x, y := connected(b, ctx, loopback(), loopback())
	msg := strings.Repeat("m", size)
	total := throughputBytes / size * size
	b.SetBytes(int64(total))
	start := time.Now()
	for b.Loop() {
		done := make(chan error, 1)
		go func() {
			got := 0
			for got < total {
				m, err := y.Receive(ctx)
				if err != nil {
					done <- err
					return
				}
				got += len(m)
			}
			done <- nil
		}()
		for sent := 0; sent < total; sent += size {
			if err := x.Send(ctx, msg); err != nil {
				b.Fatal(err)
			}
		}
		if err := <-done; err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)*float64(total)/1e6/time.Since(start).Seconds(), "MB/s")
}

// benchPion does what benchPeer does with pion alone.
func benchPion(b *testing.B, size int) {
	api := loopbackPion()
	x, err := api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		b.Fatal(err)
	}
	defer x.Close()
	y, err := api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		b.Fatal(err)
	}
	defer y.Close()

	total := throughputBytes / size * size
	var got atomic.Int64
	chunk := make(chan struct{}, 1)
	y.OnDataChannel(func(dc *webrtc.DataChannel) {
		dc.OnMessage(func(m webrtc.DataChannelMessage) {
			if got.Add(int64(len(m.Data)))%int64(total) == 0 {
				chunk <- struct{}{}
			}
		})
	})
	dc, err := x.CreateDataChannel("bench", nil)
	if err != nil {
		b.Fatal(err)
	}
	opened := make(chan struct{})
	dc.OnOpen(func() { close(opened) })
	low := make(chan struct{}, 1)
	dc.SetBufferedAmountLowThreshold(512 << 10)
	dc.OnBufferedAmountLow(func() {
		select {
		case low <- struct{}{}:
		default:
		}
	})
	signal := func(from, to *webrtc.PeerConnection, create func(*webrtc.PeerConnection) (webrtc.SessionDescription, error)) {
		d, err := create(from)
		if err != nil {
			b.Fatal(err)
		}
		gathered := webrtc.GatheringCompletePromise(from)
		if err := from.SetLocalDescription(d); err != nil {
			b.Fatal(err)
		}
		<-gathered
		if err := to.SetRemoteDescription(*from.LocalDescription()); err != nil {
			b.Fatal(err)
		}
	}
	signal(x, y, func(pc *webrtc.PeerConnection) (webrtc.SessionDescription, error) { return pc.CreateOffer(nil) })
	signal(y, x, func(pc *webrtc.PeerConnection) (webrtc.SessionDescription, error) { return pc.CreateAnswer(nil) })
	<-opened

	msg := []byte(strings.Repeat("m", size))
	b.SetBytes(int64(total))
	start := time.Now()
	for b.Loop() {
		for sent := 0; sent < total; sent += size {
			for dc.BufferedAmount() > 1<<20 {
				<-low
			}
			if err := dc.Send(msg); err != nil {
				b.Fatal(err)
			}
		}
		<-chunk
	}
	b.ReportMetric(float64(b.N)*float64(total)/1e6/time.Since(start).Seconds(), "MB/s")
}
