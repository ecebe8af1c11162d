package natlab

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/qrtc/qrtc/internal/dhtswarm"
	"github.com/qrtc/qrtc/internal/netns"
)

// TestNATCodes exchanges short codes (qrtc offer --code, qrtc answer CODE)
// between clients behind NAT routers, over a private DHT swarm of 30 nodes
// in the public namespace (never the public DHT): the rendezvous goes
// through the NATs as a DHT client's queries, then the session connects as
// usual (through our TURN relay where only a relay can join the two sides).
func TestNATCodes(t *testing.T) {
	netns.Require(t)
	// Not parallel: the qrtc processes get a cache directory of their own
	// through the environment, so that no test writes the user's.
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	for _, c := range []struct {
		a, b netns.NAT
		turn bool
	}{
		{netns.Masquerade, netns.Masquerade, false},
		{netns.Masquerade, netns.MasqueradeRandomFully, true},
		{netns.MasqueradeRandomFully, netns.MasqueradeRandomFully, true},
	} {
		t.Run(natName(c.a)+"-"+natName(c.b), func(t *testing.T) {
			top := netns.NewTestTopology(t, netns.Config{Sides: []netns.SideConfig{{NAT: c.a}, {NAT: c.b}}})
			servers := startServer(t, top, ourRelay, c.turn)
			ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
			defer cancel()
			sw, err := dhtswarm.Start(ctx, dhtswarm.Options{Nodes: 30, Host: top.Public.Addr.String(), ListenPacket: top.Public.ListenPacket})
			if err != nil {
				t.Fatalf("starting the swarm in the public namespace: %v", err)
			}
			t.Cleanup(sw.Close)
			args := append([]string{"--no-qr", "-v", "--gather-timeout", labGatherTimeout.String(), "--dht-bootstrap", strings.Join(sw.Bootstrap(), ",")}, servers.args()...)
			offer := startQRTC(t, top.Sides[0].Clients[0], "offer", append([]string{"offer", "--code"}, args...)...)
			code, err := offer.stdout.wait(func(string) bool { return true }, time.Minute)
			if err != nil {
				t.Fatalf("no code on the offer side's stdout: %v\n%s", err, offer.transcript())
			}
			if !regexp.MustCompile(`^[0-9]+-[a-z]+-[a-z]+$`).MatchString(code.text) {
				t.Fatalf("the offer side printed %q, not a code", code.text)
			}
			answer := startQRTC(t, top.Sides[1].Clients[0], "answer", append([]string{"answer", code.text}, args...)...)
			for _, p := range []*proc{offer, answer} {
				if _, err := p.stderr.wait(func(s string) bool { return strings.HasPrefix(s, "connected") }, time.Minute); err != nil {
					t.Fatalf("%s did not connect: %v\n%s\n%s", p.name, err, offer.transcript(), answer.transcript())
				}
			}
			if err := offer.write("over the code\n"); err != nil {
				t.Fatal(err)
			}
			if _, err := answer.stdout.wait(func(s string) bool { return s == "over the code" }, time.Minute); err != nil {
				t.Fatalf("the message did not arrive: %v\n%s", err, answer.transcript())
			}
			// End of input is a half-close: each side exits once both
			// directions have ended.
			offer.stdin.Close()
			answer.stdin.Close()
			for _, p := range []*proc{offer, answer} {
				if code, err := p.exitCode(time.Minute); err != nil || code != 0 {
					t.Errorf("%s: exit %d, %v\n%s", p.name, code, err, p.transcript())
				}
			}
		})
	}
}
