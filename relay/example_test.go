package relay_test

import (
	"fmt"
	"log"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/qrtc/qrtc/relay"
)

// The owner of a relay started with Config.Secret = "north wind" gives a
// friend credentials that work for one day, without touching the server.
func ExampleTURNRESTCredentials() {
	now := time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	username, password := relay.TURNRESTCredentials("north wind", "alice", 24*time.Hour, now)
	fmt.Println(username)
	fmt.Println(password)
	// Output:
	// 1795651200:alice
	// IGX30Bm8uTAv9HlclbJ9JxBizNE=
}

// A relay for friends: static users, time-limited credentials, quotas, a
// LAN its clients may reach, and logs on stderr. It runs until Close; a
// program would wait for a signal. A real relay listens on ":3478" with
// its public address in PublicIP; this one takes a free loopback port.
func ExampleNew() {
	srv, err := relay.New(relay.Config{
		ListenAddr:             "127.0.0.1:0",
		PublicIP:               "203.0.113.7", // this machine's public address
		Users:                  map[string]string{"alice": "wonderland"},
		Secret:                 "north wind",
		MaxAllocationsPerUser:  4,
		BandwidthPerAllocation: 1000000, // 1MB/s each way
		AllowPeers:             []netip.Prefix{netip.MustParsePrefix("192.168.1.0/24")},
		Logf:                   log.Printf,
	})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	port := srv.Addr().(*net.UDPAddr).Port
	for _, url := range srv.URLs() {
		// The port is a free one, different on each run.
		fmt.Println(strings.Replace(url, ":"+strconv.Itoa(port), ":PORT", 1))
	}
	// Output:
	// stun:203.0.113.7:PORT
	// turn:203.0.113.7:PORT?transport=udp
}
