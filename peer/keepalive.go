package peer

import (
	"encoding/binary"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/stun/v4"
	"github.com/pion/transport/v5"
	"github.com/pion/transport/v5/stdnet"
)

// keepaliveInterval is how long a UDP socket that talked to a STUN or TURN
// server may stay silent before the peer sends that server a STUN Binding
// indication (RFC 8489 section 3), which needs no answer.
//
// NAT routers forget an idle UDP mapping after about 30 seconds (Linux's
// default; RFC 4787 section 4.3 asks for at least 2 minutes, few routers
// comply). While a person carries a token to the other side, nothing else
// crosses the sockets behind this side's server reflexive and relay
// candidates: without a keepalive the router forgets their mappings, the
// server reflexive address in the token goes stale, and a TURN client behind
// an endpoint-dependent (symmetric) NAT loses its allocation, whose 5-tuple
// names the forgotten mapping. Half the usual 30 seconds keeps both.
const keepaliveInterval = 15 * time.Second

// maxKeepaliveServers caps the server addresses one socket keeps alive: a
// socket talks to one STUN or TURN server.
const maxKeepaliveServers = 4

// keepaliveNet is the network pion's ICE agent opens its sockets on: the
// standard one, with every UDP socket wrapped in a keepalive, and every
// UDP socket of a host or server reflexive candidate watched by the Peer's
// checks (checks.go) before pion reads from it.
type keepaliveNet struct {
	transport.Net
	interval time.Duration
	checks   *checks
}

// newKeepaliveNet returns the standard network with keepalives every
// interval, whose UDP sockets pass what they read through c (nil: none).
func newKeepaliveNet(interval time.Duration, c *checks) (*keepaliveNet, error) {
	std, err := stdnet.NewNet()
	if err != nil {
		return nil, err
	}
	return &keepaliveNet{Net: std, interval: interval, checks: c}, nil
}

// ListenUDP opens a UDP socket (host and server reflexive candidates).
func (n *keepaliveNet) ListenUDP(network string, laddr *net.UDPAddr) (transport.UDPConn, error) {
	conn, err := n.Net.ListenUDP(network, laddr)
	if err != nil {
		return nil, err
	}
	c := &keepaliveUDPConn{UDPConn: conn, k: newKeeper(conn, n.interval), checks: n.checks}
	if n.checks != nil {
		n.checks.add(c)
	}
	return c, nil
}

// ListenPacket opens a packet socket (a TURN client's socket, for relay
// candidates). Only UDP sockets get a keepalive.
func (n *keepaliveNet) ListenPacket(network, address string) (net.PacketConn, error) {
	conn, err := n.Net.ListenPacket(network, address)
	if err != nil {
		return nil, err
	}
	if _, ok := conn.LocalAddr().(*net.UDPAddr); !ok {
		return conn, nil
	}
	return &keepalivePacketConn{PacketConn: conn, k: newKeeper(conn, n.interval)}, nil
}

// keeper watches what a socket sends. Once the socket has sent a request
// to a STUN or TURN server, the keeper sends that server a Binding
// indication whenever the socket has been silent for interval, until the
// socket is closed. Its timer goroutine runs only to send one keepalive and
// schedule the next; Close stops it.
type keeper struct {
	conn     net.PacketConn // the unwrapped socket
	interval time.Duration

	mu        sync.Mutex
	lastWrite time.Time
	servers   []net.Addr
	timer     *time.Timer // nil until the first server request
	closed    bool
}

func newKeeper(conn net.PacketConn, interval time.Duration) *keeper {
	return &keeper{conn: conn, interval: interval}
}

// sent records a datagram b the socket sent to addr.
func (k *keeper) sent(b []byte, addr net.Addr) {
	server := addr != nil && isServerRequest(b)
	k.mu.Lock()
	defer k.mu.Unlock()
	k.lastWrite = time.Now()
	if !server || k.closed || len(k.servers) >= maxKeepaliveServers {
		return
	}
	for _, known := range k.servers {
		if known.String() == addr.String() {
			return
		}
	}
	k.servers = append(k.servers, addr)
	if k.timer == nil {
		k.timer = time.AfterFunc(k.interval, k.tick)
	}
}

// tick sends the keepalives that are due and schedules the next check.
func (k *keeper) tick() {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.closed {
		return
	}
	if idle := time.Since(k.lastWrite); idle < k.interval {
		k.timer.Reset(k.interval - idle)
		return
	}
	for _, server := range k.servers {
		msg, err := stun.Build(stun.TransactionID, stun.NewType(stun.MethodBinding, stun.ClassIndication), stun.Fingerprint)
		if err != nil {
			continue // cannot happen: the message has fixed contents
		}
		// A keepalive that fails to leave is like one the network lost:
		// the next one, or the socket's own traffic, will tell.
		_, _ = k.conn.WriteTo(msg.Raw, server)
	}
	k.lastWrite = time.Now()
	k.timer.Reset(k.interval)
}

// close stops the keepalives.
func (k *keeper) close() {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.closed = true
	if k.timer != nil {
		k.timer.Stop()
	}
}

// isServerRequest reports whether b is a STUN request to a STUN or TURN
// server rather than an ICE connectivity check: a TURN request (Allocate,
// Refresh, CreatePermission, ChannelBind), or a Binding request without the
// USERNAME attribute every connectivity check carries (RFC 8445 section
// 7.1.2).
func isServerRequest(b []byte) bool {
	const header = 20
	// stun.IsMessage checks the length and the magic cookie (RFC 8489
	// section 5); a STUN message also starts with two zero bits.
	if !stun.IsMessage(b) || b[0]&0xC0 != 0 {
		return false
	}
	var typ stun.MessageType
	typ.ReadValue(binary.BigEndian.Uint16(b[0:2]))
	if typ.Class != stun.ClassRequest {
		return false
	}
	switch typ.Method {
	case stun.MethodAllocate, stun.MethodRefresh, stun.MethodCreatePermission, stun.MethodChannelBind:
		return true
	case stun.MethodBinding:
	default:
		return false
	}
	length := int(binary.BigEndian.Uint16(b[2:4]))
	if length > len(b)-header {
		return false
	}
	attrs := b[header : header+length]
	for len(attrs) >= 4 {
		typ := stun.AttrType(binary.BigEndian.Uint16(attrs[0:2]))
		if typ == stun.AttrUsername {
			return false
		}
		size := int(binary.BigEndian.Uint16(attrs[2:4]))
		padded := 4 + (size+3)&^3
		if padded > len(attrs) {
			return false
		}
		attrs = attrs[padded:]
	}
	return true
}

// keepaliveUDPConn is a UDP socket with a keeper and the Peer's checks.
//
// pion's ICE agent reads its candidates' sockets only once it has the
// remote description; until then datagrams wait in the kernel. An offerer
// must answer the checks that arrive meanwhile (checks.go), so once its
// candidates are gathered, arm starts an early reader on every socket that
// nobody is reading (not the mDNS socket, whose reader never stops), which
// hands every datagram to the checks. The first ReadFrom, pion's agent
// starting, stops it (a read deadline in the past wakes it) and from then
// on pion reads the socket itself, through the checks.
type keepaliveUDPConn struct {
	transport.UDPConn
	k      *keeper
	checks *checks

	mu      sync.Mutex
	early   *earlyReader // the running early reader, or nil
	pending []packet     // read early, not consumed by the checks: for pion
	reading int          // ReadFrom calls under way
	closed  bool
}

// earlyReader is the goroutine that reads an armed socket until pion
// starts reading; it exits when stopped or when the socket is closed.
type earlyReader struct {
	done     chan struct{}
	stopping atomic.Bool
	err      error // the read error that ended it, unless it was stopped
}

// packet is a datagram read early.
type packet struct {
	b    []byte
	addr net.Addr
}

// maxPending caps the datagrams the early reader keeps for pion: before
// the remote description pion would drop them anyway.
const maxPending = 16

// arm starts the early reader, once.
func (c *keepaliveUDPConn) arm() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.early != nil || c.closed || c.reading > 0 {
		return
	}
	r := &earlyReader{done: make(chan struct{})}
	c.early = r
	go c.readEarly(r)
}

// readEarly reads the socket for the checks until stopped or closed.
func (c *keepaliveUDPConn) readEarly(r *earlyReader) {
	defer close(r.done)
	buf := make([]byte, 8192)
	for {
		n, addr, err := c.UDPConn.ReadFrom(buf)
		if err != nil {
			if !r.stopping.Load() {
				r.err = err
			}
			return
		}
		if c.checks.handle(c.UDPConn, buf[:n], addr, true) {
			continue
		}
		c.mu.Lock()
		if len(c.pending) < maxPending {
			c.pending = append(c.pending, packet{append([]byte(nil), buf[:n]...), addr})
		}
		c.mu.Unlock()
	}
}

// ReadFrom reads the next datagram that the checks do not consume. The
// first call after arm, pion's agent starting, stops the early reader and
// returns what it kept first.
func (c *keepaliveUDPConn) ReadFrom(b []byte) (int, net.Addr, error) {
	c.mu.Lock()
	c.reading++
	r := c.early
	c.early = nil
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		c.reading--
		c.mu.Unlock()
	}()
	// pion reads: its agent has the remote credentials and answers
	// checks itself from now on.
	if err := r.stop(c.UDPConn); err != nil {
		return 0, nil, err
	}
	c.mu.Lock()
	if len(c.pending) > 0 {
		p := c.pending[0]
		c.pending = c.pending[1:]
		c.mu.Unlock()
		return copy(b, p.b), p.addr, nil
	}
	c.mu.Unlock()
	for {
		n, addr, err := c.UDPConn.ReadFrom(b)
		if err != nil || c.checks == nil || !c.checks.handle(c.UDPConn, b[:n], addr, false) {
			return n, addr, err
		}
	}
}

// WriteTo sends b to addr.
func (c *keepaliveUDPConn) WriteTo(b []byte, addr net.Addr) (int, error) {
	c.k.sent(b, addr)
	return c.UDPConn.WriteTo(b, addr)
}

// WriteToUDP sends b to addr.
func (c *keepaliveUDPConn) WriteToUDP(b []byte, addr *net.UDPAddr) (int, error) {
	c.k.sent(b, addr)
	return c.UDPConn.WriteToUDP(b, addr)
}

// WriteMsgUDP sends b with out-of-band data oob to addr.
func (c *keepaliveUDPConn) WriteMsgUDP(b, oob []byte, addr *net.UDPAddr) (int, int, error) {
	c.k.sent(b, addr)
	return c.UDPConn.WriteMsgUDP(b, oob, addr)
}

// Write sends b on a connected socket.
func (c *keepaliveUDPConn) Write(b []byte) (int, error) {
	c.k.sent(b, nil)
	return c.UDPConn.Write(b)
}

// disarm stops the early reader, if one runs.
func (c *keepaliveUDPConn) disarm() {
	c.mu.Lock()
	r := c.early
	c.early = nil
	c.mu.Unlock()
	_ = r.stop(c.UDPConn) // its read error matters to no one: the Peer is closing
}

// stop ends the early reader r (nil: none) and returns the read error that
// ended it before, if any. A read deadline in the past wakes it; an error
// setting it means the socket is closed, which wakes it too.
func (r *earlyReader) stop(conn transport.UDPConn) error {
	if r == nil {
		return nil
	}
	r.stopping.Store(true)
	_ = conn.SetReadDeadline(time.Now())
	<-r.done
	_ = conn.SetReadDeadline(time.Time{})
	return r.err
}

// Close stops the keepalives and closes the socket, which ends the early
// reader.
func (c *keepaliveUDPConn) Close() error {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.k.close()
	return c.UDPConn.Close()
}

// keepalivePacketConn is a packet socket with a keeper.
type keepalivePacketConn struct {
	net.PacketConn
	k *keeper
}

// WriteTo sends b to addr.
func (c *keepalivePacketConn) WriteTo(b []byte, addr net.Addr) (int, error) {
	c.k.sent(b, addr)
	return c.PacketConn.WriteTo(b, addr)
}

// Close stops the keepalives and closes the socket.
func (c *keepalivePacketConn) Close() error {
	c.k.close()
	return c.PacketConn.Close()
}
