package browser_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/qrtc/qrtc/internal/browser"
	"github.com/qrtc/qrtc/internal/netns"
)

// startPage starts a page and a browser on it in ns, both closed when the
// test ends.
func startPage(t *testing.T, ns *netns.Namespace, kind browser.Kind, cfg browser.PageConfig, mdns bool) (*browser.Page, *browser.Browser) {
	t.Helper()
	page, b, err := browser.Open(t.Context(), ns, kind, cfg, browser.Options{MDNS: mdns})
	if err != nil {
		t.Fatalf("Open(%v): %v", kind, err)
	}
	t.Cleanup(func() {
		if err := b.Close(); err != nil {
			t.Errorf("%v Close: %v", kind, err)
		}
		page.Close()
		if t.Failed() {
			t.Logf("%v output:\n%s", kind, b.Output())
			t.Logf("%v page log: %s", kind, page.Log())
		}
	})
	return page, b
}

func TestBrowserToBrowser(t *testing.T) {
	tests := []struct {
		offerer, answerer browser.Kind
		mdns              bool
	}{
		{browser.Chromium, browser.Firefox, false},
		{browser.Firefox, browser.Chromium, true},
	}
	for _, tc := range tests {
		name := fmt.Sprintf("%v-offers-%v-answers-mdns=%v", tc.offerer, tc.answerer, tc.mdns)
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			browser.Require(t, tc.offerer)
			browser.Require(t, tc.answerer)
			top := netns.NewTestTopology(t, netns.Config{Sides: []netns.SideConfig{{NAT: netns.Masquerade, Clients: 2}}})
			ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
			defer cancel()
			off, _ := startPage(t, top.Sides[0].Clients[0], tc.offerer, browser.PageConfig{Role: browser.Offerer}, tc.mdns)
			ans, _ := startPage(t, top.Sides[0].Clients[1], tc.answerer, browser.PageConfig{Role: browser.Answerer}, tc.mdns)

			offer, err := off.LocalDescription(ctx)
			if err != nil {
				t.Fatalf("offer: %v", err)
			}
			checkDescription(t, offer, "offer", tc.mdns)
			ans.SetRemoteDescription(offer)
			answer, err := ans.LocalDescription(ctx)
			if err != nil {
				t.Fatalf("answer: %v", err)
			}
			checkDescription(t, answer, "answer", tc.mdns)
			off.SetRemoteDescription(answer)
			for _, p := range []*browser.Page{off, ans} {
				if err := p.WaitOpen(ctx); err != nil {
					t.Fatal(err)
				}
			}
			exchange(t, ctx, off, ans)
			// A polite leave: the leaving page's channel closes once the
			// other side answered its reset, and so does the other's.
			if err := off.Leave(ctx, browser.Polite); err != nil {
				t.Fatal(err)
			}
			for _, p := range []*browser.Page{off, ans} {
				if err := p.WaitClosed(ctx); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// exchange sends a message each way and checks that it arrives.
func exchange(t *testing.T, ctx context.Context, a, b *browser.Page) {
	t.Helper()
	for i, pair := range [][2]*browser.Page{{a, b}, {b, a}} {
		for _, msg := range []string{fmt.Sprintf("hello %d, ünïcode ✓", i), "line\nbreaks\r\nand \\ \"quotes\""} {
			if err := pair[0].Send(ctx, msg); err != nil {
				t.Fatal(err)
			}
			got, err := pair[1].Receive(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got != msg {
				t.Errorf("received %q, want %q", got, msg)
			}
		}
	}
}

// checkDescription checks the JSON form and the kind of host candidates.
func checkDescription(t *testing.T, desc, typ string, mdns bool) {
	t.Helper()
	var d struct {
		Type string `json:"type"`
		SDP  string `json:"sdp"`
	}
	if err := json.Unmarshal([]byte(desc), &d); err != nil {
		t.Fatalf("description %q is not JSON: %v", desc, err)
	}
	if d.Type != typ {
		t.Errorf("description type %q, want %q", d.Type, typ)
	}
	var hosts, local int
	for _, line := range strings.Split(d.SDP, "\r\n") {
		if !strings.HasPrefix(line, "a=candidate:") || !strings.Contains(line, " typ host") {
			continue
		}
		hosts++
		if strings.Contains(line, ".local ") {
			local++
		}
	}
	if hosts == 0 {
		t.Errorf("%s has no host candidate:\n%s", typ, d.SDP)
	}
	if mdns && local == 0 {
		t.Errorf("%s with mDNS has no .local candidate:\n%s", typ, d.SDP)
	}
	if !mdns && local != 0 {
		t.Errorf("%s without mDNS has %d .local candidates:\n%s", typ, local, d.SDP)
	}
}
