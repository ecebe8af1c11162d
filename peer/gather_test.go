package peer_test

import (
	"io"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pion/logging"
	"github.com/pion/turn/v5"
	"github.com/pion/webrtc/v4"

	"github.com/qrtc/qrtc/peer"
)

// TestSilentSTUN: a STUN server that never answers must not hold up the
// offer: Offer returns host candidates and a warning naming the server.
func TestSilentSTUN(t *testing.T) {
	t.Parallel()
	servers := silentSTUN(t)
	for _, tc := range []struct {
		name    string
		timeout time.Duration
	}{
		{"default timeout", 0},
		{"500ms", 500 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			// The context starts with the subtest: parallel subtests may
			// wait long behind other tests before they run.
			ctx := testContext(t, time.Minute)
			cfg := loopback()
			cfg.ICEServers = servers
			cfg.GatherTimeout = tc.timeout
			p := newPeer(t, cfg)
			offer, err := p.Offer(ctx)
			if err != nil {
				t.Fatalf("Offer() with a silent STUN server = %v, want an offer", err)
			}
			if !strings.Contains(offer, " typ host") {
				t.Errorf("Offer() has no host candidate:\n%s", offer)
			}
			want := tc.timeout
			if want == 0 {
				want = peer.DefaultGatherTimeout
			}
			wantWarning := `STUN server "` + servers[0].URLs[0] + `" did not answer within ` + want.String()
			if w := p.GatherWarnings(); !slices.Contains(w, wantWarning) {
				t.Errorf("GatherWarnings() = %q, want it to contain %q", w, wantWarning)
			}
		})
	}
}

// startSTUN runs a pion/turn server on 127.0.0.1 that answers STUN binding
// requests, and returns its URL.
func startSTUN(t testing.TB) string {
	t.Helper()
	conn, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen for the STUN server: %v", err)
	}
	quiet := logging.NewDefaultLoggerFactory()
	quiet.Writer = io.Discard
	srv, err := turn.NewServer(turn.ServerConfig{
		PacketConnConfigs: []turn.PacketConnConfig{{PacketConn: conn}},
		LoggerFactory:     quiet,
		Realm:             "qrtc.test",
	})
	if err != nil {
		conn.Close()
		t.Fatalf("turn.NewServer() = %v", err)
	}
	t.Cleanup(func() { srv.Close() })
	return "stun:" + conn.LocalAddr().String()
}

// TestSTUN: with a working STUN server the description carries a server
// reflexive candidate, there is no warning, and the peers connect.
func TestSTUN(t *testing.T) {
	t.Parallel()
	ctx := testContext(t, time.Minute)
	cfg := loopback()
	cfg.ICEServers = []webrtc.ICEServer{{URLs: []string{startSTUN(t)}}}
	a, b := newPeer(t, cfg), newPeer(t, loopback())
	exchange(t, ctx, a, b)
	cands := strings.Join(a.LocalCandidates(), "\n")
	if !strings.Contains(cands, " typ srflx") {
		t.Errorf("LocalCandidates() with a STUN server = %q, want a srflx candidate", cands)
	}
	if w := a.GatherWarnings(); len(w) != 0 {
		t.Errorf("GatherWarnings() = %q with a working STUN server, want none", w)
	}
	if err := a.WaitOpen(ctx); err != nil {
		t.Fatalf("WaitOpen() = %v", err)
	}
}

// TestSilentTURN: a TURN server that never answers must not hold up the
// offer either; the warning names it.
func TestSilentTURN(t *testing.T) {
	t.Parallel()
	ctx := testContext(t, time.Minute)
	silent := silentSTUN(t)
	url := strings.Replace(silent[0].URLs[0], "stun:", "turn:", 1)
	cfg := loopback()
	cfg.ICEServers = []webrtc.ICEServer{{URLs: []string{url}, Username: "user", Credential: "secret"}}
	cfg.GatherTimeout = 500 * time.Millisecond
	p := newPeer(t, cfg)
	offer, err := p.Offer(ctx)
	if err != nil {
		t.Fatalf("Offer() with a silent TURN server = %v, want an offer", err)
	}
	if !strings.Contains(offer, " typ host") {
		t.Errorf("Offer() has no host candidate:\n%s", offer)
	}
	want := `TURN server "` + url + `" gave no relay address within 500ms`
	w := p.GatherWarnings()
	if len(w) == 0 || !strings.HasPrefix(w[0], want) {
		t.Errorf("GatherWarnings() = %q, want it to start with %q", w, want)
	}
}
