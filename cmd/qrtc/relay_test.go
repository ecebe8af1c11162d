package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pion/turn/v5"
	"github.com/qrtc/qrtc/relay"
)

// relayStderr is a stderr that a running "qrtc relay" writes to while the
// test reads it.
type relayStderr struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *relayStderr) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *relayStderr) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// TestRelayCommand runs "qrtc relay" in process, relays a datagram through
// it with a pion/turn client, then stops it as Ctrl-C does.
func TestRelayCommand(t *testing.T) {
	t.Parallel()
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	outR, outW := io.Pipe()
	stderr := &relayStderr{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"relay", "--listen", "127.0.0.1:0", "--user", "alice=wonderland",
			"--allow-loopback-peers", "--max-allocs", "1", "--bandwidth", "1MB/s"}, strings.NewReader(""), outW, stderr)
		outW.Close()
	}()

	// stdout: the STUN URL, then the TURN URL.
	lines := bufio.NewScanner(outR)
	var urls []string
	for len(urls) < 2 && lines.Scan() {
		urls = append(urls, lines.Text())
	}
	go io.Copy(io.Discard, outR)
	if len(urls) != 2 || !strings.HasPrefix(urls[0], "stun:127.0.0.1:") || urls[1] != "turn:"+strings.TrimPrefix(urls[0], "stun:")+"?transport=udp" {
		stop()
		t.Fatalf("qrtc relay printed %q on stdout; want a stun: and a turn: URL on 127.0.0.1; stderr:\n%s (exit: %v)", urls, stderr, <-done)
	}
	server := strings.TrimPrefix(urls[0], "stun:")

	conn, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	client, err := turn.NewClient(&turn.ClientConfig{
		STUNServerAddr: server, TURNServerAddr: server,
		Username: "alice", Password: "wonderland", Realm: relay.DefaultRealm, Conn: conn,
	})
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	if err := client.Listen(); err != nil {
		t.Fatal(err)
	}
	relayed, err := client.Allocate()
	if err != nil {
		t.Fatalf("Allocate() through qrtc relay = %v; stderr:\n%s", err, stderr)
	}
	peer, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	if _, err := relayed.WriteTo([]byte("ping"), peer.LocalAddr()); err != nil {
		t.Fatal(err)
	}
	_ = peer.SetReadDeadline(time.Now().Add(10 * time.Second))
	buf := make([]byte, 100)
	if n, _, err := peer.ReadFrom(buf); err != nil || string(buf[:n]) != "ping" {
		t.Fatalf("peer read %q, %v; want \"ping\" relayed by qrtc relay", buf[:n], err)
	}

	stop() // as Ctrl-C does
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("qrtc relay after Ctrl-C returned %v; want nil (exit 0)", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("qrtc relay still running 10s after Ctrl-C")
	}
	log := stderr.String()
	for _, want := range []string{
		`allocation created: user "alice"`,
		`allocation ended: user "alice"`,
		"relayed 4 bytes to peers",
		`relay: total for user "alice": 1 allocations, 4 bytes to peers`,
	} {
		if !strings.Contains(log, want) {
			t.Errorf("qrtc relay stderr lacks %q:\n%s", want, log)
		}
	}
}

func TestRelayCommandMakeCredentials(t *testing.T) {
	t.Setenv(relaySecretEnv, "north wind")
	var out, errOut bytes.Buffer
	before := time.Now()
	err := run(context.Background(), []string{"relay", "--make-credentials", "bob", "--ttl", "2h"}, strings.NewReader(""), &out, &errOut)
	if err != nil {
		t.Fatalf("qrtc relay --make-credentials bob = %v; stderr %q", err, errOut.String())
	}
	got := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(got) != 2 {
		t.Fatalf("qrtc relay --make-credentials printed %q; want a username and a password line", out.String())
	}
	// The expiry second is now+2h for some "now" during the call.
	for now := before.Truncate(time.Second); !now.After(time.Now()); now = now.Add(time.Second) {
		if u, p := relay.TURNRESTCredentials("north wind", "bob", 2*time.Hour, now); u == got[0] && p == got[1] {
			return
		}
	}
	t.Errorf("qrtc relay --make-credentials printed %q; want relay.TURNRESTCredentials(secret, \"bob\", 2h, now)", got)
}

func TestRelayCommandBadFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"all interfaces, no public IP", []string{"--user", "a=b"}, "--public-ip"},
		{"bad bandwidth", []string{"--listen", "127.0.0.1:0", "--bandwidth", "fast"}, "bad bandwidth"},
		{"bad port range", []string{"--listen", "127.0.0.1:0", "--relay-ports", "1-2-3"}, "MIN-MAX"},
		{"user without password", []string{"--listen", "127.0.0.1:0", "--user", "alice"}, "NAME=PASSWORD"},
		{"credentials without secret", []string{"--make-credentials", "bob"}, "--secret"},
		{"argument", []string{"now"}, "unexpected argument"},
		{"bad --allow-peer", []string{"--listen", "127.0.0.1:0", "--allow-peer", "lan"}, "CIDR"},
		{"bad --deny-peer", []string{"--listen", "127.0.0.1:0", "--deny-peer", "10.0.0.0/33"}, "CIDR"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := run(context.Background(), append([]string{"relay"}, tt.args...), strings.NewReader(""), &out, &errOut)
			var ee *exitError
			if !errors.As(err, &ee) || ee.code != exitBadInput || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("qrtc relay %q = %v; want exit code %d and an error mentioning %q", tt.args, err, exitBadInput, tt.want)
			}
			if out.Len() != 0 {
				t.Errorf("qrtc relay %q wrote %q on stdout; want nothing", tt.args, out.String())
			}
		})
	}
}

func TestPrefixFlags(t *testing.T) {
	var p prefixFlags
	for _, v := range []string{"192.168.1.0/24", "10.0.0.7", "fd00::/8"} {
		if err := p.Set(v); err != nil {
			t.Fatalf("prefixFlags.Set(%q) = %v; want nil", v, err)
		}
	}
	if got, want := p.String(), "192.168.1.0/24,10.0.0.7/32,fd00::/8"; got != want {
		t.Errorf("prefixFlags after three Set calls = %q; want %q", got, want)
	}
}

// TestRelayWords: the relay's errors and log lines name flags, not the
// Config fields behind them.
func TestRelayWords(t *testing.T) {
	for in, want := range map[string]string{
		"refused peer 127.0.0.1: loopback peers are not allowed (Config.AllowLoopbackPeers)": "refused peer 127.0.0.1: loopback peers are not allowed (--allow-loopback-peers)",
		"listening on \"0.0.0.0:3478\" (every interface) needs PublicIP":                     "listening on \"0.0.0.0:3478\" (every interface) needs --public-ip",
		"MaxAllocationsPerUser is -1; use 0 for no cap":                                      "--max-allocs is -1; use 0 for no cap",
	} {
		if got := relayWords(in); got != want {
			t.Errorf("relayWords(%q) = %q, want %q", in, got, want)
		}
	}
}
