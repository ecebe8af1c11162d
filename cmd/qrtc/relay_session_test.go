package main

import (
	"regexp"
	"testing"

	"github.com/qrtc/qrtc/relay"
)

// TestSessionWithSTUNAndTURN runs a session with --stun and --turn pointing
// at a relay on loopback: the flags must reach ICE (relay candidates appear
// with -v, and the relay sees allocations by the given user).
func TestSessionWithSTUNAndTURN(t *testing.T) {
	t.Parallel()
	srv, err := relay.New(relay.Config{
		ListenAddr:         "127.0.0.1:0",
		Users:              map[string]string{"alice": "wonderland"},
		AllowLoopbackPeers: true,
	})
	if err != nil {
		t.Fatalf("relay.New: %v", err)
	}
	t.Cleanup(func() { srv.Close() })
	urls := srv.URLs()
	if len(urls) < 2 {
		t.Fatalf("relay URLs %q: want a STUN and a TURN URL", urls)
	}
	servers := []string{"--stun", urls[0], "--turn", urls[1], "--turn-user", "alice", "--turn-pass", "wonderland", "--loopback", "--no-qr", "-v"}

	offerer := startQRTC(t, "offer", nil, append([]string{"offer"}, servers...)...)
	answerer := startQRTC(t, "answer", nil, append([]string{"answer"}, append(servers, offerer.token())...)...)
	offerer.write(answerer.token() + "\n")
	relayLine := regexp.MustCompile(`^qrtc -v: this side's candidate: udp 127\.0\.0\.1:\d+ relay$`)
	offerer.waitStderr(relayLine)
	answerer.waitStderr(relayLine)
	answerer.waitStderr(regexp.MustCompile(`^qrtc -v: the other side's candidate: udp 127\.0\.0\.1:\d+ relay$`))
	offerer.waitStderr(regexp.MustCompile(`^(Direct connection, no relay|Relayed connection, through)`))
	checkChat(t, offerer, answerer)

	var allocations int
	for _, u := range srv.Stats() {
		if u.User == "alice" {
			allocations = u.TotalAllocations
		}
	}
	if allocations < 2 {
		t.Errorf("relay saw %d allocations by alice, want at least one per side: %+v", allocations, srv.Stats())
	}
}
