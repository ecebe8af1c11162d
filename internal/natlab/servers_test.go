package natlab

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pion/stun/v4"
	"github.com/qrtc/qrtc/internal/netns"
	"github.com/qrtc/qrtc/relay"
)

// serverKind names a STUN/TURN server the lab can run in its public
// namespace.
type serverKind string

const (
	// ourRelay is the relay package, run inside the test process, with a
	// static user.
	ourRelay serverKind = "relay"
	// ourRelaySecret is the same server with time-limited credentials made
	// from its shared secret (as coturn's use-auth-secret).
	ourRelaySecret serverKind = "relay-secret"
	// coturnStatic is coturn with a static user (lt-cred-mech).
	coturnStatic serverKind = "coturn"
	// coturnSecret is coturn with use-auth-secret: time-limited
	// credentials made from a shared secret.
	coturnSecret serverKind = "coturn-secret"
)

// The lab's TURN user; the password is per server, made up here.
const (
	labUser   = "alice"
	labPass   = "wonderland-7"
	labSecret = "shared-secret-for-the-lab"
	labRealm  = "qrtc.lab"
	labPort   = 3478
)

// startServer starts a STUN and TURN server of the given kind in the
// topology's public namespace and returns the flags qrtc needs for it, TURN
// included only when turn is set. The server stops when the test ends.
func startServer(t testing.TB, top *netns.Topology, kind serverKind, turn bool) iceServers {
	t.Helper()
	addr := fmt.Sprintf("%s:%d", top.Public.Addr, labPort)
	s := iceServers{stun: "stun:" + addr}
	user, pass := labUser, labPass
	switch kind {
	case ourRelay, ourRelaySecret:
		s.relay = startRelay(t, top, addr)
	case coturnStatic, coturnSecret:
		startCoturn(t, top, kind == coturnSecret)
	default:
		t.Fatalf("unknown server kind %q", kind)
	}
	if kind == ourRelaySecret || kind == coturnSecret {
		user, pass = relay.TURNRESTCredentials(labSecret, labUser, time.Hour, time.Now())
	}
	if turn {
		s.turn, s.user, s.pass = "turn:"+addr+"?transport=udp", user, pass
	}
	return s
}

// startRelay runs the relay package in the public namespace: its listening
// socket and every relayed socket are opened there.
func startRelay(t testing.TB, top *netns.Topology, addr string) *relay.Server {
	t.Helper()
	srv, err := relay.New(relay.Config{
		ListenAddr:   addr,
		ListenPacket: top.Public.ListenPacket,
		Realm:        labRealm,
		Users:        map[string]string{labUser: labPass},
		Secret:       labSecret,
	})
	if err != nil {
		t.Fatalf("relay.New in %s: %v", top.Public.Name, err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("relay Close: %v", err)
		}
	})
	return srv
}

// requireCoturn skips the test when coturn's turnserver is not installed,
// or fails it under QRTC_REQUIRE_LAB=1.
func requireCoturn(t testing.TB) string {
	t.Helper()
	path, err := exec.LookPath("turnserver")
	if err != nil {
		netns.SkipUnlessRequired(t, fmt.Errorf("coturn's turnserver is not installed (apt-get install coturn): %w", err))
	}
	return path
}

// coturnConfig is the turnserver.conf for the lab: UDP and TCP on the
// public namespace's address, relays there too, no TLS, no CLI, no
// database, logs on stdout.
func coturnConfig(dir string, public string, secret bool) string {
	lines := []string{
		"listening-ip=" + public,
		"relay-ip=" + public,
		fmt.Sprintf("listening-port=%d", labPort),
		"min-port=49152",
		"max-port=65535",
		"realm=" + labRealm,
		"fingerprint",
		"no-tls",
		"no-dtls",
		"no-cli",
		"no-multicast-peers",
		"no-software-attribute",
		"log-file=stdout",
		"simple-log",
		"pidfile=" + filepath.Join(dir, "turnserver.pid"),
		"userdb=" + filepath.Join(dir, "turndb"),
	}
	if secret {
		lines = append(lines, "use-auth-secret", "static-auth-secret="+labSecret)
	} else {
		lines = append(lines, "lt-cred-mech", "user="+labUser+":"+labPass)
	}
	return strings.Join(lines, "\n") + "\n"
}

// startCoturn runs coturn's turnserver in the public namespace with a
// generated configuration, waits until it answers, and kills it by its
// process id when the test ends.
func startCoturn(t testing.TB, top *netns.Topology, secret bool) {
	t.Helper()
	bin := requireCoturn(t)
	dir := t.TempDir()
	conf := filepath.Join(dir, "turnserver.conf")
	if err := os.WriteFile(conf, []byte(coturnConfig(dir, top.Public.Addr.String(), secret)), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := top.Public.Command(t.Context(), bin, "-c", conf)
	cmd.Cancel = func() error { return cmd.Process.Kill() }
	log := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", strings.Join(cmd.Args, " "), err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill() // by its own process id: ip netns exec execs turnserver
		<-exited
	})
	// Ready once a STUN binding request from the public namespace gets an
	// answer.
	deadline := time.Now().Add(30 * time.Second)
	for {
		if stunAnswers(t, top.Public, fmt.Sprintf("%s:%d", top.Public.Addr, labPort)) {
			return
		}
		select {
		case err := <-exited:
			t.Fatalf("turnserver ended before serving: %v\n%s", err, log.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("turnserver does not answer STUN on %s:%d after 30s:\n%s", top.Public.Addr, labPort, log.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// stunAnswers sends one STUN binding request (RFC 8489 section 5) from the
// namespace to addr and says whether a binding success response came back.
func stunAnswers(t testing.TB, ns *netns.Namespace, addr string) bool {
	t.Helper()
	conn, err := ns.ListenPacket("udp4", "0.0.0.0:0")
	if err != nil {
		t.Fatalf("ListenPacket in %s: %v", ns.Name, err)
	}
	defer conn.Close()
	dst, err := net.ResolveUDPAddr("udp4", addr)
	if err != nil {
		t.Fatalf("ResolveUDPAddr(%q): %v", addr, err)
	}
	req := stun.MustBuild(stun.TransactionID, stun.BindingRequest)
	if _, err := conn.WriteTo(req.Raw, dst); err != nil {
		return false
	}
	_ = conn.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	buf := make([]byte, 1500)
	n, _, err := conn.ReadFrom(buf)
	if err != nil {
		return false
	}
	res := &stun.Message{Raw: buf[:n]}
	return res.Decode() == nil && res.Type == stun.BindingSuccess && res.TransactionID == req.TransactionID
}

// syncBuffer is a bytes buffer that a process's output goroutines and the
// test may use at once.
type syncBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
