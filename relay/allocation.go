package relay

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"strconv"
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
// drops it when it is over the bandwidth cap, as a congested link would, or
// when it is bound for the relay's own address (ownAddress).
func (a *allocation) WriteTo(p []byte, to net.Addr) (int, error) {
	if a.srv.ownAddress(to) {
		a.srv.logLimited(logPermission, "relay: refused permission for %s to peer %v: the relay's own address, not a relayed address", a.describe(), to)
		return len(p), nil // dropped, as a firewall would
	}
	if a.limitTo != nil && !a.limitTo.AllowN(time.Now(), len(p)) {
		a.droppedTo.Add(uint64(len(p)))
		return len(p), nil
	}
	// Count before the datagram leaves: the peer may answer, and the test
	// or operator look at Stats, before this goroutine runs again.
	a.toPeers.Add(uint64(len(p)))
	n, err := a.PacketConn.WriteTo(p, to)
	if n < len(p) {
		a.toPeers.Add(^uint64(len(p) - max(n, 0) - 1)) // subtract what did not go out
	}
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

// generator is the pion/turn RelayAddressGenerator: it opens the relayed
// socket of each new allocation through Config.ListenPacket, on the listen
// address's IP and a port in Config's range, and wraps it.
type generator struct{ srv *Server }

// Validate reports nothing: Config.check has validated the settings.
func (g *generator) Validate() error { return nil }

// AllocatePacketConn opens the relayed UDP socket of a new allocation.
func (g *generator) AllocatePacketConn(conf turn.AllocateListenerConfig) (net.PacketConn, net.Addr, error) {
	if conf.Network != "udp4" {
		g.srv.logf("relay: refused allocation for %q: it asked for %s, and only IPv4 relayed addresses are supported", conf.UserID, conf.Network)
		return nil, nil, errIPv6Relay
	}
	conn, port, err := g.listen(conf.Network, conf.RequestedPort)
	if err != nil {
		g.srv.logf("relay: refused allocation for %q: no relay port: %v", conf.UserID, err)
		return nil, nil, err
	}
	relayAddr := &net.UDPAddr{IP: g.srv.cfg.publicIP, Port: port}
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

// listen opens a relayed socket on the requested port (EVEN-PORT and
// RESERVATION-TOKEN, RFC 8656 sections 7.2 and 14.6), else on a random
// port of Config's range, else on any free port, and returns its port.
func (g *generator) listen(network string, requested int) (net.PacketConn, int, error) {
	cfg := g.srv.cfg
	host := cfg.listenHost()
	open := func(port int) (net.PacketConn, int, error) {
		conn, err := cfg.ListenPacket(network, net.JoinHostPort(host, strconv.Itoa(port)))
		if err != nil {
			return nil, 0, err
		}
		addr, ok := conn.LocalAddr().(*net.UDPAddr)
		if !ok {
			_ = conn.Close() // Unusable; the type error is what matters.
			return nil, 0, fmt.Errorf("%w: Config.ListenPacket returned a %T address", errRefused, conn.LocalAddr())
		}
		return conn, addr.Port, nil
	}
	switch {
	case requested != 0:
		return open(requested)
	case cfg.RelayPortMin == 0:
		return open(0)
	}
	span := cfg.RelayPortMax - cfg.RelayPortMin + 1
	var err error
	for try := 0; try < min(span, maxPortTries); try++ {
		var conn net.PacketConn
		var port int
		if conn, port, err = open(cfg.RelayPortMin + rand.IntN(span)); err == nil {
			return conn, port, nil
		}
	}
	return nil, 0, fmt.Errorf("%w: no free port among %d tries in %d-%d: %v", errRefused, min(span, maxPortTries), cfg.RelayPortMin, cfg.RelayPortMax, err)
}

// AllocateListener refuses TCP relayed addresses.
func (g *generator) AllocateListener(turn.AllocateListenerConfig) (net.Listener, net.Addr, error) {
	return nil, nil, errTCPRelay
}

// AllocateConn refuses TCP relayed connections.
func (g *generator) AllocateConn(turn.AllocateConnConfig) (net.Conn, error) {
	return nil, errTCPRelay
}

// maxPortTries bounds the random ports tried in Config's relay port range.
const maxPortTries = 64

// describe is the log text of an allocation's identity.
func (a *allocation) describe() string {
	client := a.clientAddr()
	transport := "udp"
	if _, ok := client.(*net.TCPAddr); ok {
		transport = "tcp"
	}
	return fmt.Sprintf("user %q client %s %v relay %v", a.user, transport, client, a.relay)
}
