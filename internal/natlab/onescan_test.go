package natlab

import (
	"strings"
	"testing"
	"time"

	"github.com/qrtc/qrtc/internal/netns"
)

// oneScanLine is what qrtc offer says when the answer came inside the
// answerer's first connectivity check.
const oneScanLine = "answer came inside the other side's first connectivity check"

// TestOneScan: issue 11. An offer side the answer side can reach (no NAT in
// front of it) connects with no answer given; an offer side behind a
// filtering NAT (port-restricted cone) gets no early check and connects
// with the answer token, as before.
func TestOneScan(t *testing.T) {
	netns.Require(t)
	t.Parallel()
	t.Run("offer-side-public", func(t *testing.T) {
		t.Parallel()
		top := netns.NewTestTopology(t, netns.Config{Sides: []netns.SideConfig{{NAT: netns.NoNAT}, {NAT: netns.Masquerade}}})
		servers := startServer(t, top, ourRelay, false)
		o := session{top: top, servers: servers, noAnswer: true, connectLimit: time.Minute}.run(t)
		if !o.connected {
			t.Fatalf("no connection without the answer token (offer exit %d, answer exit %d)\n%s\n%s", o.offerExit, o.answerExit, o.offer.transcript(), o.answer.transcript())
		}
		if !strings.Contains(o.offer.transcript(), oneScanLine) {
			t.Errorf("qrtc offer connected without saying %q\n%s", oneScanLine, o.offer.transcript())
		}
		t.Logf("one-scan across a cone NAT on the answer side: connected %.2fs after qrtc answer started", o.connectTime.Seconds())
	})
	t.Run("offer-side-filtered", func(t *testing.T) {
		t.Parallel()
		top := netns.NewTestTopology(t, netns.Config{Sides: []netns.SideConfig{{NAT: netns.Masquerade}, {NAT: netns.Masquerade}}})
		servers := startServer(t, top, ourRelay, false)
		// The answer reaches the offer side 3 s after it was shown: time
		// for the answer side's checks, which the offer side's NAT drops.
		o := session{top: top, servers: servers, answerDelay: 3 * time.Second}.run(t)
		if !o.connected {
			t.Fatalf("no connection with the answer token (offer exit %d, answer exit %d)\n%s\n%s", o.offerExit, o.answerExit, o.offer.transcript(), o.answer.transcript())
		}
		if strings.Contains(o.offer.transcript(), oneScanLine) {
			t.Errorf("qrtc offer behind a filtering NAT says %q: the check should not have reached it\n%s", oneScanLine, o.offer.transcript())
		}
		t.Logf("fallback to the answer token behind a filtering NAT: connected %.2fs after the answer was given", o.connectTime.Seconds())
	})
}
