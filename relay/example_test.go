package relay_test

import (
	"fmt"
	"log"
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

// A relay for friends: static users, time-limited credentials, quotas, and
// logs on stderr. It runs until Close; a program would wait for a signal.
func ExampleNew() {
	srv, err := relay.New(relay.Config{
		ListenAddr:             ":3478",
		PublicIP:               "203.0.113.7", // this machine's public address
		Users:                  map[string]string{"alice": "wonderland"},
		Secret:                 "north wind",
		MaxAllocationsPerUser:  4,
		BandwidthPerAllocation: 1000000, // 1MB/s each way
		Logf:                   log.Printf,
	})
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	for _, url := range srv.URLs() {
		fmt.Println(url) // stun:203.0.113.7:3478, turn:203.0.113.7:3478?transport=udp
	}
}
