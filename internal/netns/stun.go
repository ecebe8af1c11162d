package netns

import (
	"fmt"
	"io"
	"net"
	"net/netip"

	"github.com/pion/logging"
	"github.com/pion/turn/v5"
)

// STUNServer answers STUN binding requests (RFC 8489 section 6) from inside a
// namespace, so that a peer behind a lab router learns its server-reflexive
// address. It is a pion/turn server without relays: allocations fail.
type STUNServer struct {
	// Addr is where the server listens.
	Addr netip.AddrPort
	srv  *turn.Server
}

// StartSTUN starts a STUN server on UDP port port of the namespace's Addr
// (0 picks a free port). Close it when done.
func (n *Namespace) StartSTUN(port uint16) (*STUNServer, error) {
	if !n.Addr.IsValid() {
		return nil, fmt.Errorf("netns: namespace %q has no Addr to serve STUN on: build it with NewTopology or set Addr", n.Name)
	}
	pc, err := n.ListenPacket("udp4", netip.AddrPortFrom(n.Addr, port).String())
	if err != nil {
		return nil, err
	}
	quiet := logging.NewDefaultLoggerFactory()
	quiet.Writer = io.Discard
	srv, err := turn.NewServer(turn.ServerConfig{
		PacketConnConfigs: []turn.PacketConnConfig{{PacketConn: pc}},
		LoggerFactory:     quiet,
		Realm:             "qrtc.test",
	})
	if err != nil {
		pc.Close()
		return nil, fmt.Errorf("netns: start STUN server in %q: %w", n.Name, err)
	}
	return &STUNServer{Addr: pc.LocalAddr().(*net.UDPAddr).AddrPort(), srv: srv}, nil
}

// URL returns the server's address as an ICE server URL, "stun:IP:PORT"
// (RFC 7064).
func (s *STUNServer) URL() string { return "stun:" + s.Addr.String() }

// Close stops the server and closes its socket.
func (s *STUNServer) Close() error {
	if err := s.srv.Close(); err != nil {
		return fmt.Errorf("netns: stop STUN server: %w", err)
	}
	return nil
}
