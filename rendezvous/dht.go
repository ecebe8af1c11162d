package rendezvous

import (
	"context"
	"crypto/sha1"
	"errors"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/anacrolix/dht/v2"
	"github.com/anacrolix/dht/v2/bep44"
	k_nearest_nodes "github.com/anacrolix/dht/v2/k-nearest-nodes"
	"github.com/anacrolix/dht/v2/krpc"
	"github.com/anacrolix/dht/v2/traversal"
	alog "github.com/anacrolix/log"
	"github.com/anacrolix/torrent/bencode"
	"golang.org/x/time/rate"
)

// DefaultBootstrap are the bootstrap nodes of the BitTorrent mainline DHT
// that anacrolix/dht uses, which Config.Bootstrap replaces.
var DefaultBootstrap = dht.DefaultGlobalBootstrapHostPorts

// dhtTransport reaches slots through the mainline DHT (BEP 5, BEP 44). Per
// slot one goroutine looks the slot up (a traversal towards its target),
// then keeps to the closest nodes found ("sticky" nodes): it polls them
// for the item and puts its own item to them, republishing while it waits,
// and looks the slot up again now and then.
type dhtTransport struct {
	r      *Rendezvous
	s      *dht.Server
	cache  string // routing table cache file, "" for none
	mu     sync.Mutex
	slots  map[[20]byte]*dhtSlot
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	lookOK chan struct{} // closed after the first lookup that reached a node
	once   sync.Once
}

// dhtSlot is the state of one slot.
type dhtSlot struct {
	slot    *slot
	watch   bool
	value   []byte        // our item's message, nil if we publish nothing here
	seq     int64         // sequence number of our last put
	changed chan bool     // a new value to put at once
	looked  chan struct{} // closed after the first lookup, found or not
	active  time.Time     // the watch began or a new item came: poll fast
	lastSeq int64         // the newest item delivered
}

// stickyNode is one of the closest nodes to a slot, with its write token.
type stickyNode struct {
	addr  dht.Addr
	token string
}

// Polling (DHT gets, multicast sends): every Config.PollInterval for
// fastFor after something happened, then every slowPoll (see pollAfter).
const (
	fastFor  = 30 * time.Second
	slowPoll = 1 * time.Second
)

// pollAfter is the wait before the next poll when something last happened
// at active: fast while something happens, then slower, to spare the nodes
// (libtorrent bans an address that sends a node more than 5 packets a
// second over 10 s).
func (c *Config) pollAfter(active time.Time) time.Duration {
	if time.Since(active) > fastFor {
		return slowPoll
	}
	return c.pollInterval()
}

// noStore is the local BEP 44 store of the client: it keeps nothing, so
// that dht.Server.Put, which stores locally first, never refuses to send
// (a local item with a higher seq would make it fail without sending).
type noStore struct{}

func (noStore) Put(*bep44.Item) error                 { return nil }
func (noStore) Get(bep44.Target) (*bep44.Item, error) { return nil, bep44.ErrItemNotFound }
func (noStore) Del(bep44.Target) error                { return nil }

// newDHT starts the DHT client on a UDP socket of its own.
func newDHT(r *Rendezvous, cfg *Config) (*dhtTransport, error) {
	conn := cfg.DHTConn
	if conn == nil {
		var err error
		if conn, err = net.ListenPacket("udp", cfg.DHTListen); err != nil {
			return nil, err
		}
	}
	bootstrap := cfg.Bootstrap
	if bootstrap == nil {
		bootstrap = DefaultBootstrap
	}
	logger := alog.NewLogger("qrtc-rendezvous")
	logger.SetHandlers(alog.DiscardHandler) // a library never logs
	t := &dhtTransport{r: r, cache: cfg.CacheFile, slots: map[[20]byte]*dhtSlot{}, lookOK: make(chan struct{})}
	t.ctx, t.cancel = context.WithCancel(context.Background())
	resolver := cfg.resolver
	if resolver == nil {
		resolver = net.DefaultResolver
	}
	starting := func() ([]dht.Addr, error) {
		var addrs []dht.Addr
		if ns, err := dht.ReadNodesFromFile(t.cache); err == nil && t.cache != "" {
			for _, n := range ns {
				addrs = append(addrs, dht.NewAddr(n.Addr.UDP()))
			}
		}
		addrs = append(addrs, resolveBootstrap(t.ctx, resolver, cfg.resolveTimeout(), bootstrap)...)
		if len(addrs) == 0 {
			return nil, errors.New("no bootstrap node resolves")
		}
		return addrs, nil
	}
	s, err := dht.NewServer(&dht.ServerConfig{
		Conn:             conn,
		NoSecurity:       true,
		Passive:          true, // a client: it asks, and answers nobody
		StartingNodes:    starting,
		Store:            noStore{},
		Exp:              2 * time.Hour, // zero would expire every item at once
		Logger:           logger,
		SendLimiter:      rate.NewLimiter(rate.Limit(cfg.sendRate()), 50), // not the shared default
		QueryResendDelay: func() time.Duration { return cfg.queryTimeout() },
		DefaultWant:      []krpc.Want{krpc.WantNodes, krpc.WantNodes6},
	})
	if err != nil {
		t.cancel()
		conn.Close()
		return nil, err
	}
	t.s = s
	return t, nil
}

// resolveBootstrap resolves host:port names, all at once, each within
// timeout and never past ctx (the transport's, which close ends):
// on a network without DNS, the default bootstrap names would otherwise
// hold every lookup, and Close, for as long as the system's resolver
// retries (dht.ResolveHostPorts does not take a context). Names that do not
// resolve are left out.
func resolveBootstrap(ctx context.Context, resolver *net.Resolver, timeout time.Duration, hostPorts []string) []dht.Addr {
	var mu sync.Mutex
	var wg sync.WaitGroup
	var addrs []dht.Addr
	for _, hp := range hostPorts {
		host, portText, err := net.SplitHostPort(hp)
		port, perr := strconv.ParseUint(portText, 10, 16)
		if err != nil || perr != nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			rctx, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()
			ips, err := resolver.LookupNetIP(rctx, "ip", host)
			if err != nil {
				return
			}
			mu.Lock()
			defer mu.Unlock()
			for _, ip := range ips {
				addrs = append(addrs, dht.NewAddr(net.UDPAddrFromAddrPort(netip.AddrPortFrom(ip.Unmap(), uint16(port)))))
			}
		}()
	}
	wg.Wait()
	return addrs
}

// close stops every slot goroutine and the server, and saves the routing
// table for the next start.
func (t *dhtTransport) close() {
	t.cancel()
	t.wg.Wait()
	if t.cache != "" {
		if ns := t.s.Nodes(); len(ns) >= 8 {
			if err := os.MkdirAll(filepath.Dir(t.cache), 0o700); err == nil {
				_ = dht.WriteNodesToFile(ns, t.cache) // a cache: losing it costs a slower start
			}
		}
	}
	t.s.Close()
}

// slotState returns the state of a slot, starting its goroutine.
func (t *dhtTransport) slotState(s *slot) *dhtSlot {
	t.mu.Lock()
	defer t.mu.Unlock()
	st, ok := t.slots[s.target]
	if !ok {
		st = &dhtSlot{slot: s, changed: make(chan bool, 1), looked: make(chan struct{})}
		t.slots[s.target] = st
		t.wg.Add(1)
		go t.run(st) // exits when t.ctx ends (close)
	}
	return st
}

// publish makes msg the item of slot s from now on.
func (t *dhtTransport) publish(s *slot, msg []byte) {
	st := t.slotState(s)
	t.mu.Lock()
	st.value = msg
	t.mu.Unlock()
	select {
	case st.changed <- true:
	default:
	}
}

// watch makes the transport deliver the items of slot s.
func (t *dhtTransport) watch(s *slot) {
	st := t.slotState(s)
	t.mu.Lock()
	st.watch = true
	st.active = time.Now()
	t.mu.Unlock()
	select {
	case st.changed <- true:
	default:
	}
}

// lookedUp returns a channel closed once slot s has been looked up.
func (t *dhtTransport) lookedUp(s *slot) <-chan struct{} { return t.slotState(s).looked }

// unwatch stops the polling of slot s.
func (t *dhtTransport) unwatch(s *slot) {
	t.mu.Lock()
	if st, ok := t.slots[s.target]; ok {
		st.watch = false
	}
	t.mu.Unlock()
}

// run serves one slot until the transport closes.
func (t *dhtTransport) run(st *dhtSlot) {
	defer t.wg.Done()
	cfg := &t.r.cfg
	var nodes []stickyNode
	var lastLookup, lastPut, nextLookup time.Time
	var putValue []byte
	retry := time.Second // after a lookup that found no node; doubles to 30 s
	tick := time.NewTimer(cfg.pollInterval())
	defer tick.Stop()
	for {
		if time.Now().After(nextLookup) && (time.Since(lastLookup) > cfg.relookupInterval() || len(nodes) == 0) {
			if found := t.lookup(st); len(found) > 0 {
				nodes, retry = found, time.Second
				t.once.Do(func() { close(t.lookOK) })
			} else {
				t.r.logf("DHT: no node answered the lookup; trying again in %v", retry)
				nextLookup = time.Now().Add(retry)
				retry = min(2*retry, 30*time.Second)
			}
			if lastLookup.IsZero() {
				close(st.looked)
			}
			lastLookup = time.Now()
		}
		t.mu.Lock()
		watch, value := st.watch, st.value
		t.mu.Unlock()
		if watch && len(nodes) > 0 {
			nodes = t.poll(st, nodes)
		}
		if value != nil && len(nodes) > 0 && (string(value) != string(putValue) || time.Since(lastPut) > cfg.republishInterval()) {
			t.put(st, nodes, value)
			putValue, lastPut = value, time.Now()
		}
		select {
		case <-t.ctx.Done():
			return
		case <-tick.C:
			t.mu.Lock()
			active := st.active
			t.mu.Unlock()
			tick.Reset(cfg.pollAfter(active))
		case <-st.changed:
		}
	}
}

// lookup walks the DHT towards the slot's target, delivering any item met
// on the way, and returns the closest nodes that gave a write token.
func (t *dhtTransport) lookup(st *dhtSlot) []stickyNode {
	ctx, cancel := context.WithTimeout(t.ctx, t.r.cfg.lookupTimeout())
	defer cancel()
	target := st.slot.target
	op := traversal.Start(traversal.OperationInput{
		Alpha:  8,
		K:      8,
		Target: target,
		DoQuery: func(ctx context.Context, addr krpc.NodeAddr) traversal.QueryResult {
			res := t.s.Get(ctx, dht.NewAddr(addr.UDP()), target, nil, dht.QueryRateLimiting{})
			t.deliver(st.slot, res)
			tqr := res.TraversalQueryResult(addr)
			if _, ok := tqr.ClosestData.(string); !ok {
				tqr.ResponseFrom = nil // no token, no use for a put
			}
			return tqr
		},
		NodeFilter: t.s.TraversalNodeFilter,
		DataFilter: func(d any) bool { _, ok := d.(string); return ok },
	})
	if nodes, err := t.s.TraversalStartingNodes(); err == nil {
		op.AddNodes(nodes)
	}
	select {
	case <-op.Stalled():
	case <-ctx.Done():
	}
	op.Stop()
	// Queries still out write the closest nodes until they return (Stop
	// cancels them): read those only once all have.
	select {
	case <-op.Stopped():
	case <-t.ctx.Done():
		return nil
	}
	var out []stickyNode
	op.Closest().Range(func(e k_nearest_nodes.Elem) {
		tok, _ := e.Data.(string)
		out = append(out, stickyNode{addr: dht.NewAddr(e.Addr.UDP()), token: tok})
	})
	return out
}

// poll asks every sticky node for the slot's item at once, delivers what
// comes back and renews the nodes' tokens. A node that does not answer is
// kept: the next lookup replaces the dead ones.
func (t *dhtTransport) poll(st *dhtSlot, nodes []stickyNode) []stickyNode {
	ctx, cancel := context.WithTimeout(t.ctx, t.r.cfg.queryTimeout())
	defer cancel()
	out := make([]stickyNode, len(nodes))
	copy(out, nodes)
	var wg sync.WaitGroup
	for i := range out {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res := t.s.Query(ctx, out[i].addr, "get", dht.QueryInput{
				MsgArgs:  krpc.MsgArgs{ID: t.s.ID(), Target: st.slot.target},
				NumTries: 1,
			})
			t.deliver(st.slot, res)
			if r := res.Reply.R; r != nil && r.Token != nil {
				out[i].token = *r.Token
			}
		}()
	}
	wg.Wait()
	return out
}

// put stores our item on every sticky node, with a sequence number that
// grows: the time in milliseconds, so that a later session's items replace
// an earlier one's.
func (t *dhtTransport) put(st *dhtSlot, nodes []stickyNode, value []byte) {
	seq := max(time.Now().UnixMilli(), st.seq+1)
	st.seq = seq
	p := bep44.Put{V: value, K: &st.slot.pub, Salt: st.slot.salt, Seq: seq}
	p.Sign(st.slot.key)
	ctx, cancel := context.WithTimeout(t.ctx, t.r.cfg.queryTimeout())
	defer cancel()
	var wg sync.WaitGroup
	var stored atomic.Int32
	for _, n := range nodes {
		if n.token == "" {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if res := t.s.Put(ctx, n.addr, p, n.token, dht.QueryRateLimiting{NotAny: true}); res.ToError() == nil {
				stored.Add(1)
			}
		}()
	}
	wg.Wait()
	t.r.logf("DHT: stored a %d-byte item (seq %d) on %d of %d nodes", len(value), seq, stored.Load(), len(nodes))
}

// deliver checks an item in a get reply (the signature, and that key and
// salt give the slot's target, BEP 44) and hands its message on.
func (t *dhtTransport) deliver(s *slot, res dht.QueryResult) {
	r := res.Reply.R
	if r == nil || r.V == nil || r.Seq == nil {
		return
	}
	if sha1.Sum(append(r.K[:], s.salt...)) != s.target || !bep44.Verify(r.K[:], s.salt, *r.Seq, r.V, r.Sig[:]) {
		return
	}
	var msg []byte
	if err := bencode.Unmarshal(r.V, &msg); err != nil {
		return
	}
	t.mu.Lock()
	if st := t.slots[s.target]; st != nil && *r.Seq > st.lastSeq {
		st.lastSeq, st.active = *r.Seq, time.Now()
	}
	t.mu.Unlock()
	t.r.deliver(s, *r.Seq, msg, "dht")
}
