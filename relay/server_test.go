package relay

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pion/turn/v5"
)

// relayRoundTrip sends a datagram from a TURN client through its allocation
// to a loopback peer and the peer's answer back, checking both.
func relayRoundTrip(t *testing.T, relayed net.PacketConn, peer net.PacketConn) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	if err := peer.SetReadDeadline(deadline); err != nil {
		t.Fatal(err)
	}
	if err := relayed.SetReadDeadline(deadline); err != nil {
		t.Fatal(err)
	}
	out := []byte("hello from the client")
	if _, err := relayed.WriteTo(out, peer.LocalAddr()); err != nil {
		t.Fatalf("relayed.WriteTo(peer) = %v", err)
	}
	buf := make([]byte, 1500)
	n, from, err := peer.ReadFrom(buf)
	if err != nil {
		t.Fatalf("peer.ReadFrom = %v; want the client's datagram", err)
	}
	if !bytes.Equal(buf[:n], out) || from.String() != relayed.LocalAddr().String() {
		t.Fatalf("peer got %q from %v; want %q from the relayed address %v", buf[:n], from, out, relayed.LocalAddr())
	}
	back := []byte("hello from the peer")
	if _, err := peer.WriteTo(back, from); err != nil {
		t.Fatalf("peer.WriteTo(relayed address) = %v", err)
	}
	n, from, err = relayed.ReadFrom(buf)
	if err != nil {
		t.Fatalf("relayed.ReadFrom = %v; want the peer's answer", err)
	}
	if !bytes.Equal(buf[:n], back) || from.String() != peer.LocalAddr().String() {
		t.Fatalf("client got %q from %v; want %q from the peer %v", buf[:n], from, back, peer.LocalAddr())
	}
}

func TestRelay(t *testing.T) {
	t.Parallel()
	const secret = "correct horse battery staple"
	srv, book := startServer(t, Config{
		Users:              map[string]string{"alice": "wonderland"},
		Secret:             secret,
		AllowLoopbackPeers: true,
	})
	restUser, restPass := TURNRESTCredentials(secret, "bob", time.Hour, time.Now())
	expiredUser, expiredPass := TURNRESTCredentials(secret, "carol", -time.Minute, time.Now())
	tests := []struct {
		name, username, password string
		user                     string // in Stats and logs; "" when refused
		refusal                  string // in the log line of a refusal
	}{
		{"static user", "alice", "wonderland", "alice", ""},
		{"time-limited credentials", restUser, restPass, "bob", ""},
		{"static user, wrong password", "alice", "looking glass", "", "wrong password"},
		{"unknown user", "mallory", "wonderland", "", "no such user"},
		{"expired credentials", expiredUser, expiredPass, "", "expired"},
		{"time-limited credentials, wrong password", restUser, "AAAA" + restPass[4:], "", "wrong password"},
		{"time-limited username changed", strings.Replace(restUser, "bob", "eve", 1), restPass, "", "wrong password"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			client := newClient(t, srv, tt.username, tt.password)
			relayed, err := client.Allocate()
			if tt.user == "" {
				if err == nil {
					_ = relayed.Close()
					t.Fatalf("Allocate() with %q/%q succeeded; want it refused", tt.username, tt.password)
				}
				book.waitFor("refused", fmt.Sprintf("%q", tt.username), tt.refusal)
				return
			}
			if err != nil {
				t.Fatalf("Allocate() with %q/%q = %v; want an allocation", tt.username, tt.password, err)
			}
			if got := relayed.LocalAddr().(*net.UDPAddr); !got.IP.Equal(net.IPv4(127, 0, 0, 1)) {
				t.Errorf("relayed address %v; want one on 127.0.0.1", got)
			}
			book.waitFor("allocation created", fmt.Sprintf("user %q", tt.user), relayed.LocalAddr().String())
			peer := listenPeer(t)
			relayRoundTrip(t, relayed, peer)

			if err := relayed.Close(); err != nil {
				t.Fatalf("relayed.Close() = %v", err)
			}
			line := book.waitFor("allocation ended", fmt.Sprintf("user %q", tt.user), relayed.LocalAddr().String())
			want := fmt.Sprintf("relayed %d bytes to peers and %d bytes from peers", len("hello from the client"), len("hello from the peer"))
			if !strings.Contains(line, want) {
				t.Errorf("log line %q; want it to say %q", line, want)
			}
			st := statsOf(srv, tt.user)
			if st.Allocations != 0 || st.TotalAllocations != 1 || st.BytesToPeers != 21 || st.BytesFromPeers != 19 {
				t.Errorf("Stats() for %q = %+v; want 0 open, 1 in total, 21 bytes to peers, 19 from peers", tt.user, st)
			}
		})
	}
}

func TestTURNOverTCP(t *testing.T) {
	t.Parallel()
	srv, book := startServer(t, Config{Users: map[string]string{"alice": "pw"}, TCP: true, AllowLoopbackPeers: true})
	conn, err := net.Dial("tcp4", srv.TCPAddr().String())
	if err != nil {
		t.Fatalf("Dial(%v) = %v", srv.TCPAddr(), err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	client, err := turn.NewClient(&turn.ClientConfig{
		STUNServerAddr: srv.TCPAddr().String(),
		TURNServerAddr: srv.TCPAddr().String(),
		Username:       "alice",
		Password:       "pw",
		Conn:           turn.NewSTUNConn(conn),
		LoggerFactory:  quietLoggers(),
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := client.Listen(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(client.Close)
	mapped, err := client.SendBindingRequest()
	if err != nil || mapped.String() != conn.LocalAddr().String() {
		t.Errorf("SendBindingRequest over TCP = %v, %v; want %v", mapped, err, conn.LocalAddr())
	}
	relayed, err := client.Allocate()
	if err != nil {
		t.Fatalf("Allocate() over TCP = %v", err)
	}
	book.waitFor("allocation created", `user "alice"`, "client tcp 127.0.0.1:")
	relayRoundTrip(t, relayed, listenPeer(t))

	// Close must end the TCP client and its allocation, and log the bytes.
	if err := srv.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	line := book.waitFor("allocation ended", `user "alice"`)
	if !strings.Contains(line, "relayed 21 bytes to peers and 19 bytes from peers") {
		t.Errorf("log line %q; want the bytes of the round trip", line)
	}
	if err := conn.SetReadDeadline(time.Now().Add(10 * time.Second)); err != nil {
		t.Fatal(err)
	}
	// The pion client reads the connection too, so skip whatever data
	// comes first: what matters is that it ends, not by the deadline.
	buf := make([]byte, 1500)
	for {
		_, err := conn.Read(buf)
		if err == nil {
			continue
		}
		var netErr net.Error
		if errors.As(err, &netErr) && netErr.Timeout() {
			t.Errorf("the TCP connection is still open 10s after Close; want it closed")
		}
		break
	}
}

func TestSTUNBinding(t *testing.T) {
	t.Parallel()
	// STUN needs no credentials, even on a STUN-only server.
	srv, _ := startServer(t, Config{})
	conn, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	client := newClientOn(t, srv.Addr(), conn, "", "")
	mapped, err := client.SendBindingRequest()
	if err != nil {
		t.Fatalf("SendBindingRequest() = %v; want the mapped address", err)
	}
	if mapped.String() != conn.LocalAddr().String() {
		t.Errorf("SendBindingRequest() = %v; want the client's own address %v", mapped, conn.LocalAddr())
	}
}

func TestSTUNOnlyRefusesAllocations(t *testing.T) {
	t.Parallel()
	srv, book := startServer(t, Config{})
	client := newClient(t, srv, "alice", "pw")
	if relayed, err := client.Allocate(); err == nil {
		_ = relayed.Close()
		t.Fatal("Allocate() on a STUN-only server succeeded; want it refused")
	}
	book.waitFor("refused", `"alice"`, "no such user")
}

func TestQuota(t *testing.T) {
	t.Parallel()
	const quota = 2
	srv, book := startServer(t, Config{Users: map[string]string{"alice": "pw", "bob": "pw"}, MaxAllocationsPerUser: quota})
	var held []net.PacketConn
	for i := 0; i < quota; i++ {
		relayed, err := newClient(t, srv, "alice", "pw").Allocate()
		if err != nil {
			t.Fatalf("allocation %d of %d: Allocate() = %v", i+1, quota, err)
		}
		held = append(held, relayed)
	}
	_, err := newClient(t, srv, "alice", "pw").Allocate()
	if err == nil || !strings.Contains(err.Error(), "486") {
		t.Fatalf("allocation %d with a quota of %d: Allocate() = %v; want error 486 Allocation Quota Reached", quota+1, quota, err)
	}
	book.waitFor("refused allocation", `user "alice"`, "quota of 2 allocations reached")

	// Another user has a quota of their own.
	if _, err := newClient(t, srv, "bob", "pw").Allocate(); err != nil {
		t.Fatalf("bob's first allocation while alice is at her quota: Allocate() = %v", err)
	}
	if st := statsOf(srv, "alice"); st.Allocations != quota {
		t.Errorf("Stats() for alice = %+v; want %d open allocations", st, quota)
	}

	// Freeing one makes room again.
	if err := held[0].Close(); err != nil {
		t.Fatal(err)
	}
	book.waitFor("allocation ended", `user "alice"`, held[0].LocalAddr().String())
	if _, err := newClient(t, srv, "alice", "pw").Allocate(); err != nil {
		t.Fatalf("Allocate() after freeing one of %d = %v; want an allocation", quota, err)
	}
	if st := statsOf(srv, "alice"); st.Allocations != quota || st.TotalAllocations != quota+1 {
		t.Errorf("Stats() for alice = %+v; want %d open and %d in total", st, quota, quota+1)
	}
}

func TestBandwidthCap(t *testing.T) {
	t.Parallel()
	const (
		rate    = 10000 // bytes per second, burst the same
		size    = 1000
		packets = 50 // fits the kernel's default socket buffers, so none is lost before the server counts it
	)
	srv, book := startServer(t, Config{Users: map[string]string{"alice": "pw"}, BandwidthPerAllocation: rate, AllowLoopbackPeers: true})
	start := time.Now()
	relayed, err := newClient(t, srv, "alice", "pw").Allocate()
	if err != nil {
		t.Fatal(err)
	}
	peer := listenPeer(t)
	payload := bytes.Repeat([]byte{'x'}, size)

	// Toward the peer, then from the peer to the relayed address (the
	// client's writes created the permission).
	var st UserStats
	for _, dir := range []struct {
		name, sender, receiver, toward string
		from, to                       net.PacketConn
		counts                         func(UserStats) (relayed, dropped uint64)
	}{
		{"to peers", "", "peer", "toward the peer", relayed, peer,
			func(st UserStats) (uint64, uint64) { return st.BytesToPeers, st.DroppedToPeers }},
		{"from peers", "peer ", "client", "from the peer", peer, relayed,
			func(st UserStats) (uint64, uint64) { return st.BytesFromPeers, st.DroppedFromPeers }},
	} {
		for i := 0; i < packets; i++ {
			if _, err := dir.from.WriteTo(payload, dir.to.LocalAddr()); err != nil {
				t.Fatalf("%sWriteTo #%d = %v", dir.sender, i, err)
			}
		}
		waitUntil(t, "the server to handle every datagram "+dir.toward, func() bool {
			got, dropped := dir.counts(statsOf(srv, "alice"))
			return got+dropped == size*packets
		})
		elapsed := time.Since(start)
		st = statsOf(srv, "alice")
		got, dropped := dir.counts(st)
		checkCapped(t, dir.name, got, dropped, rate, elapsed)
		if received := drain(t, dir.to, got); received != got {
			t.Errorf("%s received %d bytes; Stats() says %d were relayed to it", dir.receiver, received, got)
		}
	}
	_ = relayed.Close()
	book.waitFor("allocation ended", `user "alice"`, fmt.Sprintf("dropped %d and %d over the bandwidth cap", st.DroppedToPeers, st.DroppedFromPeers))
}

// checkCapped checks relayed and dropped byte counts against a token
// bucket of rate bytes per second that starts full with rate bytes.
func checkCapped(t *testing.T, direction string, relayed, dropped uint64, rate int64, elapsed time.Duration) {
	t.Helper()
	most := uint64(float64(rate)*(1+elapsed.Seconds())) + 1000
	if relayed < uint64(rate) || relayed > most || dropped == 0 {
		t.Errorf("%s: relayed %d bytes and dropped %d in %v; want at least the %d-byte burst, at most %d, and some dropped",
			direction, relayed, dropped, elapsed, rate, most)
	}
}

// drain reads datagrams from conn until it has want bytes, and returns the
// count.
func drain(t *testing.T, conn net.PacketConn, want uint64) uint64 {
	t.Helper()
	if err := conn.SetReadDeadline(time.Now().Add(10 * time.Second)); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 2000)
	var got uint64
	for got < want {
		n, _, err := conn.ReadFrom(buf)
		if err != nil {
			t.Errorf("ReadFrom after %d of %d bytes = %v", got, want, err)
			break
		}
		got += uint64(n)
	}
	return got
}

func TestLoopbackPeersRefused(t *testing.T) {
	t.Parallel()
	srv, book := startServer(t, Config{Users: map[string]string{"alice": "pw"}})
	relayed, err := newClient(t, srv, "alice", "pw").Allocate()
	if err != nil {
		t.Fatal(err)
	}
	peer := listenPeer(t)
	// The client's first write asks for a permission, which is refused.
	_, _ = relayed.WriteTo([]byte("to the relay's own machine"), peer.LocalAddr())
	book.waitFor("refused permission", "127.0.0.1", "loopback")
	if st := statsOf(srv, "alice"); st.BytesToPeers != 0 {
		t.Errorf("Stats() = %+v; want no bytes relayed to a loopback peer", st)
	}
}

func TestCloseEndsAllocations(t *testing.T) {
	t.Parallel()
	book := newLogBook(t)
	srv, err := New(Config{ListenAddr: "127.0.0.1:0", Users: map[string]string{"alice": "pw"}, Logf: book.Logf})
	if err != nil {
		t.Fatal(err)
	}
	client := newClient(t, srv, "alice", "pw")
	if _, err := client.Allocate(); err != nil {
		t.Fatal(err)
	}
	book.waitFor("allocation created")
	if err := srv.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	if n := book.count("allocation ended", `user "alice"`); n != 1 {
		t.Errorf("after Close, %d lines say alice's allocation ended; want 1", n)
	}
	if st := statsOf(srv, "alice"); st.Allocations != 0 || st.TotalAllocations != 1 {
		t.Errorf("Stats() after Close = %+v; want 0 open, 1 in total", st)
	}
	if err := srv.Close(); err != nil {
		t.Errorf("second Close() = %v; want nil", err)
	}
	// Nothing may be logged once Close has returned, while pion/turn's
	// goroutines wind down.
	book.mu.Lock()
	book.closed = true
	book.mu.Unlock()
	for _, line := range book.snapshot() {
		if strings.HasPrefix(line, "AFTER CLOSE") {
			t.Errorf("logged after Close returned: %q", line)
		}
	}
}

func TestRelayPortRange(t *testing.T) {
	t.Parallel()
	// A range of one free port: the first allocation gets it, the second
	// finds none until the first ends.
	probe, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := probe.LocalAddr().(*net.UDPAddr).Port
	probe.Close()
	srv, book := startServer(t, Config{Users: map[string]string{"alice": "pw"}, RelayPortMin: port, RelayPortMax: port})
	first, err := newClient(t, srv, "alice", "pw").Allocate()
	if err != nil {
		t.Fatalf("Allocate() with relay ports %d-%d = %v", port, port, err)
	}
	if got := first.LocalAddr().(*net.UDPAddr).Port; got != port {
		t.Errorf("relayed port %d; want %d, the only one in the range", got, port)
	}
	if second, err := newClient(t, srv, "alice", "pw").Allocate(); err == nil {
		t.Fatalf("second Allocate() with a one-port range = %v; want it refused", second.LocalAddr())
	}
	book.waitFor("refused allocation", `"alice"`, "no relay port")
	_ = first.Close()
	book.waitFor("allocation ended", first.LocalAddr().String())
	if _, err := newClient(t, srv, "alice", "pw").Allocate(); err != nil {
		t.Errorf("Allocate() once the port is free again = %v", err)
	}
}

func TestListenHooks(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var opened []string
	srv, _ := startServer(t, Config{
		Users: map[string]string{"alice": "pw"},
		TCP:   true,
		ListenPacket: func(network, address string) (net.PacketConn, error) {
			mu.Lock()
			opened = append(opened, network+" "+address)
			mu.Unlock()
			return net.ListenPacket(network, address)
		},
		Listen: func(network, address string) (net.Listener, error) {
			mu.Lock()
			opened = append(opened, network+" "+address)
			mu.Unlock()
			return net.Listen(network, address)
		},
	})
	if _, err := newClient(t, srv, "alice", "pw").Allocate(); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	want := []string{"udp4 127.0.0.1:0", "tcp4 127.0.0.1:" + portOf(srv.Addr()), "udp4 127.0.0.1:0"}
	if strings.Join(opened, "|") != strings.Join(want, "|") {
		t.Errorf("sockets opened through the hooks: %q; want %q (listener, TCP listener, relayed socket)", opened, want)
	}
}
