package relay

import (
	"bytes"
	"strconv"
	"testing"
	"time"
)

// BenchmarkRelayToPeer measures datagrams of 1000 bytes going from a
// pion/turn client through the server to a peer on loopback, with window
// datagrams in flight at a time.
func BenchmarkRelayToPeer(b *testing.B) {
	for _, window := range []int{1, 32} {
		b.Run("window="+strconv.Itoa(window), func(b *testing.B) {
			srv, err := New(Config{ListenAddr: "127.0.0.1:0", Users: map[string]string{"alice": "pw"}, AllowLoopbackPeers: true})
			if err != nil {
				b.Fatal(err)
			}
			defer srv.Close()
			relayed, err := newClient(b, srv, "alice", "pw").Allocate()
			if err != nil {
				b.Fatal(err)
			}
			defer relayed.Close()
			peer := listenPeer(b)
			payload := bytes.Repeat([]byte{'x'}, 1000)
			buf := make([]byte, 2000)
			b.SetBytes(int64(len(payload)))
			b.ResetTimer()
			for sent := 0; sent < b.N; {
				n := min(window, b.N-sent)
				for i := 0; i < n; i++ {
					if _, err := relayed.WriteTo(payload, peer.LocalAddr()); err != nil {
						b.Fatal(err)
					}
				}
				if err := peer.SetReadDeadline(time.Now().Add(5 * time.Second)); err != nil {
					b.Fatal(err)
				}
				for i := 0; i < n; i++ {
					if _, _, err := peer.ReadFrom(buf); err != nil {
						b.Fatalf("peer.ReadFrom after %d datagrams: %v", sent+i, err)
					}
				}
				sent += n
			}
		})
	}
}

// BenchmarkAllocate measures a TURN allocation on loopback: the 401
// round trip, the authenticated Allocate, and its release.
func BenchmarkAllocate(b *testing.B) {
	srv, err := New(Config{ListenAddr: "127.0.0.1:0", Users: map[string]string{"alice": "pw"}})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	for b.Loop() {
		client := newClient(b, srv, "alice", "pw")
		relayed, err := client.Allocate()
		if err != nil {
			b.Fatal(err)
		}
		_ = relayed.Close()
		client.Close()
	}
}
