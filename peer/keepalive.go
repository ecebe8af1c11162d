package peer

import (
	"encoding/binary"
	"net"
	"sync"
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
// standard one, with every UDP socket wrapped in a keepalive.
type keepaliveNet struct {
	transport.Net
	interval time.Duration
}

// newKeepaliveNet returns the standard network with keepalives every
// interval.
func newKeepaliveNet(interval time.Duration) (*keepaliveNet, error) {
	std, err := stdnet.NewNet()
	if err != nil {
		return nil, err
	}
	return &keepaliveNet{Net: std, interval: interval}, nil
}

// ListenUDP opens a UDP socket (host and server reflexive candidates).
func (n *keepaliveNet) ListenUDP(network string, laddr *net.UDPAddr) (transport.UDPConn, error) {
	conn, err := n.Net.ListenUDP(network, laddr)
	if err != nil {
		return nil, err
	}
	return &keepaliveUDPConn{UDPConn: conn, k: newKeeper(conn, n.interval)}, nil
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

// keepaliveUDPConn is a UDP socket with a keeper.
type keepaliveUDPConn struct {
	transport.UDPConn
	k *keeper
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

// Close stops the keepalives and closes the socket.
func (c *keepaliveUDPConn) Close() error {
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
