package transfer_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"

	"github.com/qrtc/qrtc/peer"
	"github.com/qrtc/qrtc/transfer"
)

// peerConn carries a transfer over a qrtc Peer, as cmd/qrtc does.
type peerConn struct{ p *peer.Peer }

func (c peerConn) Send(ctx context.Context, msg []byte) error { return c.p.SendBinary(ctx, msg) }

func (c peerConn) Receive(ctx context.Context) ([]byte, error) {
	m, err := c.p.ReceiveMessage(ctx)
	if err != nil {
		return nil, err
	}
	if !m.Binary {
		return nil, fmt.Errorf("%w: a text message", transfer.ErrProtocol)
	}
	return m.Data, nil
}

// loopback keeps a Peer's candidates on this machine.
func loopback() peer.Config {
	return peer.Config{IncludeLoopback: true, InterfaceFilter: func(name string) bool { return name == "lo" }}
}

// connected returns two Peers with an open channel between them.
func connected(tb testing.TB, ctx context.Context) (a, b *peer.Peer) {
	tb.Helper()
	var err error
	if a, err = peer.New(loopback()); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { a.Close() })
	if b, err = peer.New(loopback()); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { b.Close() })
	offer, err := a.Offer(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	answer, err := b.Answer(ctx, offer)
	if err != nil {
		tb.Fatal(err)
	}
	if err := a.Accept(ctx, answer); err != nil {
		tb.Fatal(err)
	}
	for _, p := range []*peer.Peer{a, b} {
		if err := p.WaitOpen(ctx); err != nil {
			tb.Fatal(err)
		}
	}
	return a, b
}

// sendOverPeers sends paths from one Peer to another into dst.
func sendOverPeers(tb testing.TB, ctx context.Context, paths []string, dst string, chunk int) (*transfer.Report, error) {
	tb.Helper()
	src, err := transfer.Scan(paths)
	if err != nil {
		tb.Fatal(err)
	}
	a, b := connected(tb, ctx)
	done := make(chan error, 1)
	go func() {
		_, err := transfer.Receive(ctx, peerConn{b}, transfer.ReceiveOptions{Dir: dst})
		done <- err
	}()
	rep, err := transfer.Send(ctx, peerConn{a}, src, transfer.SendOptions{ChunkSize: chunk})
	if rerr := <-done; rerr != nil && err == nil {
		err = fmt.Errorf("receiver: %w", rerr)
	}
	return rep, err
}

// TestOverPeers moves a file and a folder between two real Peers.
func TestOverPeers(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir, dst := t.TempDir(), t.TempDir()
	data := make([]byte, 2<<20+5)
	rand.Read(data)
	os.MkdirAll(filepath.Join(dir, "d", "e"), 0o755)
	os.WriteFile(filepath.Join(dir, "d", "e", "data"), data, 0o755)
	os.WriteFile(filepath.Join(dir, "d", "empty"), nil, 0o644)
	rep, err := sendOverPeers(t, ctx, []string{filepath.Join(dir, "d")}, dst, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(filepath.Join(dst, "d", "e", "data")); !bytes.Equal(got, data) {
		t.Errorf("the data differs after the transfer")
	}
	if fi, err := os.Stat(filepath.Join(dst, "d", "e", "data")); err != nil || fi.Mode().Perm() != 0o755 {
		t.Errorf("mode %v (%v), want 0755", fi.Mode(), err)
	}
	if rep.Delivered != 4 || rep.Moved != int64(len(data)) {
		t.Errorf("report %+v", *rep)
	}
}

// benchBytes is the size of the file the throughput benchmark moves.
const benchBytes = 64 << 20

// BenchmarkThroughput sends a 64 MiB file between two Peers with transfer
// (read, hash, send, receive, hash, write, rename) and moves the same bytes
// through a bare pion data channel, alternately in each iteration so that
// both see the same load on a shared machine, and reports MB/s for each and
// transfer's share of pion's ("%pion").
func BenchmarkThroughput(b *testing.B) {
	for _, chunk := range []int{16 << 10, 64 << 10} {
		b.Run(fmt.Sprintf("%dKiB", chunk>>10), func(b *testing.B) { benchBoth(b, chunk) })
	}
}

func benchBoth(b *testing.B, chunk int) {
	ctx := context.Background()
	dir := b.TempDir()
	data := make([]byte, benchBytes)
	rand.Read(data)
	if err := os.WriteFile(filepath.Join(dir, "f"), data, 0o644); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(benchBytes)
	var tPion, tTransfer time.Duration
	for b.Loop() {
		start := time.Now()
		benchPion(b, chunk)
		tPion += time.Since(start)
		start = time.Now()
		if _, err := sendOverPeers(b, ctx, []string{filepath.Join(dir, "f")}, b.TempDir(), chunk); err != nil {
			b.Fatal(err)
		}
		tTransfer += time.Since(start)
	}
	pion := float64(b.N) * benchBytes / 1e6 / tPion.Seconds()
	tr := float64(b.N) * benchBytes / 1e6 / tTransfer.Seconds()
	b.ReportMetric(pion, "pion-MB/s")
	b.ReportMetric(tr, "transfer-MB/s")
	b.ReportMetric(100*tr/pion, "%pion")
}

// benchPion moves benchBytes through a new bare pion data channel with
// the usual bufferedAmountLow flow control (as peer's own benchmark does),
// connection set-up included as in sendOverPeers.
func benchPion(b *testing.B, size int) {
	var se webrtc.SettingEngine
	se.SetIncludeLoopbackCandidate(true)
	se.SetInterfaceFilter(func(name string) bool { return name == "lo" })
	api := webrtc.NewAPI(webrtc.WithSettingEngine(se))
	msg := []byte(strings.Repeat("m", size))
	total := benchBytes / size * size
	{
		x, err := api.NewPeerConnection(webrtc.Configuration{})
		if err != nil {
			b.Fatal(err)
		}
		y, err := api.NewPeerConnection(webrtc.Configuration{})
		if err != nil {
			b.Fatal(err)
		}
		var got atomic.Int64
		finished := make(chan struct{})
		y.OnDataChannel(func(dc *webrtc.DataChannel) {
			dc.OnMessage(func(m webrtc.DataChannelMessage) {
				if got.Add(int64(len(m.Data))) == int64(total) {
					close(finished)
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
		signal := func(from, to *webrtc.PeerConnection, offer bool) {
			var d webrtc.SessionDescription
			if offer {
				d, err = from.CreateOffer(nil)
			} else {
				d, err = from.CreateAnswer(nil)
			}
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
		signal(x, y, true)
		signal(y, x, false)
		<-opened
		for sent := 0; sent < total; sent += size {
			for dc.BufferedAmount() > 1<<20 {
				<-low
			}
			if err := dc.Send(msg); err != nil {
				b.Fatal(err)
			}
		}
		<-finished
		x.Close()
		y.Close()
	}
}

// BenchmarkManyFiles sends 10,000 files of 100 bytes in 100 folders between
// two Peers: no round trip per file, so the time is the per-file work
// (open, hash, create, rename) of both sides.
func BenchmarkManyFiles(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	tree := filepath.Join(dir, "many")
	data := []byte(strings.Repeat("x", 100))
	for d := 0; d < 100; d++ {
		sub := filepath.Join(tree, fmt.Sprintf("d%03d", d))
		if err := os.MkdirAll(sub, 0o755); err != nil {
			b.Fatal(err)
		}
		for f := 0; f < 100; f++ {
			if err := os.WriteFile(filepath.Join(sub, fmt.Sprintf("f%03d", f)), data, 0o644); err != nil {
				b.Fatal(err)
			}
		}
	}
	start := time.Now()
	for b.Loop() {
		rep, err := sendOverPeers(b, ctx, []string{tree}, b.TempDir(), 0)
		if err != nil || rep.DeliveredFiles != 10000 {
			b.Fatalf("%v; %+v", err, rep)
		}
	}
	b.ReportMetric(float64(b.N)*10000/time.Since(start).Seconds(), "files/s")
}
