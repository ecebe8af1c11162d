package relay

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/pion/stun/v4"
)

func TestPeerRefusal(t *testing.T) {
	t.Parallel()
	defaults, _ := startServer(t, Config{})
	loopback, _ := startServer(t, Config{AllowLoopbackPeers: true})
	adjusted, _ := startServer(t, Config{
		AllowPeers: []netip.Prefix{netip.MustParsePrefix("192.168.1.0/24"), netip.MustParsePrefix("198.51.100.7/32")},
		DenyPeers:  []netip.Prefix{netip.MustParsePrefix("198.51.100.0/24"), netip.MustParsePrefix("10.1.0.0/16")},
	})
	tests := []struct {
		name   string
		srv    *Server
		peer   string
		refuse string // part of the reason, or "" when the peer is allowed
	}{
		{"public", defaults, "203.0.113.5", ""},
		{"public IPv6", defaults, "2001:db8::1", ""},
		{"just above CGNAT", defaults, "100.128.0.1", ""},
		{"just below 172.16/12", defaults, "172.15.255.255", ""},
		{"10/8", defaults, "10.0.2.10", "RFC 1918"},
		{"172.16/12", defaults, "172.31.0.1", "RFC 1918"},
		{"192.168/16", defaults, "192.168.1.1", "RFC 1918"},
		{"cloud metadata", defaults, "169.254.169.254", "link-local"},
		{"CGNAT", defaults, "100.64.0.1", "RFC 6598"},
		{"this network", defaults, "0.1.2.3", "RFC 791"},
		{"reserved", defaults, "240.0.0.1", "reserved"},
		{"unspecified", defaults, "0.0.0.0", "unicast"},
		{"multicast", defaults, "224.0.0.251", "unicast"},
		{"broadcast", defaults, "255.255.255.255", "unicast"},
		{"loopback", defaults, "127.0.0.1", "AllowLoopbackPeers"},
		{"IPv6 loopback", defaults, "::1", "AllowLoopbackPeers"},
		{"IPv4-mapped private", defaults, "::ffff:10.0.0.1", "RFC 1918"},
		{"unique local", defaults, "fd00::1", "RFC 4193"},
		{"IPv6 link-local", defaults, "fe80::1", "link-local"},
		{"loopback allowed", loopback, "127.0.0.1", ""},
		{"private despite loopback allowed", loopback, "192.168.1.1", "RFC 1918"},
		{"allowed private", adjusted, "192.168.1.20", ""},
		{"private outside the allowed range", adjusted, "192.168.2.20", "RFC 1918"},
		{"denied public", adjusted, "198.51.100.8", "DenyPeers"},
		{"allowed wins over denied", adjusted, "198.51.100.7", ""},
		{"denied private", adjusted, "10.1.2.3", "DenyPeers"},
		{"multicast whatever is allowed", adjusted, "224.0.0.1", "unicast"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.srv.peerRefusal(net.ParseIP(tt.peer))
			switch {
			case tt.refuse == "" && got != "":
				t.Errorf("peerRefusal(%s) = %q; want the peer allowed", tt.peer, got)
			case tt.refuse != "" && !strings.Contains(got, tt.refuse):
				t.Errorf("peerRefusal(%s) = %q; want a refusal mentioning %q", tt.peer, got, tt.refuse)
			}
		})
	}
}

func TestBadPeerPrefix(t *testing.T) {
	_, err := New(Config{ListenAddr: "127.0.0.1:0", AllowPeers: []netip.Prefix{{}}})
	if !errors.Is(err, ErrPeers) {
		t.Errorf("New with a zero AllowPeers prefix = %v; want an error wrapping %v", err, ErrPeers)
	}
}

// TestForbiddenPeer asks for permissions and a channel to peers on the
// wire: refused ones get 403 Forbidden (RFC 8656 section 9.2) and a log
// line, public ones are granted.
func TestForbiddenPeer(t *testing.T) {
	t.Parallel()
	srv, book := startServer(t, Config{Users: map[string]string{"alice": "wonderland"}})
	c := newRawClient(t, srv)
	auth := c.credentials("alice", "wonderland")
	resp := c.roundTrip(append([]stun.Setter{stun.NewType(stun.MethodAllocate, stun.ClassRequest), udpTransport}, auth...)...)
	if resp.Type != stun.NewType(stun.MethodAllocate, stun.ClassSuccessResponse) {
		t.Fatalf("Allocate: answer %v ERROR-CODE %d; want a success response", resp.Type, errorCode(resp))
	}
	channel := attr{stun.AttrChannelNumber, []byte{0x40, 0x00, 0, 0}}
	tests := []struct {
		name   string
		method stun.Method
		peer   net.IP
		extra  []stun.Setter
		want   stun.ErrorCode // 0 for success
	}{
		{"CreatePermission to cloud metadata", stun.MethodCreatePermission, net.IPv4(169, 254, 169, 254), nil, stun.CodeForbidden},
		{"CreatePermission to a LAN", stun.MethodCreatePermission, net.IPv4(192, 168, 0, 1), nil, stun.CodeForbidden},
		{"ChannelBind to CGNAT", stun.MethodChannelBind, net.IPv4(100, 64, 0, 1), []stun.Setter{channel}, stun.CodeForbidden},
		{"CreatePermission to a public peer", stun.MethodCreatePermission, net.IPv4(203, 0, 113, 5), nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			setters := append([]stun.Setter{stun.NewType(tt.method, stun.ClassRequest)}, tt.extra...)
			setters = append(setters, asPeer{stun.XORMappedAddress{IP: tt.peer, Port: 80}})
			resp := c.roundTrip(append(setters, auth...)...)
			if tt.want == 0 {
				if resp.Type != stun.NewType(tt.method, stun.ClassSuccessResponse) {
					t.Errorf("%v to %v: answer %v ERROR-CODE %d; want a success response", tt.method, tt.peer, resp.Type, errorCode(resp))
				}
				return
			}
			if code := errorCode(resp); resp.Type.Class != stun.ClassErrorResponse || code != tt.want {
				t.Errorf("%v to %v: answer %v ERROR-CODE %d; want %d", tt.method, tt.peer, resp.Type, code, tt.want)
			}
		})
	}
	book.waitFor("refused permission", "169.254.169.254", "link-local")
}

// TestOwnAddress checks that a client may relay to another allocation on
// the server's public address but not to the server's other ports there.
func TestOwnAddress(t *testing.T) {
	t.Parallel()
	srv, book := startServer(t, Config{PublicIP: "192.0.2.7", Users: map[string]string{"alice": "pw"}})
	relayed, err := newClient(t, srv, "alice", "pw").Allocate()
	if err != nil {
		t.Fatal(err)
	}
	relayPort := relayed.LocalAddr().(*net.UDPAddr).Port
	listenPort := srv.Addr().(*net.UDPAddr).Port
	tests := []struct {
		to   *net.UDPAddr
		want bool
	}{
		{&net.UDPAddr{IP: net.IPv4(192, 0, 2, 7), Port: relayPort}, false},
		{&net.UDPAddr{IP: net.IPv4(192, 0, 2, 7), Port: listenPort}, true},
		{&net.UDPAddr{IP: net.IPv4(192, 0, 2, 7), Port: 22}, true},
		{&net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: listenPort}, true},
		{&net.UDPAddr{IP: net.IPv4(192, 0, 2, 8), Port: listenPort}, false},
	}
	for _, tt := range tests {
		t.Run(tt.to.String(), func(t *testing.T) {
			if got := srv.ownAddress(tt.to); got != tt.want {
				t.Errorf("ownAddress(%v) = %v; want %v (relayed port %d, listening port %d)", tt.to, got, tt.want, relayPort, listenPort)
			}
		})
	}

	// pion/turn's relayed socket is the allocation: a datagram it would
	// send to the listening port is dropped before it leaves.
	srv.mu.Lock()
	a := srv.byRelay[relayed.LocalAddr().String()]
	srv.mu.Unlock()
	if a == nil {
		t.Fatalf("no allocation for relayed address %v", relayed.LocalAddr())
	}
	to := &net.UDPAddr{IP: net.IPv4(192, 0, 2, 7), Port: listenPort}
	if n, err := a.WriteTo([]byte("to the TURN port"), to); n != 16 || err != nil {
		t.Errorf("allocation WriteTo(%v) = %d, %v; want 16, nil (dropped silently)", to, n, err)
	}
	book.waitFor("refused permission", "192.0.2.7", "the relay's own address")
	if st := statsOf(srv, "alice"); st.BytesToPeers != 0 {
		t.Errorf("Stats() = %+v; want no bytes relayed to the relay's own address", st)
	}
}

// TestLogRateLimit sends several requests that each earn a 437 answer and
// checks that one line is logged, and the count of the others at Close.
func TestLogRateLimit(t *testing.T) {
	t.Parallel()
	book := newLogBook(t)
	srv, err := New(Config{ListenAddr: "127.0.0.1:0", Users: map[string]string{"alice": "wonderland"}, Logf: book.Logf})
	if err != nil {
		t.Fatal(err)
	}
	srv.limitMu.Lock()
	srv.logEvery = time.Hour // no second line, however slow the machine
	srv.limitMu.Unlock()
	c := newRawClient(t, srv)
	auth := c.credentials("alice", "wonderland")
	const requests = 5
	for i := range requests {
		resp := c.roundTrip(append([]stun.Setter{stun.NewType(stun.MethodRefresh, stun.ClassRequest)}, auth...)...)
		checkMismatch(t, fmt.Sprintf("Refresh %d without an allocation", i), resp, stun.MethodRefresh, aliceKey)
	}
	if n := book.count("437 Allocation Mismatch", "Refresh"); n != 1 {
		t.Errorf("%d requests answered 437 logged %d lines; want 1:\n%s", requests, n, strings.Join(book.snapshot(), "\n"))
	}
	if err := srv.Close(); err != nil {
		t.Errorf("Close() = %v; want nil", err)
	}
	want := fmt.Sprintf("%d more %q lines were suppressed", requests-1, logMismatch)
	if n := book.count(want); n != 1 {
		t.Errorf("after Close, %d lines contain %q; want 1:\n%s", n, want, strings.Join(book.snapshot(), "\n"))
	}
}

// FuzzForbiddenChannel feeds forbiddenChannel datagrams as a client would
// send them: whatever it answers must be a signed 403 to alice's
// ChannelBind toward a peer the server refuses.
func FuzzForbiddenChannel(f *testing.F) {
	srv, auth := aliceServer(f)
	channel := attr{stun.AttrChannelNumber, []byte{0x40, 0x00, 0, 0}}
	for _, ip := range []net.IP{net.IPv4(10, 0, 0, 1), net.IPv4(169, 254, 169, 254), net.IPv4(203, 0, 113, 5), net.ParseIP("fd00::1")} {
		for _, setters := range [][]stun.Setter{{stun.Fingerprint}, auth} {
			msg, err := stun.Build(append([]stun.Setter{stun.TransactionID, stun.NewType(stun.MethodChannelBind, stun.ClassRequest), channel, asPeer{stun.XORMappedAddress{IP: ip, Port: 80}}}, setters...)...)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(msg.Raw)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		raw, user, peer := srv.forbiddenChannel(b)
		if raw == nil {
			return
		}
		if user != "alice" {
			t.Errorf("forbiddenChannel(% x) answered for user %q; only alice exists", b, user)
		}
		if why := srv.peerRefusal(peer); why == "" {
			t.Errorf("forbiddenChannel(% x) refused peer %v, which peerRefusal allows", b, peer)
		}
		resp := &stun.Message{Raw: raw}
		if err := resp.Decode(); err != nil {
			t.Fatalf("forbiddenChannel(% x) = % x, which does not decode: %v", b, raw, err)
		}
		if want := stun.NewType(stun.MethodChannelBind, stun.ClassErrorResponse); resp.Type != want {
			t.Errorf("answer type %v; want %v", resp.Type, want)
		}
		if code := errorCode(resp); code != stun.CodeForbidden {
			t.Errorf("ERROR-CODE %d; want 403 Forbidden", code)
		}
		if err := aliceKey.Check(resp); err != nil {
			t.Errorf("MESSAGE-INTEGRITY check: %v; want it signed with alice's key", err)
		}
	})
}
