package peer_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"

	"github.com/qrtc/qrtc/peer"
)

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := testContext(t, time.Minute)
	a, b := newPeer(t, loopback()), newPeer(t, loopback())
	if got := a.Phrase(); got != "" {
		t.Errorf("Phrase() before any description = %q, want \"\"", got)
	}
	offer, answer := exchange(t, ctx, a, b)
	for _, c := range []struct {
		name, sdp string
	}{{"offer", offer}, {"answer", answer}} {
		if !strings.Contains(c.sdp, "a=candidate:") || !strings.Contains(c.sdp, "webrtc-datachannel") {
			t.Errorf("%s has no candidate or no data channel:\n%s", c.name, c.sdp)
		}
		if strings.Contains(c.sdp, ".local") {
			t.Errorf("%s announces an mDNS name; pion must gather plain addresses:\n%s", c.name, c.sdp)
		}
	}
	for _, p := range []*peer.Peer{a, b} {
		if err := p.WaitOpen(ctx); err != nil {
			t.Fatalf("WaitOpen() = %v, want nil", err)
		}
	}
	pa, pb := a.Phrase(), b.Phrase()
	if pa == "" || pa != pb {
		t.Errorf("Phrase() = %q on the offerer and %q on the answerer, want the same non-empty phrase", pa, pb)
	}
	if !regexp.MustCompile(`^[a-z]+ [a-z]+ [a-z]+ [a-z]+$`).MatchString(pa) {
		t.Errorf("Phrase() = %q, want four lower-case words", pa)
	}
	if got := a.MaxMessageSize(); got != peer.DefaultMaxMessageSize {
		t.Errorf("offerer MaxMessageSize() = %d, want %d (the answerer's default)", got, peer.DefaultMaxMessageSize)
	}
	for _, p := range []*peer.Peer{a, b} {
		cands := p.LocalCandidates()
		if len(cands) == 0 || !strings.HasPrefix(cands[0], "candidate:") || !strings.Contains(cands[0], " typ host") {
			t.Errorf("LocalCandidates() = %q, want host candidate lines", cands)
		}
		if w := p.GatherWarnings(); len(w) != 0 {
			t.Errorf("GatherWarnings() = %q without ICE servers, want none", w)
		}
	}
	for i, m := range []string{"hello", "", "ünïcødé ✓", strings.Repeat("x", 60000)} {
		from, to := a, b
		if i%2 == 1 {
			from, to = b, a
		}
		if err := from.Send(ctx, m); err != nil {
			t.Fatalf("Send(%.20q) = %v, want nil", m, err)
		}
		got, err := to.Receive(ctx)
		if err != nil || got != m {
			t.Fatalf("Receive() = %.20q, %v; want %.20q, nil", got, err, m)
		}
	}
}

// message returns the i-th message of a stream: about 500 bytes whose
// content depends on i, so that loss, duplication or reordering shows.
func message(i int) string {
	r := rand.New(rand.NewPCG(uint64(i), 42))
	b := make([]byte, 400+r.IntN(200))
	for j := range b {
		b[j] = byte(' ' + r.IntN(95))
	}
	return fmt.Sprintf("%d:%s", i, b)
}

// TestManyMessages sends 100,000 messages (about 50 MB) and ends with
// Shutdown: the other side must get every byte, in order, then io.EOF.
func TestManyMessages(t *testing.T) {
	t.Parallel()
	const n = 100000
	ctx := testContext(t, 5*time.Minute)
	a, b := connected(t, ctx, loopback(), loopback())

	sent := sha256.New()
	errc := make(chan error, 1)
	go func() {
		for i := range n {
			m := message(i)
			sent.Write([]byte(m + "\n"))
			if err := a.Send(ctx, m); err != nil {
				errc <- fmt.Errorf("Send(message %d) = %w", i, err)
				return
			}
		}
		errc <- a.Shutdown(ctx)
	}()

	got := sha256.New()
	count, size := 0, 0
	for {
		m, err := b.Receive(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("Receive() after %d messages = %v, want a message or io.EOF", count, err)
		}
		if count < n && m != message(count) {
			t.Fatalf("message %d = %.30q, want %.30q", count, m, message(count))
		}
		got.Write([]byte(m + "\n"))
		count++
		size += len(m)
	}
	if err := <-errc; err != nil {
		t.Fatalf("sender: %v", err)
	}
	if count != n || string(got.Sum(nil)) != string(sent.Sum(nil)) {
		t.Fatalf("received %d messages with SHA-256 %x, want %d with %x", count, got.Sum(nil), n, sent.Sum(nil))
	}
	t.Logf("%d messages, %d bytes, identical", count, size)
}

func TestShutdown(t *testing.T) {
	t.Parallel()
	ctx := testContext(t, time.Minute)
	a, b := connected(t, ctx, loopback(), loopback())
	for i := range 100 {
		if err := a.Send(ctx, message(i)); err != nil {
			t.Fatalf("Send(message %d) = %v", i, err)
		}
	}
	if err := a.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown() = %v, want nil", err)
	}
	for i := range 100 {
		m, err := b.Receive(ctx)
		if err != nil || m != message(i) {
			t.Fatalf("Receive() = %.30q, %v; want message %d", m, err, i)
		}
	}
	if m, err := b.Receive(ctx); !errors.Is(err, io.EOF) {
		t.Fatalf("Receive() after the other side's Shutdown = %.30q, %v; want io.EOF", m, err)
	}
	if err := b.Send(ctx, "anyone?"); !errors.Is(err, peer.ErrClosed) {
		t.Errorf("Send() after the other side's Shutdown = %v, want ErrClosed", err)
	}
	if _, err := a.Receive(ctx); !errors.Is(err, peer.ErrClosed) {
		t.Errorf("Receive() after own Shutdown = %v, want ErrClosed", err)
	}
	if err := a.Send(ctx, "late"); !errors.Is(err, peer.ErrClosed) {
		t.Errorf("Send() after own Shutdown = %v, want ErrClosed", err)
	}
	if err := a.Shutdown(ctx); err != nil {
		t.Errorf("second Shutdown() = %v, want nil", err)
	}
	if err := a.Close(); err != nil {
		t.Errorf("Close() after Shutdown = %v, want nil", err)
	}
}

func TestMessageTooLarge(t *testing.T) {
	t.Parallel()
	ctx := testContext(t, time.Minute)
	small := loopback()
	small.MaxMessageSize = 4096
	a, b := connected(t, ctx, loopback(), small)
	if got := a.MaxMessageSize(); got != 4096 {
		t.Fatalf("MaxMessageSize() = %d, want 4096 (the answerer's limit)", got)
	}
	err := a.Send(ctx, strings.Repeat("y", 4097))
	if !errors.Is(err, peer.ErrMessageTooLarge) || !strings.Contains(err.Error(), "4096") {
		t.Fatalf("Send(4097 bytes) = %v, want ErrMessageTooLarge naming the limit 4096", err)
	}
	full := strings.Repeat("z", 4096)
	if err := a.Send(ctx, full); err != nil {
		t.Fatalf("Send(4096 bytes) = %v, want nil", err)
	}
	if got, err := b.Receive(ctx); err != nil || got != full {
		t.Fatalf("Receive() = %d bytes, %v; want the 4096-byte message", len(got), err)
	}
}

// TestCloseWithoutShutdown: the other side's Receive reports ErrPeerGone,
// not io.EOF, when this side closes without Shutdown.
func TestCloseWithoutShutdown(t *testing.T) {
	t.Parallel()
	ctx := testContext(t, time.Minute)
	a, b := connected(t, ctx, loopback(), loopback())
	if err := a.Send(ctx, "last words"); err != nil {
		t.Fatalf("Send() = %v", err)
	}
	if m, err := b.Receive(ctx); err != nil || m != "last words" {
		t.Fatalf("Receive() = %q, %v; want \"last words\"", m, err)
	}
	if err := a.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	if m, err := b.Receive(ctx); !errors.Is(err, peer.ErrPeerGone) {
		t.Fatalf("Receive() after the other side's Close = %q, %v; want ErrPeerGone", m, err)
	}
	if err := b.Send(ctx, "hello?"); !errors.Is(err, peer.ErrPeerGone) {
		t.Errorf("Send() after the other side's Close = %v, want ErrPeerGone", err)
	}
}

func TestCloseIdempotent(t *testing.T) {
	ctx := testContext(t, time.Minute)
	for _, stage := range []string{"new", "offered", "answered", "connected"} {
		t.Run(stage, func(t *testing.T) {
			a, err := peer.New(loopback())
			if err != nil {
				t.Fatal(err)
			}
			b, err := peer.New(loopback())
			if err != nil {
				t.Fatal(err)
			}
			defer b.Close()
			if stage != "new" {
				offer, err := a.Offer(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if stage != "offered" {
					answer, err := b.Answer(ctx, offer)
					if err != nil {
						t.Fatal(err)
					}
					if stage == "connected" {
						if err := a.Accept(ctx, answer); err != nil {
							t.Fatal(err)
						}
						if err := a.WaitOpen(ctx); err != nil {
							t.Fatal(err)
						}
					}
				}
			}
			for i := range 3 {
				if err := a.Close(); err != nil {
					t.Errorf("Close() #%d = %v, want nil", i+1, err)
				}
			}
			if err := a.Shutdown(ctx); err != nil {
				t.Errorf("Shutdown() after Close = %v, want nil", err)
			}
			if _, err := a.Receive(ctx); !errors.Is(err, peer.ErrClosed) {
				t.Errorf("Receive() after Close = %v, want ErrClosed", err)
			}
			if err := a.Send(ctx, "x"); !errors.Is(err, peer.ErrClosed) {
				t.Errorf("Send() after Close = %v, want ErrClosed", err)
			}
			if _, err := a.Offer(ctx); err == nil {
				t.Errorf("Offer() after Close = nil error, want one")
			}
		})
	}
}

// TestNoGoroutineLeak runs whole sessions and checks that Close leaves no
// goroutine behind. It does not run in parallel: it counts goroutines.
func TestNoGoroutineLeak(t *testing.T) {
	ctx := testContext(t, time.Minute)
	before := len(peerGoroutines())
	for _, end := range []string{"shutdown", "close"} {
		a, err := peer.New(loopback())
		if err != nil {
			t.Fatal(err)
		}
		b, err := peer.New(loopback())
		if err != nil {
			t.Fatal(err)
		}
		exchange(t, ctx, a, b)
		// Leave messages unread in b's queue and a Receive waiting on a.
		for i := range 3 {
			if err := a.Send(ctx, message(i)); err != nil {
				t.Fatal(err)
			}
		}
		done := make(chan error, 1)
		go func() { _, err := a.Receive(ctx); done <- err }()
		if end == "shutdown" {
			if err := a.Shutdown(ctx); err != nil {
				t.Errorf("Shutdown() = %v", err)
			}
		} else if err := a.Close(); err != nil {
			t.Errorf("Close() = %v", err)
		}
		if err := <-done; !errors.Is(err, peer.ErrClosed) {
			t.Errorf("pending Receive() after %s = %v, want ErrClosed", end, err)
		}
		if err := b.Close(); err != nil {
			t.Errorf("Close() = %v", err)
		}
	}
	waitGoroutines(t, before)
}

func TestWrongDescriptions(t *testing.T) {
	t.Parallel()
	ctx := testContext(t, time.Minute)
	// A real offer and answer to misuse.
	a, b := newPeer(t, loopback()), newPeer(t, loopback())
	offer, err := a.Offer(ctx)
	if err != nil {
		t.Fatal(err)
	}
	answer, err := b.Answer(ctx, offer)
	if err != nil {
		t.Fatal(err)
	}
	audio, err := os.ReadFile("testdata/audio-offer.sdp")
	if err != nil {
		t.Fatal(err)
	}
	noFingerprint := regexp.MustCompile(`a=fingerprint:[^\r\n]*\r\n`).ReplaceAllString(offer, "")
	rejected := strings.Replace(answer, "m=application 9 ", "m=application 0 ", 1)
	rejected = regexp.MustCompile(`m=application \d+ `).ReplaceAllString(rejected, "m=application 0 ")

	for _, tc := range []struct {
		name   string
		answer bool // call Answer on a fresh Peer; otherwise Accept on a fresh offerer
		sdp    string
		want   error
	}{
		{"answer given an answer", true, answer, peer.ErrNotOffer},
		{"answer given audio only", true, string(audio), peer.ErrNoDataChannel},
		{"answer given text", true, "hello there", peer.ErrBadDescription},
		{"answer given nothing", true, "", peer.ErrBadDescription},
		{"answer given no fingerprint", true, noFingerprint, peer.ErrBadDescription},
		{"answer given 100 kB", true, strings.Repeat("a", 100000), peer.ErrBadDescription},
		{"accept given an offer", false, offer, peer.ErrNotAnswer},
		{"accept given a rejected channel", false, rejected, peer.ErrNoDataChannel},
		{"accept given text", false, "v=0\r\nbogus", peer.ErrBadDescription},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newPeer(t, loopback())
			if tc.answer {
				if _, err := p.Answer(ctx, tc.sdp); !errors.Is(err, tc.want) {
					t.Errorf("Answer(%.30q) = %v, want %v", tc.sdp, err, tc.want)
				}
				return
			}
			if _, err := p.Offer(ctx); err != nil {
				t.Fatal(err)
			}
			if err := p.Accept(ctx, tc.sdp); !errors.Is(err, tc.want) {
				t.Errorf("Accept(%.30q) = %v, want %v", tc.sdp, err, tc.want)
			}
		})
	}

	t.Run("out of order", func(t *testing.T) {
		p := newPeer(t, loopback())
		if err := p.Accept(ctx, answer); !errors.Is(err, peer.ErrWrongState) {
			t.Errorf("Accept() before Offer = %v, want ErrWrongState", err)
		}
		if _, err := p.Offer(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := p.Offer(ctx); !errors.Is(err, peer.ErrWrongState) {
			t.Errorf("second Offer() = %v, want ErrWrongState", err)
		}
		if _, err := p.Answer(ctx, offer); !errors.Is(err, peer.ErrWrongState) {
			t.Errorf("Answer() on an offerer = %v, want ErrWrongState", err)
		}
	})
}

func TestBadConfig(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		cfg  peer.Config
		want error
	}{
		{"ufrag too short", peer.Config{ICEUfrag: "abc", ICEPwd: strings.Repeat("p", 22)}, peer.ErrBadCredentials},
		{"pwd too short", peer.Config{ICEUfrag: "abcd", ICEPwd: strings.Repeat("p", 21)}, peer.ErrBadCredentials},
		{"ufrag alone", peer.Config{ICEUfrag: "abcd"}, peer.ErrBadCredentials},
		{"pwd alone", peer.Config{ICEPwd: strings.Repeat("p", 22)}, peer.ErrBadCredentials},
		{"bad character", peer.Config{ICEUfrag: "ab:d", ICEPwd: strings.Repeat("p", 22)}, peer.ErrBadCredentials},
		{"ufrag too long", peer.Config{ICEUfrag: strings.Repeat("u", 257), ICEPwd: strings.Repeat("p", 22)}, peer.ErrBadCredentials},
		{"negative gather timeout", peer.Config{GatherTimeout: -time.Second}, peer.ErrBadConfig},
		{"tiny peer-gone timeout", peer.Config{PeerGoneTimeout: time.Second}, peer.ErrBadConfig},
		{"tiny max message", peer.Config{MaxMessageSize: 10}, peer.ErrBadConfig},
		{"bad ICE URL", peer.Config{ICEServers: []webrtc.ICEServer{{URLs: []string{"http://example.invalid"}}}}, peer.ErrBadConfig},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := peer.New(tc.cfg)
			if !errors.Is(err, tc.want) {
				if p != nil {
					p.Close()
				}
				t.Fatalf("New(%s) = %v, want %v", tc.name, err, tc.want)
			}
		})
	}
}

func TestCredentials(t *testing.T) {
	t.Parallel()
	ctx := testContext(t, time.Minute)
	cfg := loopback()
	cfg.ICEUfrag, cfg.ICEPwd = "Ab+/", "0123456789abcdefABCDEF"
	p := newPeer(t, cfg)
	offer, err := p.Offer(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"a=ice-ufrag:Ab+/\r\n", "a=ice-pwd:0123456789abcdefABCDEF\r\n"} {
		if !strings.Contains(offer, want) {
			t.Errorf("Offer() has no %q:\n%s", want, offer)
		}
	}
}

// TestContextCancel checks that every waiting call returns when its
// context ends.
func TestContextCancel(t *testing.T) {
	t.Parallel()
	ctx := testContext(t, time.Minute)
	cancelled, cancel := context.WithCancel(ctx)
	cancel()

	silent := silentSTUN(t)
	t.Run("offer while gathering", func(t *testing.T) {
		cfg := loopback()
		cfg.ICEServers = silent
		cfg.GatherTimeout = time.Minute
		p := newPeer(t, cfg)
		short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
		defer cancel()
		if _, err := p.Offer(short); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Offer(ctx ending during gathering) = %v, want context.DeadlineExceeded", err)
		}
	})
	t.Run("answer while gathering", func(t *testing.T) {
		o := newPeer(t, loopback())
		offer, err := o.Offer(ctx)
		if err != nil {
			t.Fatal(err)
		}
		cfg := loopback()
		cfg.ICEServers = silent
		cfg.GatherTimeout = time.Minute
		p := newPeer(t, cfg)
		short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
		defer cancel()
		if _, err := p.Answer(short, offer); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Answer(ctx ending during gathering) = %v, want context.DeadlineExceeded", err)
		}
	})
	t.Run("accept", func(t *testing.T) {
		p := newPeer(t, loopback())
		if _, err := p.Offer(ctx); err != nil {
			t.Fatal(err)
		}
		if err := p.Accept(cancelled, "v=0"); !errors.Is(err, context.Canceled) {
			t.Errorf("Accept(cancelled) = %v, want context.Canceled", err)
		}
	})
	t.Run("wait open, send, receive before connecting", func(t *testing.T) {
		p := newPeer(t, loopback())
		if _, err := p.Offer(ctx); err != nil {
			t.Fatal(err)
		}
		short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		defer cancel()
		if err := p.WaitOpen(short); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("WaitOpen(ctx that ends) = %v, want context.DeadlineExceeded", err)
		}
		if err := p.Send(cancelled, "x"); !errors.Is(err, context.Canceled) {
			t.Errorf("Send(cancelled) before open = %v, want context.Canceled", err)
		}
		if _, err := p.Receive(cancelled); !errors.Is(err, context.Canceled) {
			t.Errorf("Receive(cancelled) = %v, want context.Canceled", err)
		}
	})
	t.Run("receive and shutdown when connected", func(t *testing.T) {
		a, b := connected(t, ctx, loopback(), loopback())
		short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
		defer cancel()
		if _, err := b.Receive(short); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Receive(ctx that ends) with nothing sent = %v, want context.DeadlineExceeded", err)
		}
		if err := a.Shutdown(cancelled); !errors.Is(err, context.Canceled) {
			t.Errorf("Shutdown(cancelled) = %v, want context.Canceled", err)
		}
		if err := a.Send(ctx, "x"); !errors.Is(err, peer.ErrClosed) {
			t.Errorf("Send() after a cancelled Shutdown = %v, want ErrClosed", err)
		}
	})
}

// silentSTUN returns an ICE server list naming a UDP socket on 127.0.0.1
// that never answers.
func silentSTUN(t testing.TB) []webrtc.ICEServer {
	t.Helper()
	conn, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen for the silent STUN server: %v", err)
	}
	t.Cleanup(func() { conn.Close() })
	return []webrtc.ICEServer{{URLs: []string{"stun:" + conn.LocalAddr().String()}}}
}
