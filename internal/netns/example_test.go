package netns_test

import (
	"context"
	"fmt"
	"time"

	"github.com/qrtc/qrtc/internal/netns"
)

// Two hosts behind different NATs, a symmetric one and a cone one, with a
// STUN server on the "internet". (Needs root; not run as a test.)
func ExampleNewTopology() {
	ctx := context.Background()
	top, err := netns.NewTopology(ctx, netns.Config{Sides: []netns.SideConfig{
		{NAT: netns.MasqueradeRandomFully},
		{NAT: netns.Masquerade, UDPTimeout: 10 * time.Second},
	}})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer top.Close()
	stun, err := top.Public.StartSTUN(3478)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer stun.Close()
	alice, bob := top.Sides[0].Clients[0], top.Sides[1].Clients[0]
	// Processes run with "ip netns exec"; kill them before top.Close.
	out, err := alice.Command(ctx, "ip", "-brief", "addr").Output()
	fmt.Printf("%s %s %v\n", out, stun.URL(), err)
	// Sockets opened by the test process itself can live in a namespace.
	conn, err := bob.ListenPacket("udp4", ":0")
	if err == nil {
		conn.Close()
	}
}

func ExampleNAT_String() {
	for _, n := range []netns.NAT{netns.NoNAT, netns.Masquerade, netns.MasqueradeRandomFully} {
		fmt.Println(n)
	}
	// Output:
	// none
	// masquerade
	// random-fully
}
