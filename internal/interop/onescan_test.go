package interop

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/qrtc/qrtc/internal/browser"
	"github.com/qrtc/qrtc/internal/netns"
)

// TestOneScanBrowserAnswers: issue 11. A browser answers "qrtc offer" with
// the one-scan rule applied by the test page (WebCrypto HKDF before
// setLocalDescription); nothing is carried back to qrtc, which connects
// from the browser's first connectivity check.
func TestOneScanBrowserAnswers(t *testing.T) {
	for _, kind := range []browser.Kind{browser.Chromium, browser.Firefox} {
		t.Run(kind.String(), func(t *testing.T) {
			t.Parallel()
			require(t, kind)
			top := netns.NewTestTopology(t, netns.Config{Sides: []netns.SideConfig{{NAT: netns.Masquerade, Clients: 2}}})
			ctx, cancel := context.WithTimeout(t.Context(), sessionTimeout)
			defer cancel()
			page := startBrowser(t, ctx, top.Sides[0].Clients[0], kind, browser.PageConfig{Role: browser.Answerer, OneScan: true}, true)
			q := startQRTC(t, top.Sides[0].Clients[1], "offer", "--stun", "none", "--no-qr")
			offerToken, err := q.line(ctx)
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			page.SetRemoteDescription(fromToken(t, offerToken))
			answer, err := page.LocalDescription(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var d struct{ SDP string }
			if err := json.Unmarshal([]byte(answer), &d); err != nil || !strings.Contains(d.SDP, "a=ice-ufrag:QS1") {
				t.Fatalf("the page's answer has no one-scan ufrag (%v):\n%s", err, answer)
			}
			// The answer token is still what the page would show.
			t.Logf("the page's one-scan answer token: %d characters", len(toToken(t, answer)))
			if err := page.WaitOpen(ctx); err != nil {
				t.Fatal(err)
			}
			t.Logf("%v: channel open %s after the page got the offer, with no answer carried back", kind, time.Since(start).Round(time.Millisecond))
			chat(t, ctx, page, q)
			if !strings.Contains(q.stderr.String(), "answer came inside the other side's first connectivity check") {
				t.Errorf("qrtc offer connected without saying the answer came in a check:\n%s", q.stderr.String())
			}
			q.finish(t, ctx, page)
		})
	}
}

// TestFirefoxAnswerLate: a plain Firefox answerer (no one-scan) whose answer
// reaches "qrtc offer" 20 s after Firefox made it. Firefox gives up about
// 11 s after its answer when its early checks go unanswered; qrtc answers
// them (RFC 8445 section 7.3), so the session survives the wait.
func TestFirefoxAnswerLate(t *testing.T) {
	if testing.Short() {
		t.Skip("waits 20 s; skipped with -short")
	}
	t.Parallel()
	require(t, browser.Firefox)
	top := netns.NewTestTopology(t, netns.Config{Sides: []netns.SideConfig{{NAT: netns.Masquerade, Clients: 2}}})
	ctx, cancel := context.WithTimeout(t.Context(), sessionTimeout+20*time.Second)
	defer cancel()
	page, q, answer := qrtcOffersBrowserAnswers(t, ctx, top, browser.Firefox, true)
	select {
	case <-time.After(20 * time.Second):
	case <-ctx.Done():
		t.Fatal(ctx.Err())
	}
	if strings.Contains(page.Log(), "failed") {
		t.Fatalf("Firefox gave up while its answer travelled: %s", page.Log())
	}
	q.writeLine(t, toToken(t, answer))
	if err := page.WaitOpen(ctx); err != nil {
		t.Fatalf("answer applied 20 s late: %v; page log: %s", err, page.Log())
	}
	chat(t, ctx, page, q)
	q.finish(t, ctx, page)
}
