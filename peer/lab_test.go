package peer_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/qrtc/qrtc/internal/browser"
	"github.com/qrtc/qrtc/internal/netns"
)

// labChild starts a helper peer inside namespace ns.
func labChild(t *testing.T, ns *netns.Namespace, mode string, env ...string) *child {
	t.Helper()
	cmd := ns.Command(t.Context(), os.Args[0], "-test.run=^$")
	return startChild(t, cmd, mode, env...)
}

// TestNAT: two peers behind two masquerading routers connect through the
// addresses a STUN server shows them; without a STUN server they cannot,
// and the error says to add one.
func TestNAT(t *testing.T) {
	t.Parallel()
	top := netns.NewTestTopology(t, netns.Config{Sides: []netns.SideConfig{{NAT: netns.Masquerade}, {NAT: netns.Masquerade}}})
	stun, err := top.Public.StartSTUN(3478)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stun.Close() })
	ctx := testContext(t, 2*time.Minute)

	t.Run("with STUN", func(t *testing.T) {
		off := labChild(t, top.Sides[0].Clients[0], "offer", helperSTUNEnv+"="+stun.URL())
		ans := labChild(t, top.Sides[1].Clients[0], "answer", helperSTUNEnv+"="+stun.URL())
		offer := off.expect(ctx, "desc")
		if !strings.Contains(offer, " typ srflx") {
			t.Errorf("offer behind NAT with STUN has no srflx candidate:\n%s", offer)
		}
		ans.say("desc", &offer)
		answer := ans.expect(ctx, "desc")
		off.say("desc", &answer)
		p1, p2 := off.expect(ctx, "open"), ans.expect(ctx, "open")
		if p1 == "" || p1 != p2 {
			t.Errorf("phrases %q and %q, want the same", p1, p2)
		}
		msg := "through two NATs ✓"
		off.say("send", &msg)
		if got := ans.expect(ctx, "recv"); got != msg {
			t.Errorf("received %q, want %q", got, msg)
		}
		off.say("shutdown", nil)
		if got := ans.expect(ctx, "end"); got != "EOF" {
			t.Errorf("answerer's Receive after the offerer's Shutdown = %q, want EOF", got)
		}
	})

	t.Run("without STUN", func(t *testing.T) {
		off := labChild(t, top.Sides[0].Clients[0], "offer", helperTimeoutEnv+"=5s")
		ans := labChild(t, top.Sides[1].Clients[0], "answer")
		offer := off.expect(ctx, "desc")
		ans.say("desc", &offer)
		answer := ans.expect(ctx, "desc")
		off.say("desc", &answer)
		got := off.expect(ctx, "error")
		for _, want := range []string{"ICE connectivity checks failed", "offered host candidates", "--stun"} {
			if !strings.Contains(got, want) {
				t.Errorf("offerer's WaitOpen error %q does not say %q", got, want)
			}
		}
		t.Log(got)
	})
}

// TestNATLateAnswer: the offerer applies the answer long after the
// routers have forgotten the mappings that gathering made (UDP conntrack
// timeouts cut to 3 s here; 30 s and 120 s are the kernel's defaults): the
// answerer must keep its side open while it waits.
func TestNATLateAnswer(t *testing.T) {
	t.Parallel()
	side := netns.SideConfig{NAT: netns.Masquerade, UDPTimeout: 3 * time.Second, UDPStreamTimeout: 3 * time.Second}
	natLateAnswer(t, side, 15*time.Second) // five times the routers' UDP timeouts
}

// TestNATLateAnswer10Minutes is TestNATLateAnswer with the kernel's
// default timeouts and the answer applied ten minutes after it was made
// (QRTC_LONG=1 only).
func TestNATLateAnswer10Minutes(t *testing.T) {
	requireLong(t)
	t.Parallel()
	natLateAnswer(t, netns.SideConfig{NAT: netns.Masquerade}, 10*time.Minute)
}

func natLateAnswer(t *testing.T, side netns.SideConfig, wait time.Duration) {
	top := netns.NewTestTopology(t, netns.Config{Sides: []netns.SideConfig{side, side}})
	stun, err := top.Public.StartSTUN(3478)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stun.Close() })
	ctx := testContext(t, wait+2*time.Minute)
	off := labChild(t, top.Sides[0].Clients[0], "offer", helperSTUNEnv+"="+stun.URL(), helperTimeoutEnv+"=10s")
	ans := labChild(t, top.Sides[1].Clients[0], "answer", helperSTUNEnv+"="+stun.URL())
	offer := off.expect(ctx, "desc")
	ans.say("desc", &offer)
	answer := ans.expect(ctx, "desc")
	time.Sleep(wait)
	off.say("desc", &answer)
	p1, p2 := off.expect(ctx, "open"), ans.expect(ctx, "open")
	if p1 != p2 {
		t.Errorf("phrases %q and %q, want the same", p1, p2)
	}
	msg := "late but here"
	ans.say("send", &msg)
	if got := off.expect(ctx, "recv"); got != msg {
		t.Errorf("received %q, want %q", got, msg)
	}
}

// TestBrowsers: pion and real browsers (Chromium, Firefox) connect both
// ways and chat; browsers' mDNS host names (<uuid>.local) resolve.
func TestBrowsers(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		kind          browser.Kind
		browserOffers bool
		mdns          bool
	}{
		{browser.Chromium, true, true},
		{browser.Chromium, false, false},
		{browser.Firefox, true, true},
		{browser.Firefox, false, true},
	} {
		name := fmt.Sprintf("%v-offers", tc.kind)
		if !tc.browserOffers {
			name = fmt.Sprintf("pion-offers-%v-answers", tc.kind)
		}
		if tc.mdns {
			name += "-mdns"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			browser.Require(t, tc.kind)
			top := netns.NewTestTopology(t, netns.Config{Sides: []netns.SideConfig{{NAT: netns.Masquerade, Clients: 2}}})
			ctx := testContext(t, 90*time.Second)
			role := browser.Answerer
			if tc.browserOffers {
				role = browser.Offerer
			}
			page, err := browser.NewPage(top.Sides[0].Clients[0], browser.PageConfig{Role: role})
			if err != nil {
				t.Fatalf("NewPage: %v", err)
			}
			t.Cleanup(func() { page.Close() })
			b, err := browser.Launch(t.Context(), top.Sides[0].Clients[0], tc.kind, browser.Options{URL: page.URL(), MDNS: tc.mdns})
			if err != nil {
				t.Fatalf("Launch(%v): %v", tc.kind, err)
			}
			t.Cleanup(func() {
				b.Close()
				if t.Failed() {
					t.Logf("%v page log: %s", tc.kind, page.Log())
				}
			})

			mode := "answer"
			if !tc.browserOffers {
				mode = "offer"
			}
			c := labChild(t, top.Sides[0].Clients[1], mode)
			if tc.browserOffers {
				offer := browserSDP(t, ctx, page, "offer")
				checkMDNS(t, offer, tc.mdns)
				c.say("desc", &offer)
				page.SetRemoteDescription(w3c("answer", c.expect(ctx, "desc")))
			} else {
				page.SetRemoteDescription(w3c("offer", c.expect(ctx, "desc")))
				answer := browserSDP(t, ctx, page, "answer")
				checkMDNS(t, answer, tc.mdns)
				c.say("desc", &answer)
			}
			if got := c.expect(ctx, "open"); got == "" {
				t.Errorf("phrase is empty once open")
			}
			if err := page.WaitOpen(ctx); err != nil {
				t.Fatal(err)
			}
			toBrowser, toPion := "from pion, ünïcode ✓", "from the browser ✓\nand a second line\r\n"
			c.say("send", &toBrowser)
			if got, err := page.Receive(ctx); err != nil || got != toBrowser {
				t.Errorf("browser received %q, %v; want %q", got, err, toBrowser)
			}
			if err := page.Send(ctx, toPion); err != nil {
				t.Fatal(err)
			}
			if got := c.expect(ctx, "recv"); got != toPion {
				t.Errorf("pion received %q, want %q", got, toPion)
			}
			if tc.browserOffers {
				// pion leaves gracefully: the browser answers the reset
				// of the stream and closes its channel.
				c.say("shutdown", nil)
				if got := childSays(t, ctx, c, "closed"); got != "<nil>" {
					t.Errorf("Shutdown() with a browser = %s, want nil", got)
				}
				if err := waitLog(ctx, page, "channel closed"); err != nil {
					t.Errorf("after pion's Shutdown: %v", err)
				}
				return
			}
			// The browser is killed: pion must see it vanish, not leave.
			if err := b.Close(); err != nil {
				t.Fatal(err)
			}
			if got := childSays(t, ctx, c, "end"); !strings.Contains(got, "the other side is gone") {
				t.Errorf("pion's Receive after the browser was killed = %q, want ErrPeerGone", got)
			}
		})
	}
}

// browserSDP waits for the page's description and returns its SDP.
func browserSDP(t *testing.T, ctx context.Context, page *browser.Page, typ string) string {
	t.Helper()
	desc, err := page.LocalDescription(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var d struct{ Type, SDP string }
	if err := json.Unmarshal([]byte(desc), &d); err != nil || d.Type != typ {
		t.Fatalf("browser description %.100q: type %q, %v; want JSON of an %s", desc, d.Type, err, typ)
	}
	return d.SDP
}

// checkMDNS checks that a browser description uses mDNS host names exactly
// when asked to, so that the test really makes pion resolve them.
func checkMDNS(t *testing.T, sdp string, mdns bool) {
	t.Helper()
	if got := strings.Contains(sdp, ".local "); got != mdns {
		t.Errorf("browser description has .local candidates: %v, want %v:\n%s", got, mdns, sdp)
	}
}

// w3c returns the W3C JSON form of a description.
func w3c(typ, sdp string) string {
	b, _ := json.Marshal(map[string]string{"type": typ, "sdp": sdp})
	return string(b)
}

// childSays waits for the helper peer's line with verb, skipping others,
// and returns its argument.
func childSays(t *testing.T, ctx context.Context, c *child, verb string) string {
	t.Helper()
	for {
		select {
		case line, ok := <-c.lines:
			if !ok {
				t.Fatalf("the helper peer exited; want a %q line", verb)
			}
			v, arg, _ := strings.Cut(line, " ")
			if v != verb {
				t.Logf("helper peer: %.200s", line)
				continue
			}
			s, err := strconv.Unquote(arg)
			if err != nil {
				t.Fatalf("the helper peer said %.200q: %v", line, err)
			}
			return s
		case <-ctx.Done():
			t.Fatalf("waiting for the helper peer to say %q: %v", verb, ctx.Err())
		}
	}
}

// waitLog waits until the page's log holds want.
func waitLog(ctx context.Context, page *browser.Page, want string) error {
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for !strings.Contains(page.Log(), want) {
		select {
		case <-tick.C:
		case <-ctx.Done():
			return fmt.Errorf("the page never logged %q: %w; log:\n%s", want, ctx.Err(), page.Log())
		}
	}
	return nil
}
