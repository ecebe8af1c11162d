package web_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/qrtc/qrtc/internal/browser"
)

// TestPageOneScan: the page answers "qrtc offer" (whose offer carries the
// one-scan flag) with one-scan credentials, and qrtc connects from the
// page's first connectivity check: no answer is ever written to qrtc. With
// --no-one-scan the page answers the ordinary way.
func TestPageOneScan(t *testing.T) {
	for _, kind := range []browser.Kind{browser.Chromium, browser.Firefox} {
		t.Run(kind.String(), func(t *testing.T) {
			require(t, kind)
			nsA, nsB := twoClients(t)
			ctx, cancel := context.WithTimeout(t.Context(), sessionTimeout)
			defer cancel()
			h, _ := openPage(t, ctx, nsA, kind, kind.String(), pageOptions{})
			q, offer := qrtcOffers(t, ctx, nsB)
			h.do(map[string]any{"paste": offer})
			var oneScan bool
			if err := h.next(ctx, "onescan", &oneScan); err != nil {
				t.Fatal(err)
			}
			if !oneScan {
				t.Fatal("the page answered a one-scan offer the ordinary way")
			}
			var read struct{ MS int }
			if err := h.next(ctx, "read", &read); err != nil {
				t.Fatal(err)
			}
			chatCLI(t, ctx, h, q)
			var open struct{ MS int }
			h.mu.Lock()
			for _, e := range h.events {
				if e.Kind == "open" {
					json.Unmarshal(e.Value, &open)
				}
			}
			h.mu.Unlock()
			t.Logf("%v: offer read to channel open %d ms, with no answer carried back", kind, open.MS-read.MS)
			if !strings.Contains(q.stderr.String(), "The answer came inside the other side's first connectivity check") {
				t.Errorf("qrtc did not say that the answer came in a check; stderr:\n%s", tail(q.stderr.String(), 2000))
			}
		})
	}
	t.Run("no-one-scan", func(t *testing.T) {
		require(t, browser.Chromium)
		nsA, nsB := twoClients(t)
		ctx, cancel := context.WithTimeout(t.Context(), sessionTimeout)
		defer cancel()
		h, _ := openPage(t, ctx, nsA, browser.Chromium, "chromium", pageOptions{})
		_, offer := qrtcOffers(t, ctx, nsB, "--no-one-scan")
		h.do(map[string]any{"paste": offer})
		var oneScan bool
		if err := h.next(ctx, "onescan", &oneScan); err != nil {
			t.Fatal(err)
		}
		if oneScan {
			t.Fatal("the page gave one-scan credentials to an offer without the flag")
		}
	})
}
