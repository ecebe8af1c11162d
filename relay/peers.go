package relay

import (
	"net"
	"net/netip"
	"time"
)

// Address ranges refused as peers unless Config.AllowPeers lists them: a
// relay whose credentials are handed out must not become a way into the
// networks behind it (coturn's denied-peer-ip serves the same end).
var deniedPeers = []struct {
	prefix netip.Prefix
	why    string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), "\"this network\" (RFC 791)"},
	{netip.MustParsePrefix("10.0.0.0/8"), "a private network (RFC 1918)"},
	{netip.MustParsePrefix("172.16.0.0/12"), "a private network (RFC 1918)"},
	{netip.MustParsePrefix("192.168.0.0/16"), "a private network (RFC 1918)"},
	{netip.MustParsePrefix("100.64.0.0/10"), "carrier-grade NAT space (RFC 6598)"},
	{netip.MustParsePrefix("169.254.0.0/16"), "link-local, where cloud metadata services live (RFC 3927)"},
	{netip.MustParsePrefix("240.0.0.0/4"), "reserved (RFC 1112)"},
	{netip.MustParsePrefix("fc00::/7"), "a private network (unique local, RFC 4193)"},
	{netip.MustParsePrefix("fe80::/10"), "link-local (RFC 4291)"},
}

// peerRefusal returns why the server refuses to relay to peer, or "" when
// it may. Unspecified, multicast and broadcast addresses are always
// refused; otherwise Config.AllowPeers wins, then Config.DenyPeers, then
// loopback (Config.AllowLoopbackPeers) and the built-in private ranges.
// The server's own addresses are checked per datagram (ownAddress), since
// a permission covers every port of an IP address and peers relay to each
// other through the server's own relayed addresses.
func (s *Server) peerRefusal(peer net.IP) string {
	addr, ok := netip.AddrFromSlice(peer)
	if !ok {
		return "not an IP address"
	}
	addr = addr.Unmap()
	switch {
	case addr.IsUnspecified(), addr.IsMulticast(), addr == netip.AddrFrom4([4]byte{255, 255, 255, 255}):
		return "not a unicast address"
	}
	if s.allowedPeer(addr) {
		return ""
	}
	for _, p := range s.cfg.DenyPeers {
		if p.Contains(addr) {
			return "in " + p.String() + " (Config.DenyPeers)"
		}
	}
	if addr.IsLoopback() {
		if s.cfg.AllowLoopbackPeers {
			return ""
		}
		return "loopback peers are not allowed (Config.AllowLoopbackPeers)"
	}
	for _, d := range deniedPeers {
		if d.prefix.Contains(addr) {
			return d.why + "; list it in Config.AllowPeers (--allow-peer) to allow it"
		}
	}
	return ""
}

// allowedPeer reports whether Config.AllowPeers lists addr.
func (s *Server) allowedPeer(addr netip.Addr) bool {
	for _, p := range s.cfg.AllowPeers {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// ownAddress reports whether to is one of the server's own addresses (its
// public or listening IP) at a port that is not a live relayed address:
// the listening port itself, or any other service on the relay's machine.
// Datagrams from one allocation to another (two peers that both relay
// through this server) pass.
func (s *Server) ownAddress(to net.Addr) bool {
	udp, ok := to.(*net.UDPAddr)
	if !ok {
		return false
	}
	ip := udp.IP.To4()
	if ip == nil || !(ip.Equal(s.cfg.publicIP) || (s.cfg.listen.IP != nil && ip.Equal(s.cfg.listen.IP))) {
		return false
	}
	if ip.IsLoopback() && s.cfg.AllowLoopbackPeers {
		return false
	}
	if addr, ok := netip.AddrFromSlice(ip); ok && s.allowedPeer(addr) {
		return false
	}
	key := (&net.UDPAddr{IP: s.cfg.publicIP, Port: udp.Port}).String()
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.byRelay[key] == nil
}

// permit is the pion/turn PermissionHandler (RFC 8656 section 9): it
// refuses peers a relay has no business sending to; pion/turn answers the
// CreatePermission or ChannelBind with 403 Forbidden.
func (s *Server) permit(client net.Addr, peer net.IP) bool {
	why := s.peerRefusal(peer)
	if why == "" {
		return true
	}
	s.logLimited(logPermission, "relay: refused permission for client %v to peer %v: %s", client, peer, why)
	return false
}

// Kinds of log lines that a client can cause at will, and that are
// therefore rate-limited (logLimited).
const (
	logPermission = "refused permission"
	logMismatch   = "437 Allocation Mismatch"
)

// logInterval is the least time between two logged lines of one kind.
const logInterval = time.Second

// logLimited logs a line of the given kind unless one was logged less than
// logInterval ago; it counts the lines it suppresses and says how many in
// the next line it logs, or at Close.
func (s *Server) logLimited(kind, format string, args ...any) {
	now := time.Now()
	s.limitMu.Lock()
	if s.logNext == nil {
		s.logNext, s.logSuppressed = make(map[string]time.Time), make(map[string]int)
	}
	if now.Before(s.logNext[kind]) {
		s.logSuppressed[kind]++
		s.limitMu.Unlock()
		return
	}
	every := s.logEvery
	if every == 0 {
		every = logInterval
	}
	s.logNext[kind] = now.Add(every)
	suppressed := s.logSuppressed[kind]
	s.logSuppressed[kind] = 0
	s.limitMu.Unlock()
	if suppressed > 0 {
		format += " (%d more %q lines suppressed since the last one)"
		args = append(args, suppressed, kind)
	}
	s.logf(format, args...)
}

// flushSuppressed logs how many lines of each kind were suppressed since
// the last one logged.
func (s *Server) flushSuppressed() {
	s.limitMu.Lock()
	counts := s.logSuppressed
	s.logSuppressed = nil
	s.logNext = nil
	s.limitMu.Unlock()
	for _, kind := range []string{logMismatch, logPermission} {
		if n := counts[kind]; n > 0 {
			s.logf("relay: %d more %q lines were suppressed (at most one per %v is logged)", n, kind, logInterval)
		}
	}
}
