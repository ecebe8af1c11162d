package browser

import (
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/qrtc/qrtc/internal/netns"
)

//go:embed page.html
var pageHTML []byte

// Role says which side of the offer/answer exchange a page takes.
type Role int

// The two roles of a page.
const (
	// Offerer creates the data channel and the offer.
	Offerer Role = iota + 1
	// Answerer waits for an offer and answers it.
	Answerer
)

// String returns "offer" or "answer", the page's name for the role.
func (r Role) String() string {
	switch r {
	case Offerer:
		return "offer"
	case Answerer:
		return "answer"
	}
	return fmt.Sprintf("Role(%d)", int(r))
}

// LeaveMode says how a page ends its session in Leave.
type LeaveMode int

// The two ways a page leaves.
const (
	// Polite calls dc.close() and, only after the channel's close event
	// (the other side has answered the stream reset), pc.close().
	Polite LeaveMode = iota + 1
	// Abrupt calls dc.close() immediately followed by pc.close(); the other
	// side may see the channel's reset, or only the association's end.
	Abrupt
)

// String returns "polite" or "abrupt", the page's name for the mode.
func (m LeaveMode) String() string {
	switch m {
	case Polite:
		return "polite"
	case Abrupt:
		return "abrupt"
	}
	return fmt.Sprintf("LeaveMode(%d)", int(m))
}

// command is one entry of the page's command queue, in the JSON form the
// page reads from GET /command: exactly one field is set.
type command struct {
	Send  *string `json:"send,omitempty"`
	Leave string  `json:"leave,omitempty"`
}

// PageConfig configures a Page.
type PageConfig struct {
	// Role is the page's side of the exchange.
	Role Role
	// ICEServers are ICE server URLs such as "stun:203.0.113.1:3478"; none
	// means host candidates only.
	ICEServers []string
	// OneScan makes an answering page answer an offer that carries
	// a=qrtc-one-scan the one-scan way (package onescan): before
	// setLocalDescription it replaces its ICE ufrag by one that carries its
	// fingerprint and its password by the one derived from the offer, with
	// WebCrypto's HKDF, so that a qrtc offerer needs no answer token.
	OneScan bool
}

// longPoll is how long the server holds a GET before answering 204 (the page
// then asks again).
const longPoll = 10 * time.Second

// Page is the Go side of the test page: an HTTP server inside a namespace
// that serves the page and exchanges descriptions and messages with it.
// Its methods are safe for concurrent use.
type Page struct {
	cfg PageConfig
	ln  net.Listener
	srv *http.Server

	local    chan string
	open     chan struct{}
	chClosed chan struct{}
	commands chan string
	received chan string
	failed   chan struct{}
	closed   chan struct{}

	mu        sync.Mutex
	remote    string
	remoteSet chan struct{}
	openOnce  sync.Once
	chOnce    sync.Once
	localOnce sync.Once
	failOnce  sync.Once
	closeOnce sync.Once
	failure   string
	logLines  []string
}

// NewPage starts a page server on a loopback port inside ns. Close it when
// done.
func NewPage(ns *netns.Namespace, cfg PageConfig) (*Page, error) {
	if cfg.Role != Offerer && cfg.Role != Answerer {
		return nil, fmt.Errorf("browser: page role %q is neither Offerer nor Answerer", cfg.Role)
	}
	ln, err := ns.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("browser: page server: %w", err)
	}
	p := &Page{
		cfg:       cfg,
		ln:        ln,
		local:     make(chan string, 1),
		open:      make(chan struct{}),
		chClosed:  make(chan struct{}),
		commands:  make(chan string, 64),
		received:  make(chan string, 1024),
		failed:    make(chan struct{}),
		closed:    make(chan struct{}),
		remoteSet: make(chan struct{}),
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", p.serveHTML)
	mux.HandleFunc("GET /favicon.ico", http.NotFound)
	mux.HandleFunc("POST /local", p.serveLocal)
	mux.HandleFunc("GET /remote", p.serveRemote)
	mux.HandleFunc("POST /open", p.serveOpen)
	mux.HandleFunc("POST /closed", p.serveClosed)
	mux.HandleFunc("GET /command", p.serveCommand)
	mux.HandleFunc("POST /received", p.serveReceived)
	mux.HandleFunc("POST /log", p.serveLog)
	mux.HandleFunc("POST /error", p.serveError)
	p.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go p.srv.Serve(ln) // returns when Close closes the server
	return p, nil
}

// URL is the address the browser must open (on loopback inside the page's
// namespace).
func (p *Page) URL() string {
	q := url.Values{"role": {p.cfg.Role.String()}}
	if p.cfg.OneScan {
		q.Set("onescan", "1")
	}
	for _, s := range p.cfg.ICEServers {
		q.Add("ice", s)
	}
	return "http://" + p.ln.Addr().String() + "/?" + q.Encode()
}

// LocalDescription waits for the page's local description, sent once ICE
// gathering is complete, and returns it in the W3C JSON form exactly as the
// browser wrote it.
func (p *Page) LocalDescription(ctx context.Context) (string, error) {
	d, err := await(ctx, p, p.local, "the page's local description")
	if err != nil {
		return "", err
	}
	p.local <- d // leave it for the next caller
	return d, nil
}

// SetRemoteDescription hands the page the other side's description (W3C
// JSON form). Only the first call counts.
func (p *Page) SetRemoteDescription(desc string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	select {
	case <-p.remoteSet:
	default:
		p.remote = desc
		close(p.remoteSet)
	}
}

// WaitOpen waits until the page's data channel is open.
func (p *Page) WaitOpen(ctx context.Context) error {
	_, err := await(ctx, p, p.open, "the page's data channel to open")
	return err
}

// Send makes the page send msg on its data channel (once it is open).
func (p *Page) Send(ctx context.Context, msg string) error {
	return p.queue(ctx, command{Send: &msg}, fmt.Sprintf("message %q", msg))
}

// Leave makes the page end its session the given way, after every message
// queued before with Send. The page takes no command after it. WaitClosed
// tells when the channel's close event has fired (with Abrupt a browser may
// never fire it).
func (p *Page) Leave(ctx context.Context, mode LeaveMode) error {
	if mode != Polite && mode != Abrupt {
		return fmt.Errorf("browser: leave mode %q is neither Polite nor Abrupt", mode)
	}
	return p.queue(ctx, command{Leave: mode.String()}, "leave "+mode.String())
}

// WaitClosed waits until the page's data channel has fired its close event:
// after the other side closed the channel, or after Leave with Polite.
func (p *Page) WaitClosed(ctx context.Context) error {
	_, err := await(ctx, p, p.chClosed, "the page's data channel to close")
	return err
}

// queue puts c on the page's command queue; what names it in errors.
func (p *Page) queue(ctx context.Context, c command, what string) error {
	b, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("browser: encoding %s: %w", what, err)
	}
	select {
	case p.commands <- string(b):
		return nil
	case <-p.failed:
		return p.err()
	case <-p.closed:
		return ErrClosed
	case <-ctx.Done():
		return fmt.Errorf("browser: queueing %s: %w", what, ctx.Err())
	}
}

// Receive waits for the next message the page received on its data channel.
func (p *Page) Receive(ctx context.Context) (string, error) {
	return await(ctx, p, p.received, "a message")
}

// await receives from ch unless the page fails, is closed or ctx ends first;
// what names the awaited event in the error for ctx.
func await[T any](ctx context.Context, p *Page, ch <-chan T, what string) (T, error) {
	var zero T
	select {
	case v := <-ch:
		return v, nil
	case <-p.failed:
		return zero, p.err()
	case <-p.closed:
		return zero, ErrClosed
	case <-ctx.Done():
		return zero, fmt.Errorf("browser: waiting for %s: %w (page log: %s)", what, ctx.Err(), p.Log())
	}
}

// Log returns what the page reported so far (ICE and connection states),
// one event per line.
func (p *Page) Log() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return strings.Join(p.logLines, "; ")
}

// Close stops the page server. It is idempotent.
func (p *Page) Close() error {
	var err error
	p.closeOnce.Do(func() {
		close(p.closed)
		if e := p.srv.Close(); e != nil && !errors.Is(e, net.ErrClosed) {
			err = fmt.Errorf("browser: close page server: %w", e)
		}
	})
	return err
}

func (p *Page) err() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return fmt.Errorf("%w: %s", ErrPage, p.failure)
}

// body reads a request body of at most 1 MiB.
func body(r *http.Request) (string, error) {
	b, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	return string(b), err
}

func (p *Page) serveHTML(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(pageHTML)
}

func (p *Page) serveLocal(w http.ResponseWriter, r *http.Request) {
	b, err := body(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	p.localOnce.Do(func() { p.local <- b })
}

func (p *Page) serveRemote(w http.ResponseWriter, r *http.Request) {
	t := time.NewTimer(longPoll)
	defer t.Stop()
	select {
	case <-p.remoteSet:
		p.mu.Lock()
		d := p.remote
		p.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, d)
	case <-t.C:
		w.WriteHeader(http.StatusNoContent)
	case <-r.Context().Done():
	}
}

func (p *Page) serveOpen(w http.ResponseWriter, r *http.Request) {
	p.openOnce.Do(func() { close(p.open) })
}

func (p *Page) serveClosed(w http.ResponseWriter, r *http.Request) {
	p.chOnce.Do(func() { close(p.chClosed) })
}

func (p *Page) serveCommand(w http.ResponseWriter, r *http.Request) {
	t := time.NewTimer(longPoll)
	defer t.Stop()
	select {
	case m := <-p.commands:
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, m)
	case <-t.C:
		w.WriteHeader(http.StatusNoContent)
	case <-r.Context().Done():
	}
}

func (p *Page) serveReceived(w http.ResponseWriter, r *http.Request) {
	b, err := body(r)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	select {
	case p.received <- b:
	case <-r.Context().Done():
	}
}

func (p *Page) serveLog(w http.ResponseWriter, r *http.Request) {
	b, _ := body(r)
	p.mu.Lock()
	if len(p.logLines) < 1000 {
		p.logLines = append(p.logLines, b)
	}
	p.mu.Unlock()
}

func (p *Page) serveError(w http.ResponseWriter, r *http.Request) {
	b, _ := body(r)
	p.failOnce.Do(func() {
		p.mu.Lock()
		p.failure = b
		p.mu.Unlock()
		close(p.failed)
	})
}
