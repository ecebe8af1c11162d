package relay

import (
	"net"
	"testing"

	"github.com/pion/turn/v5"
	"github.com/qrtc/qrtc/internal/netns"
)

// TestRelayBehindNATs runs the server in the lab's public namespace and two
// TURN clients behind different NATs (a cone NAT and a symmetric one): STUN
// tells each its router's public address, and each client's datagrams reach
// the other through the two allocations.
func TestRelayBehindNATs(t *testing.T) {
	t.Parallel()
	top := netns.NewTestTopology(t, netns.Config{Sides: []netns.SideConfig{
		{NAT: netns.Masquerade},
		{NAT: netns.MasqueradeRandomFully},
	}})
	srv, book := startServer(t, Config{
		ListenAddr:   top.Public.Addr.String() + ":3478",
		ListenPacket: top.Public.ListenPacket,
		Users:        map[string]string{"alice": "a-pw", "bob": "b-pw"},
	})

	var clients []*turn.Client
	var relayed []net.PacketConn
	for i, user := range []string{"alice", "bob"} {
		s := top.Sides[i]
		conn, err := s.Clients[0].ListenPacket("udp4", "0.0.0.0:0")
		if err != nil {
			t.Fatalf("ListenPacket in %s: %v", s.Clients[0].Name, err)
		}
		t.Cleanup(func() { _ = conn.Close() })
		client := newClientOn(t, srv.Addr(), conn, user, map[string]string{"alice": "a-pw", "bob": "b-pw"}[user])
		mapped, err := client.SendBindingRequest()
		if err != nil {
			t.Fatalf("%s behind %v: SendBindingRequest() = %v", user, s.NAT, err)
		}
		if got := mapped.(*net.UDPAddr).IP.String(); got != s.Router.Addr.String() {
			t.Errorf("%s behind %v: STUN says %v; want the router's public address %v", user, s.NAT, mapped, s.Router.Addr)
		}
		conn2, err := client.Allocate()
		if err != nil {
			t.Fatalf("%s behind %v: Allocate() = %v", user, s.NAT, err)
		}
		t.Cleanup(func() { _ = conn2.Close() })
		book.waitFor("allocation created", `user "`+user+`"`, "client udp "+s.Router.Addr.String()+":")
		clients = append(clients, client)
		relayed = append(relayed, conn2)
	}
	// Each client learns the other's relayed address out of band (in qrtc:
	// from the offer and the answer) and permits it (RFC 8656 section 9),
	// as ICE does before its checks.
	if err := clients[0].CreatePermission(relayed[1].LocalAddr()); err != nil {
		t.Fatalf("alice: CreatePermission(%v) = %v", relayed[1].LocalAddr(), err)
	}
	if err := clients[1].CreatePermission(relayed[0].LocalAddr()); err != nil {
		t.Fatalf("bob: CreatePermission(%v) = %v", relayed[0].LocalAddr(), err)
	}
	relayRoundTrip(t, relayed[0], relayed[1])
}
