package browser_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/qrtc/qrtc/internal/browser"
	"github.com/qrtc/qrtc/internal/netns"
)

// fakePage plays the JavaScript side of the page protocol with an HTTP
// client inside the page's namespace.
type fakePage struct {
	t    *testing.T
	base string
	c    *http.Client
}

func newFakePage(t *testing.T, ns *netns.Namespace, page *browser.Page) *fakePage {
	u, err := url.Parse(page.URL())
	if err != nil {
		t.Fatalf("page URL %q: %v", page.URL(), err)
	}
	tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		return ns.Dial(ctx, network, addr)
	}}
	t.Cleanup(tr.CloseIdleConnections)
	return &fakePage{t: t, base: "http://" + u.Host, c: &http.Client{Transport: tr, Timeout: 30 * time.Second}}
}

func (f *fakePage) do(method, path, body string) (int, string) {
	f.t.Helper()
	req, err := http.NewRequest(method, f.base+path, strings.NewReader(body))
	if err != nil {
		f.t.Fatal(err)
	}
	res, err := f.c.Do(req)
	if err != nil {
		f.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		f.t.Fatalf("%s %s: reading body: %v", method, path, err)
	}
	return res.StatusCode, string(b)
}

func TestPageProtocol(t *testing.T) {
	t.Parallel()
	top := netns.NewTestTopology(t, netns.Config{Sides: []netns.SideConfig{{NAT: netns.NoNAT}}})
	ns := top.Sides[0].Clients[0]
	page, err := browser.NewPage(ns, browser.PageConfig{Role: browser.Offerer, ICEServers: []string{"stun:203.0.113.1:3478"}})
	if err != nil {
		t.Fatal(err)
	}
	defer page.Close()
	if u := page.URL(); !strings.Contains(u, "role=offer") || !strings.Contains(u, "ice=stun%3A203.0.113.1%3A3478") {
		t.Errorf("URL() = %q, want role=offer and the escaped STUN URL", u)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	f := newFakePage(t, ns, page)

	if code, body := f.do("GET", "/", ""); code != 200 || !strings.Contains(body, "RTCPeerConnection") {
		t.Fatalf("GET / = %d %.80q, want 200 and the page", code, body)
	}
	const offer = `{"type":"offer","sdp":"v=0\r\n"}`
	f.do("POST", "/local", offer)
	if got, err := page.LocalDescription(ctx); err != nil || got != offer {
		t.Errorf("LocalDescription = %q, %v; want %q", got, err, offer)
	}
	if got, err := page.LocalDescription(ctx); err != nil || got != offer {
		t.Errorf("second LocalDescription = %q, %v; want %q again", got, err, offer)
	}
	const answer = `{"type":"answer","sdp":"v=0\r\n"}`
	go func() {
		time.Sleep(100 * time.Millisecond) // let the long poll start waiting
		page.SetRemoteDescription(answer)
		page.SetRemoteDescription("ignored")
	}()
	if code, body := f.do("GET", "/remote", ""); code != 200 || body != answer {
		t.Errorf("GET /remote = %d %q, want 200 %q", code, body, answer)
	}
	f.do("POST", "/open", "qrtc")
	if err := page.WaitOpen(ctx); err != nil {
		t.Errorf("WaitOpen after POST /open: %v", err)
	}
	commands := []struct {
		name string
		do   func() error
		want string
	}{
		{"send", func() error { return page.Send(ctx, "one") }, `{"send":"one"}`},
		{"send line breaks", func() error { return page.Send(ctx, "a\nb\r\n\\") }, `{"send":"a\nb\r\n\\"}`},
		{"send empty", func() error { return page.Send(ctx, "") }, `{"send":""}`},
		{"leave polite", func() error { return page.Leave(ctx, browser.Polite) }, `{"leave":"polite"}`},
		{"leave abrupt", func() error { return page.Leave(ctx, browser.Abrupt) }, `{"leave":"abrupt"}`},
	}
	for _, c := range commands {
		t.Run(c.name, func(t *testing.T) {
			if err := c.do(); err != nil {
				t.Fatal(err)
			}
			if code, body := f.do("GET", "/command", ""); code != 200 || body != c.want {
				t.Errorf("GET /command = %d %q, want 200 %q", code, body, c.want)
			}
		})
	}
	if err := page.Leave(ctx, browser.LeaveMode(0)); err == nil {
		t.Error("Leave(LeaveMode(0)) succeeded, want an error")
	}
	short, cancelShort := context.WithTimeout(ctx, 50*time.Millisecond)
	if err := page.WaitClosed(short); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("WaitClosed before POST /closed = %v, want context.DeadlineExceeded", err)
	}
	cancelShort()
	f.do("POST", "/closed", "qrtc")
	if err := page.WaitClosed(ctx); err != nil {
		t.Errorf("WaitClosed after POST /closed: %v", err)
	}
	for _, m := range []string{"first", "second"} {
		f.do("POST", "/received", m)
	}
	for _, want := range []string{"first", "second"} {
		if got, err := page.Receive(ctx); err != nil || got != want {
			t.Errorf("Receive = %q, %v; want %q", got, err, want)
		}
	}
	f.do("POST", "/log", "ice connected")
	if got := page.Log(); got != "ice connected" {
		t.Errorf("Log() = %q, want %q", got, "ice connected")
	}
	f.do("POST", "/error", "main: TypeError: boom")
	if _, err := page.Receive(ctx); !errors.Is(err, browser.ErrPage) || !strings.Contains(err.Error(), "boom") {
		t.Errorf("Receive after a page error = %v, want ErrPage with the page's text", err)
	}
	if err := page.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if err := page.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestPageWaitsAreCancelled(t *testing.T) {
	t.Parallel()
	top := netns.NewTestTopology(t, netns.Config{Sides: []netns.SideConfig{{NAT: netns.NoNAT}}})
	page, err := browser.NewPage(top.Sides[0].Clients[0], browser.PageConfig{Role: browser.Answerer})
	if err != nil {
		t.Fatal(err)
	}
	defer page.Close()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := page.LocalDescription(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("LocalDescription with a cancelled context = %v, want context.Canceled", err)
	}
	if err := page.WaitOpen(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("WaitOpen with a cancelled context = %v, want context.Canceled", err)
	}
	page.Close()
	if _, err := page.Receive(t.Context()); !errors.Is(err, browser.ErrClosed) {
		t.Errorf("Receive after Close = %v, want ErrClosed", err)
	}
	if _, err := browser.NewPage(top.Sides[0].Clients[0], browser.PageConfig{}); err == nil {
		t.Error("NewPage without a role succeeded, want an error")
	}
}
