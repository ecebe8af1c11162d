package relay

import (
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pion/logging"
	"github.com/pion/turn/v5"
)

// logBook collects a server's log lines and lets a test wait for one.
type logBook struct {
	t       *testing.T
	mu      sync.Mutex
	lines   []string
	changed chan struct{}
	closed  bool // set by the test once Server.Close has returned
}

func newLogBook(t *testing.T) *logBook {
	return &logBook{t: t, changed: make(chan struct{})}
}

// Logf is the Config.Logf of a test server.
func (b *logBook) Logf(format string, args ...any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	line := fmt.Sprintf(format, args...)
	if b.closed {
		// t.Errorf would panic after the test ends; record it instead.
		b.lines = append(b.lines, "AFTER CLOSE: "+line)
	} else {
		b.t.Log(line)
		b.lines = append(b.lines, line)
	}
	close(b.changed)
	b.changed = make(chan struct{})
}

// waitFor blocks until a line contains every one of parts, and returns it.
func (b *logBook) waitFor(parts ...string) string {
	b.t.Helper()
	deadline := time.After(10 * time.Second)
	seen := 0
	for {
		b.mu.Lock()
		for ; seen < len(b.lines); seen++ {
			if containsAll(b.lines[seen], parts) {
				line := b.lines[seen]
				b.mu.Unlock()
				return line
			}
		}
		changed := b.changed
		b.mu.Unlock()
		select {
		case <-changed:
		case <-deadline:
			b.t.Fatalf("no log line with %q after 10s; lines:\n%s", parts, strings.Join(b.snapshot(), "\n"))
		}
	}
}

// count returns how many lines contain every one of parts.
func (b *logBook) count(parts ...string) int {
	n := 0
	for _, line := range b.snapshot() {
		if containsAll(line, parts) {
			n++
		}
	}
	return n
}

func (b *logBook) snapshot() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.lines...)
}

func containsAll(s string, parts []string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

// startServer starts a server on a free loopback port and closes it when
// the test ends; a line logged after that Close returned is kept in the log
// book, marked "AFTER CLOSE", rather than reported through the finished
// test.
func startServer(t *testing.T, cfg Config) (*Server, *logBook) {
	t.Helper()
	book := newLogBook(t)
	if cfg.ListenAddr == "" {
		cfg.ListenAddr = "127.0.0.1:0"
	}
	cfg.Logf = book.Logf
	srv, err := New(cfg)
	if err != nil {
		t.Fatalf("New(%+v) = %v, want a running server", cfg, err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("Close() = %v, want nil", err)
		}
		book.mu.Lock()
		book.closed = true
		book.mu.Unlock()
	})
	return srv, book
}

// newClient returns a pion/turn client on a loopback UDP socket, talking to
// srv, closed when the test ends.
func newClient(t testing.TB, srv *Server, username, password string) *turn.Client {
	t.Helper()
	conn, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("ListenPacket: %v", err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return newClientOn(t, srv.Addr(), conn, username, password)
}

// newClientOn is newClient on a given socket (UDP, or a STUN-framed TCP
// connection) toward server (the relay, or a NAT in front of it).
func newClientOn(t testing.TB, server net.Addr, conn net.PacketConn, username, password string) *turn.Client {
	t.Helper()
	client, err := turn.NewClient(&turn.ClientConfig{
		STUNServerAddr: server.String(),
		TURNServerAddr: server.String(),
		Username:       username,
		Password:       password,
		Realm:          DefaultRealm,
		Conn:           conn,
		LoggerFactory:  quietLoggers(),
	})
	if err != nil {
		t.Fatalf("turn.NewClient: %v", err)
	}
	if err := client.Listen(); err != nil {
		t.Fatalf("client.Listen: %v", err)
	}
	t.Cleanup(client.Close)
	return client
}

// listenPeer returns a loopback UDP socket standing for a WebRTC peer.
func listenPeer(t testing.TB) net.PacketConn {
	t.Helper()
	peer, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("ListenPacket: %v", err)
	}
	t.Cleanup(func() { _ = peer.Close() })
	return peer
}

// waitUntil polls cond until it holds, failing the test after 10 s.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("still waiting after 10s for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// statsOf returns one user's statistics, zero if the user is unknown.
func statsOf(srv *Server, user string) UserStats {
	for _, st := range srv.Stats() {
		if st.User == user {
			return st
		}
	}
	return UserStats{User: user}
}

// quietLoggers returns a pion logger factory that discards everything.
func quietLoggers() logging.LoggerFactory {
	f := logging.NewDefaultLoggerFactory()
	f.DefaultLogLevel = logging.LogLevelDisabled
	f.Writer = io.Discard
	return f
}

// portOf returns the port of a UDP or TCP address as text.
func portOf(addr net.Addr) string {
	_, port, _ := net.SplitHostPort(addr.String())
	return port
}

// replacePort puts port where a want string says PORT.
func replacePort(s, port string) string { return strings.ReplaceAll(s, "PORT", port) }
