package relay

import (
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/turn/v5"
	"golang.org/x/time/rate"
)

// errTCPRelay is what pion/turn hears when a client asks for a TCP relayed
// address (RFC 6062); the client receives 508 Insufficient Capacity.
var errTCPRelay = errors.New("relay: TCP allocations (RFC 6062) are not supported")

// errIPv6Relay is what pion/turn hears when a client asks for an IPv6
// relayed address (RFC 6156); the client receives 508 Insufficient Capacity.
var errIPv6Relay = errors.New("relay: IPv6 relayed addresses are not supported")

// errRefused is what pion/turn hears when an allocation is refused after its
// quota check passed (a race with a parallel request, or Close).
var errRefused = errors.New("relay: allocation refused")

// allocation is the relayed UDP socket of one TURN allocation. It wraps the
// socket pion/turn relays through, counting and rate-limiting the datagrams
// that cross it, and reports to its server when it is closed.
type allocation struct {
	net.PacketConn
	srv     *Server
	user    string
	relay   net.Addr
	created time.Time

	client atomic.Value // net.Addr once pion/turn reports the allocation

	toPeers, fromPeers, droppedTo, droppedFrom atomic.Uint64

	// limitTo and limitFrom are nil without a bandwidth cap.
	limitTo, limitFrom *rate.Limiter

	closeOnce sync.Once
	closeErr  error
}

// newLimiter returns a token bucket of bytesPerSecond that lets one second's
// worth of bytes through at once, and at least a whole datagram.
func newLimiter(bytesPerSecond int64) *rate.Limiter {
	if bytesPerSecond <= 0 {
		return nil
	}
	burst := bytesPerSecond
	if burst < minBurst {
		burst = minBurst
	}
	if burst > maxBurst {
		burst = maxBurst
	}
	return rate.NewLimiter(rate.Limit(bytesPerSecond), int(burst))
}

const (
	minBurst = 2048    // above pion/turn's 1600-byte relay buffer
	maxBurst = 1 << 30 // keeps the int conversion safe on 32-bit systems
)

// ReadFrom returns the next datagram a peer sent to the relayed address,
// dropping those over the bandwidth cap. pion/turn deletes the allocation
// when ReadFrom fails, so drops are not errors.
func (a *allocation) ReadFrom(p []byte) (int, net.Addr, error) {
	for {
		n, from, err := a.PacketConn.ReadFrom(p)
		if err != nil {
			return n, from, err
		}
		if a.limitFrom != nil && !a.limitFrom.AllowN(time.Now(), n) {
			a.droppedFrom.Add(uint64(n))
			continue
		}
		a.fromPeers.Add(uint64(n))
		return n, from, nil
	}
}

// WriteTo sends a client's datagram to a peer from the relayed address, or
// drops it when it is over the bandwidth cap, as a congested link would.
func (a *allocation) WriteTo(p []byte, to net.Addr) (int, error) {
	if a.limitTo != nil && !a.limitTo.AllowN(time.Now(), len(p)) {
		a.droppedTo.Add(uint64(len(p)))
		return len(p), nil
	}
	n, err := a.PacketConn.WriteTo(p, to)
	a.toPeers.Add(uint64(max(n, 0)))
	return n, err
}

// Close closes the relayed socket once and reports the allocation's end.
func (a *allocation) Close() error {
	a.closeOnce.Do(func() {
		a.closeErr = a.PacketConn.Close()
		a.srv.ended(a)
	})
	return a.closeErr
}

// clientAddr is the client's address as pion/turn reported it, or nil.
func (a *allocation) clientAddr() net.Addr {
	addr, _ := a.client.Load().(net.Addr)
	return addr
}

// generator is the pion/turn RelayAddressGenerator: it asks an inner pion
// generator for the relayed socket, after the allocation quota, and wraps it.
type generator struct {
	srv   *Server
	inner turn.RelayAddressGenerator
}

// Validate checks the inner generator.
func (g *generator) Validate() error { return g.inner.Validate() }

// AllocatePacketConn opens the relayed UDP socket of a new allocation.
func (g *generator) AllocatePacketConn(conf turn.AllocateListenerConfig) (net.PacketConn, net.Addr, error) {
	if conf.Network != "udp4" {
		g.srv.logf("relay: refused allocation for %q: it asked for %s, and only IPv4 relayed addresses are supported", conf.UserID, conf.Network)
		return nil, nil, errIPv6Relay
	}
	conn, relayAddr, err := g.inner.AllocatePacketConn(conf)
	if err != nil {
		g.srv.logf("relay: refused allocation for %q: no relay port: %v", conf.UserID, err)
		return nil, nil, err
	}
	a := &allocation{
		PacketConn: conn,
		srv:        g.srv,
		user:       conf.UserID,
		relay:      relayAddr,
		created:    time.Now(),
		limitTo:    newLimiter(g.srv.cfg.BandwidthPerAllocation),
		limitFrom:  newLimiter(g.srv.cfg.BandwidthPerAllocation),
	}
	if err := g.srv.register(a); err != nil {
		_ = conn.Close() // The allocation never existed; its refusal is the error that matters.
		return nil, nil, err
	}
	return a, relayAddr, nil
}

// AllocateListener refuses TCP relayed addresses.
func (g *generator) AllocateListener(turn.AllocateListenerConfig) (net.Listener, net.Addr, error) {
	return nil, nil, errTCPRelay
}

// AllocateConn refuses TCP relayed connections.
func (g *generator) AllocateConn(turn.AllocateConnConfig) (net.Conn, error) {
	return nil, errTCPRelay
}

// newGenerator picks pion's static or port-range generator for cfg.
func newGenerator(srv *Server) *generator {
	listenHost := "0.0.0.0"
	if ip := srv.cfg.listen.IP; ip != nil {
		listenHost = ip.String()
	}
	var inner turn.RelayAddressGenerator = &turn.RelayAddressGeneratorStatic{
		RelayAddress: srv.cfg.publicIP,
		Address:      listenHost,
	}
	if srv.cfg.RelayPortMin != 0 {
		inner = &turn.RelayAddressGeneratorPortRange{
			RelayAddress: srv.cfg.publicIP,
			Address:      listenHost,
			MinPort:      uint16(srv.cfg.RelayPortMin),
			MaxPort:      uint16(srv.cfg.RelayPortMax),
			MaxRetries:   max(10, min(100, srv.cfg.RelayPortMax-srv.cfg.RelayPortMin+1)),
		}
	}
	return &generator{srv: srv, inner: inner}
}

// describe is the log text of an allocation's identity.
func (a *allocation) describe() string {
	client := a.clientAddr()
	transport := "udp"
	if _, ok := client.(*net.TCPAddr); ok {
		transport = "tcp"
	}
	return fmt.Sprintf("user %q client %s %v relay %v", a.user, transport, client, a.relay)
}
