package natlab

import (
	"testing"
	"time"

	"github.com/qrtc/qrtc/internal/netns"
)

// BenchmarkNATConnect measures, for each pairing of NATs (offer side -
// answer side), a whole qrtc session against our relay: ns/op is the session
// from starting "qrtc offer" to both processes' exit, s/connect the time from
// the answer given to the offer side until both sides said "connected". The
// stun variants run only for pairings that connect without a relay.
func BenchmarkNATConnect(b *testing.B) {
	for _, a := range nats {
		for _, n := range nats {
			for _, turn := range []bool{false, true} {
				if !turn && mayFailWithoutTURN(a, n) {
					continue
				}
				mode := "stun"
				if turn {
					mode = "turn"
				}
				b.Run(natName(a)+"-"+natName(n)+"/"+mode, func(b *testing.B) {
					top := netns.NewTestTopology(b, netns.Config{Sides: []netns.SideConfig{{NAT: a}, {NAT: n}}})
					servers := startServer(b, top, ourRelay, turn)
					var total time.Duration
					sessions := 0
					for b.Loop() {
						o := session{top: top, servers: servers}.run(b)
						if !o.connected {
							b.Fatalf("%s offer side, %s answer side, %s: no connection\n%s\n%s", natName(a), natName(n), mode, o.offer.transcript(), o.answer.transcript())
						}
						total += o.connectTime
						sessions++
					}
					b.ReportMetric(total.Seconds()/float64(sessions), "s/connect")
				})
			}
		}
	}
}
