package rendezvous

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/qrtc/qrtc/internal/dhtswarm"
)

var (
	swarmOnce sync.Once
	swarm     *dhtswarm.Swarm
	swarmErr  error
)

// testSwarm is one private swarm of 30 loopback nodes shared by the tests.
func testSwarm(t testing.TB) *dhtswarm.Swarm {
	t.Helper()
	swarmOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		swarm, swarmErr = dhtswarm.Start(ctx, dhtswarm.Options{Nodes: 30})
	})
	if swarmErr != nil {
		t.Fatalf("starting the swarm: %v", swarmErr)
	}
	return swarm
}

func dhtOnly(t testing.TB, sw *dhtswarm.Swarm) *Rendezvous {
	t.Helper()
	r, err := New(Config{Bootstrap: sw.Bootstrap(), NoMulticast: true})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(r.Close)
	return r
}

// exchange runs both sides; joinCode is what the joiner typed.
func exchange(ctx context.Context, t *testing.T, off, join *Rendezvous, code, joinCode Code) (gotOffer, gotAnswer string, offErr, joinErr error) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		gotAnswer, offErr = off.Offer(ctx, code, "OFFER-TOKEN")
	}()
	s, joinErr := join.Join(ctx, joinCode)
	if joinErr == nil {
		gotOffer = s.Offer()
		joinErr = s.Answer("ANSWER-TOKEN")
	}
	wg.Wait()
	return
}

func TestExchangeOverDHT(t *testing.T) {
	sw := testSwarm(t)
	a, b := dhtOnly(t, sw), dhtOnly(t, sw)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	code, err := a.NewCode(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	offer, answer, offErr, joinErr := exchange(ctx, t, a, b, code, code)
	if offErr != nil || joinErr != nil {
		t.Fatalf("exchange with code %s: offer side %v, join side %v", code, offErr, joinErr)
	}
	if offer != "OFFER-TOKEN" || answer != "ANSWER-TOKEN" {
		t.Errorf("exchange gave offer %q, answer %q", offer, answer)
	}
	t.Logf("exchange took %v", time.Since(start))
}

func TestWrongCodeBurns(t *testing.T) {
	sw := testSwarm(t)
	a, b := dhtOnly(t, sw), dhtOnly(t, sw)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	code, _ := a.NewCode(ctx, 0)
	wrong := Code{Number: code.Number, Words: []string{code.Words[1], code.Words[0]}}
	if wrong.String() == code.String() {
		wrong.Words[0] = "zebra"
	}
	_, _, offErr, joinErr := exchange(ctx, t, a, b, code, wrong)
	if !errors.Is(offErr, ErrBurned) || !errors.Is(joinErr, ErrBurned) {
		t.Errorf("exchange with a wrong code: offer side %v, join side %v; want ErrBurned on both", offErr, joinErr)
	}
	// The right code now finds the burned session, and says so instead of
	// waiting for a hello that will not come.
	if _, err := dhtOnly(t, sw).Join(ctx, code); !errors.Is(err, ErrBurned) {
		t.Errorf("Join with the right code after a burn: %v, want ErrBurned", err)
	}
}

// TestStaleHelloGivesWay: the hello of an offering side that died before
// anyone joined stays in the DHT; a new session on the same number
// publishes a newer one, and the joiner, who comes after it (as a person
// who heard the code does), answers the newest without burning anything.
func TestStaleHelloGivesWay(t *testing.T) {
	sw := testSwarm(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	slog := newLogLines()
	stale, err := New(Config{Bootstrap: sw.Bootstrap(), NoMulticast: true, Logf: slog.logf})
	if err != nil {
		t.Fatal(err)
	}
	code := Code{Number: 7001, Words: []string{"acid", "acorn"}}
	staleCtx, stop := context.WithCancel(ctx)
	go stale.Offer(staleCtx, Code{Number: 7001, Words: []string{"zebra", "acorn"}}, "STALE")
	// Wait until the stale hello is in the DHT, then kill its side.
	slog.wait(ctx, t, "DHT: stored a 50-byte item")
	if err := dhtOnly(t, sw).CheckFree(ctx, 7001); !errors.Is(err, ErrNumberBusy) {
		t.Fatalf("CheckFree(7001) with a hello published: %v, want ErrNumberBusy", err)
	}
	stop()
	stale.Close()

	alog := newLogLines()
	a, err := New(Config{Bootstrap: sw.Bootstrap(), NoMulticast: true, Logf: alog.logf})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b := dhtOnly(t, sw)
	got := make(chan error, 1)
	go func() {
		answer, err := a.Offer(ctx, code, "OFFER-TOKEN")
		if err == nil && answer != "ANSWER-TOKEN" {
			err = errors.New("answer " + answer)
		}
		got <- err
	}()
	alog.wait(ctx, t, "DHT: stored a 50-byte item") // the live hello
	s, err := b.Join(ctx, code)
	if err != nil {
		t.Fatalf("Join after a stale hello: %v", err)
	}
	if s.Offer() != "OFFER-TOKEN" {
		t.Errorf("Join after a stale hello gave the offer %q", s.Offer())
	}
	if err := s.Answer("ANSWER-TOKEN"); err != nil {
		t.Fatal(err)
	}
	if err := <-got; err != nil {
		t.Errorf("Offer after a stale hello: %v", err)
	}
}

// TestRoutingTableCache: a side that saved its routing table starts from it
// alone, with no bootstrap node.
func TestRoutingTableCache(t *testing.T) {
	sw := testSwarm(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cache := filepath.Join(t.TempDir(), "qrtc", "dht-nodes")
	first, err := New(Config{Bootstrap: sw.Bootstrap(), NoMulticast: true, CacheFile: cache})
	if err != nil {
		t.Fatal(err)
	}
	if err := first.CheckFree(ctx, 7002); err != nil { // a lookup fills the table
		t.Fatal(err)
	}
	first.Close()
	if fi, err := os.Stat(cache); err != nil || fi.Size() == 0 {
		t.Fatalf("the routing table was not saved to %s: %v", cache, err)
	}
	// No bootstrap node at all: only the cache.
	a, err := New(Config{Bootstrap: []string{}, NoMulticast: true, CacheFile: cache})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b := dhtOnly(t, sw)
	code := Code{Number: 7002, Words: []string{"acid", "actor"}}
	_, answer, offErr, joinErr := exchange(ctx, t, a, b, code, code)
	if offErr != nil || joinErr != nil || answer != "ANSWER-TOKEN" {
		t.Errorf("exchange from the cached table: answer %q, errors %v, %v", answer, offErr, joinErr)
	}
}

// TestDHTReached: DHTReached closes once a lookup reached the swarm, and
// stays open when the only bootstrap node does not answer.
func TestDHTReached(t *testing.T) {
	sw := testSwarm(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	dead, err := New(Config{Bootstrap: []string{"127.0.0.1:9"}, NoMulticast: true})
	if err != nil {
		t.Fatal(err)
	}
	defer dead.Close()
	live := dhtOnly(t, sw)
	for _, r := range []*Rendezvous{dead, live} {
		_ = r.CheckFree(ctx, 7003) // starts a lookup
	}
	select {
	case <-live.DHTReached():
	case <-ctx.Done():
		t.Fatal("DHTReached did not close with a live swarm")
	}
	select {
	case <-dead.DHTReached():
		t.Error("DHTReached closed although no node answered")
	default:
	}
}

// TestCloseStopsEverything: after an exchange and Close, the goroutines of
// both sides are gone (the DHT client's slot loops, the servers).
func TestCloseStopsEverything(t *testing.T) {
	sw := testSwarm(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	before := runtime.NumGoroutine()
	a, err := New(Config{Bootstrap: sw.Bootstrap(), NoMulticast: true})
	if err != nil {
		t.Fatal(err)
	}
	b, err := New(Config{Bootstrap: sw.Bootstrap(), NoMulticast: true})
	if err != nil {
		t.Fatal(err)
	}
	code := Code{Number: 7004, Words: []string{"acid", "album"}}
	if _, _, offErr, joinErr := exchange(ctx, t, a, b, code, code); offErr != nil || joinErr != nil {
		t.Fatalf("exchange: %v, %v", offErr, joinErr)
	}
	a.Close()
	b.Close()
	a.Close() // idempotent
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<16)
		t.Errorf("%d goroutines after Close, %d before:\n%s", n, before, buf[:runtime.Stack(buf, true)])
	}
}

// TestLongWait (QRTC_LONG=1): the joiner comes 3 minutes after the code was
// made, as a person reading it over the phone might; by then the offering
// side polls slowly, has republished its hello and looked its slots up
// again.
func TestLongWait(t *testing.T) {
	if os.Getenv("QRTC_LONG") != "1" {
		t.Skip("QRTC_LONG=1 runs the 3-minute wait")
	}
	sw := testSwarm(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	// Each side's progress lines, timed, for -v: where a slow exchange
	// spent its time.
	t0 := time.Now()
	side := func(name string) *Rendezvous {
		logf := func(f string, args ...any) {
			t.Logf("%6.2fs %s: %s", time.Since(t0).Seconds(), name, fmt.Sprintf(f, args...))
		}
		r, err := New(Config{Bootstrap: sw.Bootstrap(), NoMulticast: true, Logf: logf})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(r.Close)
		return r
	}
	a, b := side("offer"), side("join")
	code := Code{Number: 7005, Words: []string{"acid", "adobe"}}
	got := make(chan error, 1)
	go func() {
		answer, err := a.Offer(ctx, code, "OFFER-TOKEN")
		if err == nil && answer != "ANSWER-TOKEN" {
			err = errors.New("answer " + answer)
		}
		got <- err
	}()
	time.Sleep(3 * time.Minute) // the wait under test, not a synchronisation
	start := time.Now()
	s, err := b.Join(ctx, code)
	if err != nil {
		t.Fatalf("Join after 3 minutes: %v", err)
	}
	if err := s.Answer("ANSWER-TOKEN"); err != nil {
		t.Fatal(err)
	}
	if err := <-got; err != nil {
		t.Fatalf("Offer: %v", err)
	}
	t.Logf("exchange %v after a 3-minute wait", time.Since(start))
}

// TestCloseDuringResolve: on a network without DNS the bootstrap names do
// not resolve, and the system's resolver may wait a long time for each;
// Close must not wait for it (a qrtc that found the other side over the
// local network would otherwise hang before its session starts).
func TestCloseDuringResolve(t *testing.T) {
	asked := make(chan struct{}, 1)
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	// A name server that does not answer, and a resolver stuck on it
	// whatever its own time limits.
	blackhole := &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, address string) (net.Conn, error) {
		select {
		case asked <- struct{}{}:
		default:
		}
		<-release
		return nil, errors.New("no name server")
	}}
	r, err := New(Config{Bootstrap: []string{"bootstrap.qrtc.test:6881"}, NoMulticast: true, resolver: blackhole, resolveWait: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	go r.CheckFree(context.Background(), 7007) // starts the lookups; ends with Close
	select {
	case <-asked:
	case <-time.After(30 * time.Second):
		t.Fatal("the bootstrap name was never looked up")
	}
	closed := make(chan struct{})
	go func() {
		r.Close()
		close(closed)
	}()
	select {
	case <-closed:
	case <-time.After(30 * time.Second): // the resolver waits for ever
		t.Fatal("Close waits for the resolution of a bootstrap name")
	}
}
