package rendezvous

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qrtc/qrtc/cpace"
)

// logLines collects a Rendezvous's progress lines and signals each one.
type logLines struct {
	mu    sync.Mutex
	lines []string
	ch    chan string
}

func newLogLines() *logLines { return &logLines{ch: make(chan string, 256)} }

func (l *logLines) logf(format string, args ...any) {
	s := fmt.Sprintf(format, args...)
	l.mu.Lock()
	l.lines = append(l.lines, s)
	l.mu.Unlock()
	select {
	case l.ch <- s:
	default:
	}
}

// wait returns at the first line from now on that starts with prefix; t
// fails if ctx ends first (nil: it just returns).
func (l *logLines) wait(ctx context.Context, t *testing.T, prefix string) {
	for {
		select {
		case s := <-l.ch:
			if strings.HasPrefix(s, prefix) {
				return
			}
		case <-ctx.Done():
			if t == nil {
				return
			}
			l.mu.Lock()
			defer l.mu.Unlock()
			t.Fatalf("no progress line %q; lines: %q", prefix, l.lines)
		}
	}
}

// guesser plays an attacker who writes the offering slot of a number with
// hellos made from guessed codes, reads the joins that come back, and
// checks each guess against the join's confirmation tag, offline.
type guesser struct {
	t      *testing.T
	r      *Rendezvous
	log    *logLines
	number int
	joins  chan item
}

func newGuesser(t *testing.T, r *Rendezvous, log *logLines, number int) *guesser {
	g := &guesser{t: t, r: r, log: log, number: number}
	other := slotFor(number, roleJoin)
	g.joins = r.subscribe(&other)
	return g
}

// hello publishes a hello made from guess and waits until it is stored;
// it returns the session id and the CPace state.
func (g *guesser) hello(ctx context.Context, guess Code) ([sidSize]byte, *cpace.State) {
	g.t.Helper()
	var sidA [sidSize]byte
	rand.Read(sidA[:])
	a, err := cpace.Start(rand.Reader, cpace.Initiator, []byte(guess.String()), channelID, sidA[:], nil)
	if err != nil {
		g.t.Fatal(err)
	}
	own := slotFor(g.number, roleOffer)
	g.r.publish(&own, (&message{typ: typeHello, sidA: sidA, share: a.Share()}).marshal())
	g.log.wait(ctx, g.t, "DHT: stored a 50-byte item")
	return sidA, a
}

// join waits for the joiner's join to the hello sidA and reports whether
// the guess was right, as the attacker can tell from the tag.
func (g *guesser) join(ctx context.Context, sidA [sidSize]byte, a *cpace.State) (right bool, ok bool) {
	for {
		select {
		case it := <-g.joins:
			m, err := parseMessage(it.msg)
			if err != nil || m.typ != typeJoin || m.sidA != sidA {
				continue
			}
			isk, err := a.Finish(m.share, m.sidB[:])
			if err != nil {
				return false, true
			}
			k, err := deriveKeys(isk, sidA, m.sidB)
			if err != nil {
				g.t.Fatal(err)
			}
			_, err = open(k.join, m)
			return err == nil, true
		case <-ctx.Done():
			return false, false
		}
	}
}

// TestJoinerAnswersOneHello: an attacker who overwrites the offering slot
// of a number gets one join from the joining side, so one guess of the
// code (the join's tag tells whether the guess was right). A second hello
// of the attacker, newer, must not be answered: that would be a second
// guess, and a third, as many as the attacker has time for. The joining
// side ignores it, and once it has waited in vain stops with
// ErrContested, without answering.
func TestJoinerAnswersOneHello(t *testing.T) {
	sw := testSwarm(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	code := Code{Number: 7006, Words: []string{"acid", "acorn"}}
	alog := newLogLines()
	attacker, err := New(Config{Bootstrap: sw.Bootstrap(), NoMulticast: true, Logf: alog.logf})
	if err != nil {
		t.Fatal(err)
	}
	defer attacker.Close()
	g := newGuesser(t, attacker, alog, code.Number)
	sid1, a1 := g.hello(ctx, Code{Number: code.Number, Words: []string{"zebra", "acorn"}})

	jlog := newLogLines()
	joiner, err := New(Config{Bootstrap: sw.Bootstrap(), NoMulticast: true, Logf: jlog.logf, rivalWait: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer joiner.Close()
	joined := make(chan error, 1)
	go func() {
		_, err := joiner.Join(ctx, code)
		joined <- err
	}()
	if right, ok := g.join(ctx, sid1, a1); !ok {
		t.Fatal("the joining side never answered the attacker's first hello")
	} else if right {
		t.Fatal("a wrong guess passed the join's confirmation")
	}

	// The second guess.
	sid2, a2 := g.hello(ctx, Code{Number: code.Number, Words: []string{"zebra", "actor"}})
	jctx, jcancel := context.WithCancel(ctx)
	answered := make(chan bool, 1)
	go func() {
		_, ok := g.join(jctx, sid2, a2)
		answered <- ok
	}()
	// Either the joining side answers the second hello (a second guess), or
	// it says that it saw and ignored it.
	ignored := make(chan struct{})
	go func() { // ends with ctx
		jlog.wait(jctx, nil, "another hello on number 7006")
		close(ignored)
	}()
	select {
	case ok := <-answered:
		if ok {
			t.Fatal("the joining side answered a second hello: the attacker got a second guess")
		}
		t.Fatal("neither a second join nor a line saying the second hello was ignored")
	case <-ignored:
	}
	if err := <-joined; !errors.Is(err, ErrContested) {
		t.Errorf("Join with a second hello of an attacker: %v, want ErrContested", err)
	}
	jcancel()
	if <-answered {
		t.Error("the joining side answered a second hello: the attacker got a second guess")
	}
}
