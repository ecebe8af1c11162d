package netns_test

import (
	"errors"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/pion/stun/v4"
	"github.com/qrtc/qrtc/internal/netns"
)

// echoServer answers every UDP datagram with the sender's address as text,
// from a socket inside ns, until the test ends.
func echoServer(t *testing.T, ns *netns.Namespace, network string, addr netip.Addr, port string) netip.AddrPort {
	t.Helper()
	pc, err := ns.ListenPacket(network, net.JoinHostPort(addr.String(), port))
	if err != nil {
		t.Fatalf("ListenPacket in %s: %v", ns.Name, err)
	}
	t.Cleanup(func() { pc.Close() })
	go func() {
		buf := make([]byte, 1500)
		for {
			_, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			if _, err := pc.WriteTo([]byte(from.String()), from); err != nil {
				return
			}
		}
	}()
	return pc.LocalAddr().(*net.UDPAddr).AddrPort()
}

// ask sends a datagram from pc to server and returns the source address the
// server saw.
func ask(t *testing.T, pc net.PacketConn, server netip.AddrPort) netip.AddrPort {
	t.Helper()
	buf := make([]byte, 1500)
	for try := 0; try < 5; try++ {
		if _, err := pc.WriteTo([]byte("hi"), net.UDPAddrFromAddrPort(server)); err != nil {
			t.Fatalf("WriteTo %v: %v", server, err)
		}
		pc.SetReadDeadline(time.Now().Add(2 * time.Second))
		n, _, err := pc.ReadFrom(buf)
		if errors.Is(err, os.ErrDeadlineExceeded) {
			continue
		}
		if err != nil {
			t.Fatalf("ReadFrom after asking %v: %v", server, err)
		}
		seen, err := netip.ParseAddrPort(string(buf[:n]))
		if err != nil {
			t.Fatalf("echo from %v is %q: %v", server, buf[:n], err)
		}
		return seen
	}
	t.Fatalf("no echo from %v after 5 tries", server)
	return netip.AddrPort{}
}

func TestTopologyUDP(t *testing.T) {
	tests := []struct {
		nat netns.NAT
		// wantSource is the address the public side sees, wantSamePort
		// whether two destinations see the same mapped port.
		ipv6             bool
		wantRouterSource bool
		wantSamePort     bool
	}{
		{nat: netns.NoNAT, wantRouterSource: false, wantSamePort: true},
		{nat: netns.Masquerade, wantRouterSource: true, wantSamePort: true},
		{nat: netns.MasqueradeRandomFully, wantRouterSource: true, wantSamePort: false},
		{nat: netns.NoNAT, ipv6: true, wantRouterSource: false, wantSamePort: true},
		{nat: netns.Masquerade, ipv6: true, wantRouterSource: true, wantSamePort: true},
		{nat: netns.MasqueradeRandomFully, ipv6: true, wantRouterSource: true, wantSamePort: false},
	}
	for _, tc := range tests {
		name := tc.nat.String()
		if tc.ipv6 {
			name += "-ipv6"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			top := netns.NewTestTopology(t, netns.Config{Sides: []netns.SideConfig{{NAT: tc.nat}}, IPv6: tc.ipv6})
			client := top.Sides[0].Clients[0]
			network, addrOf := "udp4", func(n *netns.Namespace) netip.Addr { return n.Addr }
			if tc.ipv6 {
				network, addrOf = "udp6", func(n *netns.Namespace) netip.Addr { return n.Addr6 }
			}
			s1 := echoServer(t, top.Public, network, addrOf(top.Public), "3478")
			s2 := echoServer(t, top.Public, network, addrOf(top.Public), "3479")
			pc, err := client.ListenPacket(network, ":0")
			if err != nil {
				t.Fatalf("ListenPacket in client: %v", err)
			}
			defer pc.Close()
			local := pc.LocalAddr().(*net.UDPAddr).AddrPort()
			seen1 := ask(t, pc, s1)
			seen2 := ask(t, pc, s2)
			wantAddr := addrOf(client)
			if tc.wantRouterSource {
				wantAddr = addrOf(top.Sides[0].Router)
			}
			if seen1.Addr() != wantAddr || seen2.Addr() != wantAddr {
				t.Errorf("server saw sources %v and %v, want address %v", seen1, seen2, wantAddr)
			}
			if tc.nat == netns.NoNAT && seen1.Port() != local.Port() {
				t.Errorf("without NAT server saw port %d, want the local port %d", seen1.Port(), local.Port())
			}
			if got := seen1.Port() == seen2.Port(); got != tc.wantSamePort {
				t.Errorf("mapped ports for two destinations: %d and %d; same = %v, want %v", seen1.Port(), seen2.Port(), got, tc.wantSamePort)
			}
		})
	}
}

func TestTopologyTwoSides(t *testing.T) {
	t.Parallel()
	top := netns.NewTestTopology(t, netns.Config{Sides: []netns.SideConfig{
		{NAT: netns.NoNAT, Clients: 2},
		{NAT: netns.Masquerade, UDPTimeout: 7 * time.Second, UDPStreamTimeout: 9 * time.Second},
	}})
	a, b := top.Sides[0].Clients[0], top.Sides[0].Clients[1]
	c := top.Sides[1].Clients[0]

	t.Run("same-lan", func(t *testing.T) {
		srv := echoServer(t, b, "udp4", b.Addr, "4000")
		pc, err := a.ListenPacket("udp4", ":0")
		if err != nil {
			t.Fatal(err)
		}
		defer pc.Close()
		if got := ask(t, pc, srv); got.Addr() != a.Addr {
			t.Errorf("neighbour saw %v, want %v", got, a.Addr)
		}
	})
	t.Run("nat-to-routed", func(t *testing.T) {
		srv := echoServer(t, a, "udp4", a.Addr, "4001")
		pc, err := c.ListenPacket("udp4", ":0")
		if err != nil {
			t.Fatal(err)
		}
		defer pc.Close()
		if got := ask(t, pc, srv); got.Addr() != top.Sides[1].Router.Addr {
			t.Errorf("routed client saw %v, want the NAT's %v", got, top.Sides[1].Router.Addr)
		}
	})
	t.Run("tcp", func(t *testing.T) {
		l, err := top.Public.Listen("tcp4", top.Public.Addr.String()+":8080")
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close()
		go func() {
			conn, err := l.Accept()
			if err == nil {
				conn.Write([]byte(conn.RemoteAddr().String()))
				conn.Close()
			}
		}()
		conn, err := c.Dial(t.Context(), "tcp4", l.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		buf := make([]byte, 100)
		n, _ := conn.Read(buf)
		if got := string(buf[:n]); !strings.HasPrefix(got, top.Sides[1].Router.Addr.String()+":") {
			t.Errorf("TCP server saw %q, want the NAT's address %v", got, top.Sides[1].Router.Addr)
		}
	})
	t.Run("udp-timeouts", func(t *testing.T) {
		for key, want := range map[string]string{
			"/proc/sys/net/netfilter/nf_conntrack_udp_timeout":        "7",
			"/proc/sys/net/netfilter/nf_conntrack_udp_timeout_stream": "9",
		} {
			out, err := top.Sides[1].Router.Command(t.Context(), "cat", key).Output()
			if err != nil {
				t.Fatalf("cat %s in router: %v", key, err)
			}
			if got := strings.TrimSpace(string(out)); got != want {
				t.Errorf("%s in router = %q, want %q", key, got, want)
			}
		}
	})
	t.Run("default-routes", func(t *testing.T) {
		for _, ns := range []*netns.Namespace{a, c, top.Sides[0].Router, top.Public} {
			out, err := ns.Command(t.Context(), "ip", "route", "show", "default").Output()
			if err != nil {
				t.Fatalf("ip route in %s: %v", ns.Name, err)
			}
			if !strings.HasPrefix(string(out), "default ") {
				t.Errorf("%s has no default route: %q", ns.Name, out)
			}
		}
	})
}

func TestCloseRemovesNamespaces(t *testing.T) {
	t.Parallel()
	netns.Require(t)
	top, err := netns.NewTopology(t.Context(), netns.Config{Sides: []netns.SideConfig{{NAT: netns.Masquerade}}})
	if err != nil {
		t.Fatal(err)
	}
	name := top.Sides[0].Clients[0].Name
	if err := top.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := top.Close(); err != nil {
		t.Errorf("second Close: %v, want nil", err)
	}
	if _, err := top.Lab.Namespace(t.Context(), "late"); !errors.Is(err, netns.ErrClosed) {
		t.Errorf("Namespace after Close: %v, want ErrClosed", err)
	}
	out, err := exec.Command("ip", "netns", "list").CombinedOutput()
	if err != nil {
		t.Fatalf("ip netns list: %v: %s", err, out)
	}
	if strings.Contains(string(out), name) {
		t.Errorf("after Close, ip netns list still shows %s:\n%s", name, out)
	}
}

func TestBadConfig(t *testing.T) {
	for name, cfg := range map[string]netns.Config{
		"nat":     {Sides: []netns.SideConfig{{NAT: 9}}},
		"clients": {Sides: []netns.SideConfig{{Clients: -1}}},
		"timeout": {Sides: []netns.SideConfig{{UDPTimeout: -time.Second}}},
		"sides":   {Sides: make([]netns.SideConfig, 201)},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := netns.NewTopology(t.Context(), cfg); !errors.Is(err, netns.ErrBadConfig) {
				t.Errorf("NewTopology(%s) = %v, want ErrBadConfig", name, err)
			}
		})
	}
}

func TestSTUN(t *testing.T) {
	t.Parallel()
	top := netns.NewTestTopology(t, netns.Config{Sides: []netns.SideConfig{{NAT: netns.Masquerade}}})
	srv, err := top.Public.StartSTUN(3478)
	if err != nil {
		t.Fatalf("StartSTUN: %v", err)
	}
	defer srv.Close()
	if got, want := srv.URL(), "stun:203.0.113.1:3478"; got != want {
		t.Errorf("URL() = %q, want %q", got, want)
	}
	pc, err := top.Sides[0].Clients[0].ListenPacket("udp4", ":0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	if got, want := stunMapping(t, pc, srv.Addr).Addr(), top.Sides[0].Router.Addr; got != want {
		t.Errorf("mapped address %v, want the router's %v", got, want)
	}
}

// stunMapping asks the STUN server for pc's mapped address.
func stunMapping(t *testing.T, pc net.PacketConn, server netip.AddrPort) netip.AddrPort {
	t.Helper()
	req := stun.MustBuild(stun.TransactionID, stun.BindingRequest)
	buf := make([]byte, 1500)
	for try := 0; try < 5; try++ {
		if _, err := pc.WriteTo(req.Raw, net.UDPAddrFromAddrPort(server)); err != nil {
			t.Fatal(err)
		}
		pc.SetReadDeadline(time.Now().Add(2 * time.Second))
		n, _, err := pc.ReadFrom(buf)
		if errors.Is(err, os.ErrDeadlineExceeded) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		res := &stun.Message{Raw: append([]byte(nil), buf[:n]...)}
		if err := res.Decode(); err != nil {
			t.Fatalf("decode STUN response: %v", err)
		}
		var xor stun.XORMappedAddress
		if err := xor.GetFrom(res); err != nil {
			t.Fatalf("XOR-MAPPED-ADDRESS: %v", err)
		}
		ip, _ := netip.AddrFromSlice(xor.IP)
		return netip.AddrPortFrom(ip.Unmap(), uint16(xor.Port))
	}
	t.Fatalf("no STUN response from %v after 5 tries", server)
	return netip.AddrPort{}
}

// TestHolePunching: two hosts behind two masquerading routers learn their
// mappings from STUN and then reach each other by sending to those mappings
// at the same time, the way ICE connects two NATed peers (RFC 8445 section
// 2.2). It fails if a router commits a conntrack entry for the other side's
// early packets (see Masquerade).
func TestHolePunching(t *testing.T) {
	t.Parallel()
	top := netns.NewTestTopology(t, netns.Config{Sides: []netns.SideConfig{{NAT: netns.Masquerade}, {NAT: netns.Masquerade}}})
	srv, err := top.Public.StartSTUN(3478)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	var conns [2]net.PacketConn
	var mapped [2]netip.AddrPort
	for i := range conns {
		pc, err := top.Sides[i].Clients[0].ListenPacket("udp4", ":0")
		if err != nil {
			t.Fatal(err)
		}
		defer pc.Close()
		conns[i] = pc
		mapped[i] = stunMapping(t, pc, srv.Addr)
		if mapped[i].Addr() != top.Sides[i].Router.Addr {
			t.Fatalf("side %d mapped to %v, want the router's address %v", i, mapped[i], top.Sides[i].Router.Addr)
		}
	}
	// Side 0 sends first: its packet reaches router 1 before side 1 has
	// sent anything, and must not spoil side 1's mapping.
	for round := 0; round < 20; round++ {
		for i := range conns {
			if _, err := conns[i].WriteTo([]byte("punch"), net.UDPAddrFromAddrPort(mapped[1-i])); err != nil {
				t.Fatal(err)
			}
		}
		got := 0
		for i := range conns {
			buf := make([]byte, 100)
			conns[i].SetReadDeadline(time.Now().Add(250 * time.Millisecond))
			_, from, err := conns[i].ReadFrom(buf)
			if err != nil {
				continue
			}
			if from.(*net.UDPAddr).AddrPort() != mapped[1-i] {
				t.Fatalf("side %d got a packet from %v, want the other side's mapping %v", i, from, mapped[1-i])
			}
			got++
		}
		if got == 2 {
			return
		}
	}
	t.Fatalf("after 20 rounds the two sides behind masquerading routers still cannot reach each other (mappings %v and %v)", mapped[0], mapped[1])
}
