package rendezvous

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"github.com/qrtc/qrtc/cpace"
)

// Config sets up a Rendezvous. The zero value uses the public mainline DHT
// and the local network.
type Config struct {
	// Bootstrap lists DHT nodes as host:port to start from; nil means
	// DefaultBootstrap (the public mainline DHT). An empty, non-nil list
	// with NoDHT unset starts from the cache only.
	Bootstrap []string
	// NoDHT turns the DHT off (the local network only).
	NoDHT bool
	// CacheFile keeps the DHT routing table between runs for fast starts
	// ("" for none); see DefaultCacheFile.
	CacheFile string
	// DHTListen is the local UDP address of the DHT client (default
	// ":0"); DHTConn, if set, is used instead (tests wrap it to imitate
	// delay and loss).
	DHTListen string
	DHTConn   net.PacketConn
	// Multicast is the group:port of the local-network path (default
	// DefaultMulticast); NoMulticast turns it off.
	Multicast   string
	NoMulticast bool
	// PollInterval is how often the closest nodes are asked for the other
	// side's item and multicast items are sent (default 300 ms).
	PollInterval time.Duration
	// Rand is the source of randomness (default crypto/rand).
	Rand io.Reader
	// Logf, if set, receives progress lines (which transport delivered
	// what), for a -v flag.
	Logf func(format string, args ...any)

	// rivalWait replaces the default of the joining side's wait for its
	// session once another hello came (tests).
	rivalWait time.Duration
	// resolver replaces net.DefaultResolver for bootstrap host names, and
	// resolveWait the time one name may take (tests).
	resolver    *net.Resolver
	resolveWait time.Duration
}

func (c *Config) pollInterval() time.Duration {
	if c.PollInterval > 0 {
		return c.PollInterval
	}
	return 300 * time.Millisecond
}
func (c *Config) queryTimeout() time.Duration     { return 600 * time.Millisecond }
func (c *Config) lookupTimeout() time.Duration    { return 5 * time.Second }
func (c *Config) relookupInterval() time.Duration { return 60 * time.Second }
func (c *Config) republishInterval() time.Duration {
	return 20 * time.Second
}
func (c *Config) sendRate() float64 { return 200 }

// resolveTimeout bounds the resolution of one bootstrap host name.
func (c *Config) resolveTimeout() time.Duration {
	if c.resolveWait > 0 {
		return c.resolveWait
	}
	return 5 * time.Second
}

// settleFor is how long the joining side gathers hellos after the first
// one before it answers the newest, unless the DHT lookup of the offering
// slot ends sooner.
func (c *Config) settleFor() time.Duration { return time.Second }

// rivalWaitFor is how long the joining side still waits for the offer of
// the hello it answered once another, newer hello came, before it gives
// up (ErrContested).
func (c *Config) rivalWaitFor() time.Duration {
	if c.rivalWait > 0 {
		return c.rivalWait
	}
	return 15 * time.Second
}

// liveFor is how old an item may be and still show a waiting session (its
// side republishes every 20 s).
const liveFor = 2 * time.Minute

// channelID is CPace's CI: it binds the run to this protocol and version.
var channelID = []byte("qrtc rendezvous v1")

// Rendezvous finds the other side of a code over the DHT and the local
// network. Close it when done.
type Rendezvous struct {
	cfg    Config
	rand   io.Reader
	dht    *dhtTransport
	mc     *multicastTransport
	mu     sync.Mutex
	subs   map[[20]byte]chan item
	closed chan struct{}
	once   sync.Once
	// Warnings says why a transport is off (e.g. no multicast interface).
	warnings []string
}

// item is one message as a transport delivered it.
type item struct {
	seq int64
	msg []byte
	via string
}

// New starts the transports: the DHT client and the multicast listener.
// It fails only if neither can start.
func New(cfg Config) (*Rendezvous, error) {
	r := &Rendezvous{cfg: cfg, rand: cfg.Rand, subs: map[[20]byte]chan item{}, closed: make(chan struct{})}
	if r.rand == nil {
		r.rand = rand.Reader
	}
	if !cfg.NoDHT {
		d, err := newDHT(r, &r.cfg)
		if err != nil {
			r.warnings = append(r.warnings, fmt.Sprintf("DHT off: %v", err))
		} else {
			r.dht = d
		}
	}
	if !cfg.NoMulticast {
		group := cfg.Multicast
		if group == "" {
			group = DefaultMulticast
		}
		m, err := newMulticast(r, group)
		if err != nil {
			r.warnings = append(r.warnings, fmt.Sprintf("local network path off: %v", err))
		} else {
			r.mc = m
		}
	}
	if r.dht == nil && r.mc == nil {
		return nil, fmt.Errorf("%w: %v", ErrNoTransport, r.warnings)
	}
	return r, nil
}

// DHTReached is closed once a DHT lookup has reached a node; it is never
// closed when the DHT is off or no bootstrap node answers, so a caller can
// warn that only the local network is in use.
func (r *Rendezvous) DHTReached() <-chan struct{} {
	if r.dht == nil {
		return nil
	}
	return r.dht.lookOK
}

// Warnings says which transport could not start, and why.
func (r *Rendezvous) Warnings() []string { return append([]string(nil), r.warnings...) }

// Closed is closed by Close.
func (r *Rendezvous) Closed() <-chan struct{} { return r.closed }

// Close stops the transports. It is idempotent.
func (r *Rendezvous) Close() {
	r.once.Do(func() {
		close(r.closed)
		if r.dht != nil {
			r.dht.close()
		}
		if r.mc != nil {
			r.mc.close()
		}
	})
}

func (r *Rendezvous) logf(format string, args ...any) {
	if r.cfg.Logf != nil {
		r.cfg.Logf(format, args...)
	}
}

// subscribe returns the channel of the items of slot s and asks the
// transports to watch it.
func (r *Rendezvous) subscribe(s *slot) chan item {
	r.mu.Lock()
	ch, ok := r.subs[s.target]
	if !ok {
		ch = make(chan item, 64)
		r.subs[s.target] = ch
	}
	r.mu.Unlock()
	if r.dht != nil {
		r.dht.watch(s)
	}
	return ch
}

// publish makes msg this side's item of slot s on every transport.
func (r *Rendezvous) publish(s *slot, msg []byte) {
	if r.dht != nil {
		r.dht.publish(s, msg)
	}
	if r.mc != nil {
		r.mc.publish(s, msg)
	}
}

func (r *Rendezvous) deliver(s *slot, seq int64, msg []byte, via string) {
	r.deliverTarget(s.target, seq, msg, via)
}

// deliverTarget hands an item to the session watching its slot; items of
// other slots, and items that come faster than they are read, are dropped
// (they come again).
func (r *Rendezvous) deliverTarget(target [20]byte, seq int64, msg []byte, via string) {
	r.mu.Lock()
	ch := r.subs[target]
	r.mu.Unlock()
	if ch == nil {
		return
	}
	select {
	case ch <- item{seq: seq, msg: msg, via: via}:
	default:
	}
}

// NewCode makes a code with n words (0 for DefaultWords) whose number no
// waiting session uses, as far as CheckFree can tell.
func (r *Rendezvous) NewCode(ctx context.Context, n int) (Code, error) {
	for range 5 {
		c, err := NewCode(r.rand, n)
		if err != nil {
			return Code{}, err
		}
		if err := r.CheckFree(ctx, c.Number); err == nil {
			return c, nil
		} else if !errors.Is(err, ErrNumberBusy) {
			return Code{}, err
		}
	}
	return Code{}, fmt.Errorf("%w: five random numbers were all in use", ErrNumberBusy)
}

// CheckFree looks for a waiting session on number and returns
// ErrNumberBusy if it finds one: the newest item of the offering slot is a
// hello published in the last two minutes, or an offer of the last two
// minutes whose answer is not in the joining slot. Finished and burned
// sessions leave the number free. It listens for
// at least a second (multicast items come every poll interval) and until
// the DHT lookups of both slots have ended (at most about 6 s).
func (r *Rendezvous) CheckFree(ctx context.Context, number int) error {
	offering, joining := slotFor(number, roleOffer), slotFor(number, roleJoin)
	ch, jch := r.subscribe(&offering), r.subscribe(&joining)
	defer r.unsubscribe(&offering)
	defer r.unsubscribe(&joining)
	looked := make(chan struct{})
	go func() { // exits when both lookups end, or at Close
		if r.dht != nil {
			for _, s := range []*slot{&offering, &joining} {
				select {
				case <-r.dht.lookedUp(s):
				case <-r.closed:
				}
			}
		}
		close(looked)
	}()
	wait := time.NewTimer(max(time.Second, 3*r.cfg.pollInterval()))
	defer wait.Stop()
	limit := time.NewTimer(r.cfg.lookupTimeout() + time.Second)
	defer limit.Stop()
	// The decision waits for both the minimum time and the lookups (or the
	// limit): minDone and lookDone turn nil once they happened.
	minDone, lookDone := wait.C, (<-chan struct{})(looked)
	// Only the newest item of the offering slot tells: a node that missed
	// the put of an offer still holds the hello before it.
	var newest *message
	var newestSeq int64
	done := map[[2 * sidSize]byte]bool{} // answered or burned: sidA || sidB
	sids := func(m *message) (k [2 * sidSize]byte) {
		copy(k[:], m.sidA[:])
		copy(k[sidSize:], m.sidB[:])
		return k
	}
	for {
		if minDone == nil && lookDone == nil {
			if newest == nil || time.Since(time.UnixMilli(newestSeq)) > liveFor {
				return nil
			}
			if newest.typ == typeHello || (newest.typ == typeOffer && !done[sids(newest)]) {
				return fmt.Errorf("%w: %d", ErrNumberBusy, number)
			}
			return nil
		}
		select {
		case it := <-ch:
			if m, err := parseMessage(it.msg); err == nil && it.seq > newestSeq {
				newest, newestSeq = m, it.seq
			}
		case it := <-jch:
			if m, err := parseMessage(it.msg); err == nil && (m.typ == typeAnswer || m.typ == typeBurned) {
				done[sids(m)] = true
			}
		case <-minDone:
			minDone = nil
		case <-lookDone:
			lookDone = nil
		case <-limit.C:
			minDone, lookDone = nil, nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (r *Rendezvous) unsubscribe(s *slot) {
	r.mu.Lock()
	delete(r.subs, s.target)
	r.mu.Unlock()
	if r.dht != nil {
		r.dht.unwatch(s)
	}
}

// Offer runs the offering side of code: it publishes the hello, waits for
// a joiner, checks the joiner's confirmation, sends token (the offer)
// sealed, and returns the joiner's token (the answer). A join or answer for
// this session that does not open burns the code: Offer returns ErrBurned
// and tells the joiner so.
func (r *Rendezvous) Offer(ctx context.Context, code Code, token string) (string, error) {
	if len(token) > MaxTokenSize {
		return "", fmt.Errorf("%w: %d bytes, at most %d", ErrTokenTooLong, len(token), MaxTokenSize)
	}
	var sidA [sidSize]byte
	if _, err := io.ReadFull(r.rand, sidA[:]); err != nil {
		return "", fmt.Errorf("rendezvous: cannot read random bytes: %w", err)
	}
	a, err := cpace.Start(r.rand, cpace.Initiator, []byte(code.String()), channelID, sidA[:], nil)
	if err != nil {
		return "", err
	}
	own, other := slotFor(code.Number, roleOffer), slotFor(code.Number, roleJoin)
	in := r.subscribe(&other)
	defer r.unsubscribe(&other)
	if r.dht != nil {
		r.dht.slotState(&own)
	}
	hello := &message{typ: typeHello, sidA: sidA, share: a.Share()}
	r.publish(&own, hello.marshal())
	var k *keys
	var sidB [sidSize]byte
	for {
		var it item
		select {
		case it = <-in:
		case <-ctx.Done():
			return "", ctx.Err()
		case <-r.closed:
			return "", ErrClosed
		}
		m, err := parseMessage(it.msg)
		if err != nil || m.sidA != sidA {
			continue // garbage, a stale item or another session: burns nothing
		}
		switch {
		case m.typ == typeJoin && k == nil:
			isk, err := a.Finish(m.share, m.sidB[:])
			if err == nil {
				k, err = deriveKeys(isk, sidA, m.sidB)
				if err != nil {
					return "", err
				}
				_, err = open(k.join, m)
			}
			if err != nil {
				r.logf("a join for this session did not open (via %s): the code is burned", it.via)
				r.burn(ctx, &own, sidA, m.sidB)
				return "", ErrBurned
			}
			sidB = m.sidB
			r.logf("the other side joined (via %s); sending the offer", it.via)
			offer := &message{typ: typeOffer, sidA: sidA, sidB: sidB}
			seal(k.offer, offer, []byte(token))
			r.publish(&own, offer.marshal())
		case m.typ == typeAnswer && k != nil && m.sidB == sidB:
			answer, err := open(k.answer, m)
			if err != nil {
				r.logf("the answer did not open (via %s): the code is burned", it.via)
				r.burn(ctx, &own, sidA, sidB)
				return "", ErrBurned
			}
			r.logf("got the answer (via %s)", it.via)
			return string(answer), nil
		case m.typ == typeBurned && k != nil && m.sidB == sidB:
			return "", fmt.Errorf("%w (the other side refused this session)", ErrBurned)
		}
	}
}

// burn publishes the burned notice of session sidA, sidB in the side's own
// slot and lingers, so that the other side learns of it.
func (r *Rendezvous) burn(ctx context.Context, own *slot, sidA, sidB [sidSize]byte) {
	r.publish(own, (&message{typ: typeBurned, sidA: sidA, sidB: sidB}).marshal())
	r.linger(ctx)
}

// linger keeps the transports publishing a little longer, so that the
// other side learns of a burn.
func (r *Rendezvous) linger(ctx context.Context) {
	t := time.NewTimer(max(2*time.Second, 5*r.cfg.pollInterval()))
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	case <-r.closed:
	}
}

// Session is the joining side of a code after Join: it holds the offer
// and sends the answer.
type Session struct {
	r     *Rendezvous
	own   slot
	other slot
	sidA  [sidSize]byte
	sidB  [sidSize]byte
	k     *keys
	offer string
	in    chan item
}

// Offer returns the offering side's token.
func (s *Session) Offer() string { return s.offer }

// Join runs the joining side of code: it gathers the hellos on the code's
// number for a moment, answers the newest with its own share and a
// confirmation, and returns once the offer arrived and opened. It answers
// one hello only: each answer lets the hello's author test one guess of the
// code. A hello that comes later is not answered and burns nothing; if the
// offer of the answered one then does not come either, Join stops with
// ErrContested. An offer for this session that does not open burns the code
// (ErrBurned); a burned notice newer than every hello on the number, when
// Join has gathered, means that the session there was refused (ErrBurned).
func (r *Rendezvous) Join(ctx context.Context, code Code) (*Session, error) {
	s := &Session{r: r, own: slotFor(code.Number, roleJoin), other: slotFor(code.Number, roleOffer)}
	s.in = r.subscribe(&s.other)
	fail := func(err error) (*Session, error) {
		r.unsubscribe(&s.other)
		return nil, err
	}
	// The first lookup of the offering slot asks the nodes closest to it:
	// once it ended, the newest hello seen is the live session's.
	var looked <-chan struct{}
	if r.dht != nil {
		looked = r.dht.lookedUp(&s.other)
		r.dht.slotState(&s.own) // look up the own slot now, to put at once later
	}
	var newest *message // the newest hello not yet answered
	var newestSeq, helloSeq int64
	var newestVia string
	// The newest item of the offering slot, of any type: a burned notice
	// newer than every hello means that the session on the number was
	// refused (the code was guessed wrong, here or elsewhere) and no new
	// one waits.
	var lastSeq int64
	var lastTyp byte
	burned := func() (*Session, error) {
		r.logf("the newest item on number %d is a burned notice, newer than any hello", code.Number)
		return fail(fmt.Errorf("%w (the session on number %d was refused, and no new one is waiting)", ErrBurned, code.Number))
	}
	var settle, rival <-chan time.Time
	joined, rivalSeen := false, false
	for {
		var it item
		// Items that have come are read first: the first lookup hands
		// over what it met before it counts as ended.
		select {
		case it = <-s.in:
		default:
			select {
			case it = <-s.in:
			case <-looked:
				looked = nil
				if newest != nil {
					settle = fired()
				} else if lastTyp == typeBurned && !joined {
					return burned()
				}
				continue
			case <-settle:
				settle = nil
				if lastTyp == typeBurned && lastSeq > newestSeq {
					return burned()
				}
				m := newest
				newest = nil
				if err := s.join(code, m); errors.Is(err, cpace.ErrBadShare) {
					continue // a hello with a bad share: skip it (it carries no secret)
				} else if err != nil {
					return fail(err)
				}
				joined, helloSeq = true, newestSeq
				r.logf("found the other side (via %s); joining", newestVia)
				continue
			case <-rival:
				r.logf("no offer came for this session, and another hello did: giving up")
				r.burn(ctx, &s.own, s.sidA, s.sidB)
				return fail(fmt.Errorf("%w (number %d)", ErrContested, code.Number))
			case <-ctx.Done():
				return fail(ctx.Err())
			case <-r.closed:
				return nil, ErrClosed
			}
		}
		m, err := parseMessage(it.msg)
		if err != nil {
			continue
		}
		if it.seq > lastSeq {
			lastSeq, lastTyp = it.seq, m.typ
		}
		switch {
		case m.typ == typeHello && !joined:
			// The newest hello wins: an older one is a stale session.
			if newest == nil || it.seq > newestSeq {
				newest, newestSeq, newestVia = m, it.seq, it.via
			}
			if settle == nil {
				if looked == nil {
					settle = fired()
				} else {
					settle = time.After(r.cfg.settleFor())
				}
			}
		case m.typ == typeHello && m.sidA != s.sidA && it.seq > helloSeq && !rivalSeen:
			// Answering it would give its author another guess.
			rivalSeen = true
			rival = time.After(r.cfg.rivalWaitFor())
			r.logf("another hello on number %d (via %s), newer than the one answered: another session, or someone guessing the code; not answered", code.Number, it.via)
		case joined && m.sidA == s.sidA && m.sidB == s.sidB && m.typ == typeOffer:
			offer, err := open(s.k.offer, m)
			if err != nil {
				r.logf("the offer did not open (via %s): the code is burned", it.via)
				r.burn(ctx, &s.own, s.sidA, s.sidB)
				return fail(ErrBurned)
			}
			r.logf("got the offer (via %s)", it.via)
			s.offer = string(offer)
			return s, nil
		case joined && m.sidA == s.sidA && m.sidB == s.sidB && m.typ == typeBurned:
			return fail(fmt.Errorf("%w (the other side refused this code)", ErrBurned))
		}
	}
}

// fired returns a timer channel that has fired: a select on it goes on at
// once.
func fired() <-chan time.Time {
	c := make(chan time.Time, 1)
	c <- time.Now()
	return c
}

// join answers the hello m: a fresh sidB, the responder's CPace run, the
// keys, and the join message with its confirmation tag, published.
func (s *Session) join(code Code, m *message) error {
	r := s.r
	var sidB [sidSize]byte
	if _, err := io.ReadFull(r.rand, sidB[:]); err != nil {
		return fmt.Errorf("rendezvous: cannot read random bytes: %w", err)
	}
	b, err := cpace.Start(r.rand, cpace.Responder, []byte(code.String()), channelID, m.sidA[:], sidB[:])
	if err != nil {
		return err
	}
	isk, err := b.Finish(m.share, nil)
	if err != nil {
		return err
	}
	k, err := deriveKeys(isk, m.sidA, sidB)
	if err != nil {
		return err
	}
	s.sidA, s.sidB, s.k = m.sidA, sidB, k
	join := &message{typ: typeJoin, sidA: s.sidA, sidB: s.sidB, share: b.Share()}
	seal(s.k.join, join, nil)
	r.publish(&s.own, join.marshal())
	return nil
}

// Answer sends the answer token sealed, and keeps it published until ctx
// ends or Close: call it, then connect, then Close.
func (s *Session) Answer(token string) error {
	if len(token) > MaxTokenSize {
		return fmt.Errorf("%w: %d bytes, at most %d", ErrTokenTooLong, len(token), MaxTokenSize)
	}
	m := &message{typ: typeAnswer, sidA: s.sidA, sidB: s.sidB}
	seal(s.k.answer, m, []byte(token))
	s.r.publish(&s.own, m.marshal())
	return nil
}

// WaitBurned returns ErrBurned if the offering side refuses the answer
// before ctx ends (it cannot open it), and nil when ctx ends.
func (s *Session) WaitBurned(ctx context.Context) error {
	for {
		select {
		case it := <-s.in:
			if m, err := parseMessage(it.msg); err == nil && m.typ == typeBurned && m.sidA == s.sidA && m.sidB == s.sidB {
				return fmt.Errorf("%w (the other side refused the answer)", ErrBurned)
			}
		case <-ctx.Done():
			return nil
		case <-s.r.closed:
			return nil
		}
	}
}
