package main

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pion/stun/v4"

	"github.com/qrtc/qrtc/internal/netns"
	"github.com/qrtc/qrtc/relay"
)

// TestTURNWrongPassword: a TURN server that refuses the password is named
// as having rejected it, at once, against qrtc relay and against coturn,
// instead of "gave no relay address within 1.5s".
func TestTURNWrongPassword(t *testing.T) {
	t.Parallel()
	servers := map[string]func(t *testing.T) string{
		"qrtc relay": func(t *testing.T) string {
			srv, err := relay.New(relay.Config{ListenAddr: "127.0.0.1:0", Users: map[string]string{"alice": "wonderland"}})
			if err != nil {
				t.Fatalf("relay.New: %v", err)
			}
			t.Cleanup(func() { srv.Close() })
			return srv.URLs()[1]
		},
		"coturn": startLoopbackCoturn,
	}
	for name, start := range servers {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			url := start(t)
			p := startQRTC(t, "offer", nil, "offer", "--stun", "none", "--no-qr", "--turn", url, "--turn-user", "alice", "--turn-pass", "looking-glass")
			p.token()
			line := p.waitStderr(regexp.MustCompile(`^qrtc: warning: TURN server`))
			if !regexp.MustCompile(`rejected .*\(40[13] [A-Za-z ]+\).*password`).MatchString(line) {
				t.Errorf("qrtc offer with a wrong TURN password said %q; want it rejected (401 or 403) and the password named", line)
			}
			p.kill()
		})
	}
}

// TestVerbosity: -v shows qrtc's own diagnostics, -vv also the WebRTC
// library's log lines (here pion's report of the refused allocation).
func TestVerbosity(t *testing.T) {
	t.Parallel()
	srv, err := relay.New(relay.Config{ListenAddr: "127.0.0.1:0", Users: map[string]string{"alice": "wonderland"}})
	if err != nil {
		t.Fatalf("relay.New: %v", err)
	}
	t.Cleanup(func() { srv.Close() })
	for _, c := range []struct {
		flag string
		pion bool
	}{{"-v", false}, {"-vv", true}} {
		p := startQRTC(t, "offer "+c.flag, nil, "offer", c.flag, "--stun", "none", "--loopback", "--no-qr", "--turn", srv.URLs()[1], "--turn-user", "alice", "--turn-pass", "looking-glass")
		p.token()
		p.waitStderr(regexp.MustCompile(`rejected`))
		p.waitStderr(regexp.MustCompile(`^qrtc -v: this side's candidate: udp 127\.0\.0\.1:\d+ host$`))
		pion := false
		for _, l := range p.stderr.all() {
			pion = pion || strings.HasPrefix(l, "qrtc -v: pion ")
		}
		if pion != c.pion {
			t.Errorf("qrtc offer %s: pion's log lines shown: %v, want %v; stderr:\n%s", c.flag, pion, c.pion, strings.Join(p.stderr.all(), "\n"))
		}
		p.kill()
	}
}

// startLoopbackCoturn runs coturn's turnserver on a free loopback port with
// the user alice:wonderland, waits until it answers STUN, and returns its
// TURN URL. It is killed by its process id when the test ends.
func startLoopbackCoturn(t *testing.T) string {
	bin, err := exec.LookPath("turnserver")
	if err != nil {
		netns.SkipUnlessRequired(t, fmt.Errorf("coturn's turnserver is not installed (apt-get install coturn): %w", err))
	}
	// A free port: taken, then given back for coturn.
	l, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.LocalAddr().(*net.UDPAddr).Port
	l.Close()
	dir := t.TempDir()
	conf := strings.Join([]string{
		"listening-ip=127.0.0.1", "relay-ip=127.0.0.1", fmt.Sprintf("listening-port=%d", port),
		"min-port=49152", "max-port=65535", "realm=qrtc.test", "fingerprint", "lt-cred-mech", "user=alice:wonderland",
		"no-tls", "no-dtls", "no-tcp", "no-cli", "no-multicast-peers", "no-software-attribute", "log-file=stdout", "simple-log",
		"pidfile=" + filepath.Join(dir, "turnserver.pid"), "userdb=" + filepath.Join(dir, "turndb"),
	}, "\n") + "\n"
	confPath := filepath.Join(dir, "turnserver.conf")
	if err := os.WriteFile(confPath, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-c", confPath)
	var log strings.Builder
	var mu sync.Mutex
	cmd.Stdout, cmd.Stderr = syncWriter{&mu, &log}, syncWriter{&mu, &log}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting turnserver: %v", err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		cmd.Process.Kill() // by its own process id
		<-exited
	})
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	deadline := time.Now().Add(30 * time.Second)
	for !stunAnswersAt(addr) {
		select {
		case <-exited:
			mu.Lock()
			t.Fatalf("turnserver ended before serving:\n%s", log.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("turnserver does not answer STUN at %s after 30s", addr)
		}
	}
	return "turn:" + addr + "?transport=udp"
}

// syncWriter serialises the writes of a process's two output streams.
type syncWriter struct {
	mu *sync.Mutex
	w  *strings.Builder
}

func (s syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// stunAnswersAt sends one STUN binding request to addr and reports
// whether an answer came within 200 ms.
func stunAnswersAt(addr string) bool {
	c, err := net.Dial("udp4", addr)
	if err != nil {
		return false
	}
	defer c.Close()
	req := stun.MustBuild(stun.TransactionID, stun.BindingRequest)
	if _, err := c.Write(req.Raw); err != nil {
		return false
	}
	c.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	buf := make([]byte, 1500)
	n, err := c.Read(buf)
	return err == nil && stun.IsMessage(buf[:n])
}
