package web_test

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qrtc/qrtc/internal/browser"
	"github.com/qrtc/qrtc/internal/netns"
	"github.com/qrtc/qrtc/web"
)

// qrtcBinary is the qrtc command built once by TestMain when the lab is
// available.
var qrtcBinary string

func TestMain(m *testing.M) {
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	// TestPageLate's sessions spend most of their time waiting for the late
	// code: run all of them at once (unless -parallel says otherwise) instead
	// of GOMAXPROCS at a time.
	flag.Parse()
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.parallel" })
	if !set {
		flag.Set("test.parallel", "8")
	}
	if netns.Check() == nil {
		if err := netns.RemoveStale(context.Background()); err != nil {
			fmt.Fprintln(os.Stderr, "web: removing stale namespaces:", err)
		}
		dir, err := os.MkdirTemp("", "qrtc-web-")
		if err != nil {
			fmt.Fprintln(os.Stderr, "web: temporary directory:", err)
			return 1
		}
		defer os.RemoveAll(dir)
		bin := filepath.Join(dir, "qrtc")
		build := exec.Command("go", "build", "-o", bin, "github.com/qrtc/qrtc/cmd/qrtc")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "web: go build ./cmd/qrtc:", err)
			return 1
		}
		qrtcBinary = bin
	}
	return m.Run()
}

// event is one report of the page's test hook.
type event struct {
	Kind  string          `json:"kind"`
	Value json.RawMessage `json:"value"`
}

// hook is the test's end of a page opened with ?hook=URL: a server on
// loopback inside the browser's namespace that collects the page's events
// and hands it commands (see package web's documentation).
type hook struct {
	t        testing.TB
	name     string
	ln       net.Listener
	srv      *http.Server
	commands chan string

	mu     sync.Mutex
	events []event
	seen   map[string]int // kind -> how many of that kind next() consumed
	wake   chan struct{}
}

func newHook(t testing.TB, ns *netns.Namespace, name string) *hook {
	t.Helper()
	ln, err := ns.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("hook server: %v", err)
	}
	h := &hook{t: t, name: name, ln: ln, commands: make(chan string, 64), seen: map[string]int{}, wake: make(chan struct{})}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /event", h.serveEvent)
	mux.HandleFunc("GET /command", h.serveCommand)
	h.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go h.srv.Serve(ln)
	t.Cleanup(func() {
		h.srv.Close()
		if t.Failed() {
			t.Logf("%s page events: %s", name, h.log())
		}
	})
	return h
}

// URL is the hook parameter's value.
func (h *hook) URL() string { return "http://" + h.ln.Addr().String() + "/" }

func (h *hook) serveEvent(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Access-Control-Allow-Origin", "*")
	b, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	var e event
	if err := json.Unmarshal(b, &e); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	h.mu.Lock()
	h.events = append(h.events, e)
	close(h.wake)
	h.wake = make(chan struct{})
	h.mu.Unlock()
}

func (h *hook) serveCommand(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Access-Control-Allow-Origin", "*")
	t := time.NewTimer(10 * time.Second)
	defer t.Stop()
	select {
	case c := <-h.commands:
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, c)
	case <-t.C:
		w.WriteHeader(http.StatusNoContent)
	case <-r.Context().Done():
	}
}

// do queues a command for the page.
func (h *hook) do(cmd map[string]any) {
	b, err := json.Marshal(cmd)
	if err != nil {
		h.t.Fatal(err)
	}
	h.commands <- string(b)
}

// next waits for the next event of the given kind that next has not yet
// returned, and decodes its value into v (unless v is nil). An "error" event
// that next("error") has not returned fails the wait.
func (h *hook) next(ctx context.Context, kind string, v any) error {
	for {
		h.mu.Lock()
		n, errs := 0, 0
		var found *event
		for i := range h.events {
			e := &h.events[i]
			if e.Kind == "error" && kind != "error" {
				// An error the test has not taken with next("error").
				if errs++; errs > h.seen["error"] {
					h.mu.Unlock()
					return fmt.Errorf("%s page reported an error: %s", h.name, e.Value)
				}
			}
			if e.Kind == kind {
				if n == h.seen[kind] {
					found = e
					break
				}
				n++
			}
		}
		if found != nil {
			h.seen[kind]++
			h.mu.Unlock()
			if v == nil {
				return nil
			}
			return json.Unmarshal(found.Value, v)
		}
		wake := h.wake
		h.mu.Unlock()
		select {
		case <-wake:
		case <-ctx.Done():
			return fmt.Errorf("%s page: waiting for a %q event: %w", h.name, kind, ctx.Err())
		}
	}
}

// until waits for an event of the given kind whose value is want.
func (h *hook) until(ctx context.Context, kind, want string) error {
	for {
		var got string
		if err := h.next(ctx, kind, &got); err != nil {
			return err
		}
		if got == want {
			return nil
		}
	}
}

func (h *hook) log() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var b strings.Builder
	for _, e := range h.events {
		v := string(e.Value)
		if len(v) > 300 {
			v = v[:300] + "..."
		}
		fmt.Fprintf(&b, "\n  %s %s", e.Kind, v)
	}
	return b.String()
}

// tokenEvent is the value of a "token" event.
type tokenEvent struct {
	Kind  string `json:"kind"`
	Token string `json:"token"`
	QR    string `json:"qr"`
	MS    int    `json:"ms"`
}

// pageOptions configures openPage.
type pageOptions struct {
	query  url.Values // extra URL parameters
	camera string     // Chromium: a .y4m file as the camera
	file   string     // open this file:// path instead of serving the page
	hash   string     // the URL's fragment
	mdns   bool
}

// openPage serves the page in ns, opens it with the test hook in a browser
// of the given kind and waits until it has loaded. Everything is closed when
// the test ends.
func openPage(t *testing.T, ctx context.Context, ns *netns.Namespace, kind browser.Kind, name string, opt pageOptions) (*hook, *pageServer) {
	t.Helper()
	h := newHook(t, ns, name)
	q := url.Values{"stun": {"none"}, "hook": {h.URL()}}
	for k, v := range opt.query {
		q[k] = v
	}
	var ps *pageServer
	var u string
	if opt.file != "" {
		u = "file://" + opt.file + "?" + q.Encode()
	} else {
		ps = newPageServer(t, ns)
		u = ps.URL() + "?" + q.Encode()
	}
	if opt.hash != "" {
		u += "#" + opt.hash
	}
	b, err := browser.Launch(ctx, ns, kind, browser.Options{URL: u, MDNS: opt.mdns, Camera: opt.camera})
	if err != nil {
		t.Fatalf("browser.Launch(%v): %v", kind, err)
	}
	t.Cleanup(func() {
		if err := b.Close(); err != nil {
			t.Errorf("closing %v: %v", kind, err)
		}
		if t.Failed() {
			t.Logf("%s (%v) output (end):\n%s", name, kind, tail(b.Output(), 1500))
		}
	})
	if err := h.next(ctx, "loaded", nil); err != nil {
		t.Fatal(err)
	}
	return h, ps
}

// pageServer serves web.Handler inside a namespace.
type pageServer struct {
	ln  net.Listener
	srv *http.Server
}

func newPageServer(t testing.TB, ns *netns.Namespace) *pageServer {
	t.Helper()
	ln, err := ns.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("page server: %v", err)
	}
	s := &pageServer{ln: ln, srv: &http.Server{Handler: web.Handler(), ReadHeaderTimeout: 10 * time.Second}}
	go s.srv.Serve(ln)
	t.Cleanup(func() { s.srv.Close() })
	return s
}

func (s *pageServer) URL() string { return "http://" + s.ln.Addr().String() + "/" }

// stop cuts the network to the page: the server closes and refuses
// connections from then on.
func (s *pageServer) stop() {
	if err := s.srv.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
		panic(err)
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}
