package relay

import (
	"fmt"
	"net"
	"net/netip"
	"strconv"
)

// DefaultListenAddr is the listen address of a zero Config: the standard
// STUN/TURN port (RFC 8489 section 18.6, RFC 8656 section 17) on every
// interface.
const DefaultListenAddr = ":3478"

// DefaultRealm is the TURN realm of a zero Config (RFC 8656 section 9.2).
const DefaultRealm = "qrtc"

// Config configures a relay Server. Only PublicIP (when listening on every
// interface) and a way to authenticate (Users or Secret, for TURN) are
// needed; every other field has a working zero value.
type Config struct {
	// ListenAddr is the UDP "host:port" the server answers STUN and TURN on.
	// Empty means DefaultListenAddr. Port 0 picks a free port (see Addr).
	// The host must be an IPv4 address or empty.
	ListenAddr string

	// TCP also accepts STUN and TURN over TCP (RFC 8656 section 3.1) on the
	// same address and port, for clients whose networks block UDP. Relayed
	// traffic toward peers is UDP either way.
	TCP bool

	// PublicIP is the IPv4 address other machines reach this server at. It
	// is advertised in every relayed address (XOR-RELAYED-ADDRESS) and in
	// URLs. Required when ListenAddr's host is empty or 0.0.0.0; otherwise it
	// defaults to ListenAddr's host.
	PublicIP string

	// Realm is the TURN realm (RFC 8656 section 9.2). Empty means
	// DefaultRealm.
	Realm string

	// Users maps static user names to passwords (TURN long-term credentials,
	// RFC 8489 section 9.2).
	Users map[string]string

	// Secret enables time-limited credentials as coturn's use-auth-secret
	// does: a username "<expiry unix time>:<user>" with the password
	// base64(HMAC-SHA1(Secret, username)) is accepted until its expiry time.
	// TURNRESTCredentials makes such pairs.
	//
	// With neither Users nor Secret the server answers STUN binding requests
	// only and refuses every allocation.
	Secret string

	// MaxAllocationsPerUser caps the allocations a user holds at once; the
	// next one is refused with 486 Allocation Quota Reached (RFC 8656
	// section 7.2). Zero means no cap. A WebRTC peer makes one allocation
	// per TURN server URL and address family it gathers with.
	MaxAllocationsPerUser int

	// BandwidthPerAllocation caps each allocation's relayed traffic, in
	// bytes per second, separately toward peers and from peers (like
	// coturn's max-bps). Datagrams over the rate are dropped, as a congested
	// link would; bursts of up to one second's worth pass. Zero means no cap.
	// ParseBandwidth reads forms such as "1MB/s".
	BandwidthPerAllocation int64

	// RelayPortMin and RelayPortMax bound the UDP ports of relayed addresses
	// (both inclusive), for firewalls that open only a range. Both zero means
	// any free port.
	RelayPortMin, RelayPortMax int

	// AllowLoopbackPeers lets clients relay to loopback addresses (such as
	// 127.0.0.1), that is to services on the relay's own machine. It is off
	// by default, as coturn's no-loopback-peers is; turn it on for a relay
	// and its clients on one machine, as in tests. Unspecified, multicast
	// and broadcast peer addresses are always refused.
	AllowLoopbackPeers bool

	// AllowPeers lists the peer address ranges clients may relay to even
	// though the server refuses them by default, like coturn's
	// allowed-peer-ip. By default the server refuses private networks
	// (10/8, 172.16/12, 192.168/16, fc00::/7), carrier-grade NAT space
	// (100.64/10), link-local addresses (169.254/16, where cloud metadata
	// services answer, and fe80::/10), 0/8, 240/4, loopback (see
	// AllowLoopbackPeers) and its own public and listening addresses except
	// for relayed addresses, so that handed-out credentials do not open the
	// networks behind the relay. List a range here, such as 192.168.1.0/24,
	// when the relay serves peers on its own LAN. AllowPeers wins over
	// DenyPeers; unspecified, multicast and broadcast addresses are refused
	// whatever it says. A refusal is answered with 403 Forbidden (RFC 8656
	// section 9.2).
	AllowPeers []netip.Prefix

	// DenyPeers lists further peer address ranges to refuse, like coturn's
	// denied-peer-ip: other public addresses of the relay's machine, or
	// networks it must not reach.
	DenyPeers []netip.Prefix

	// ListenPacket opens every UDP socket of the server: the listening one
	// and each allocation's relayed one. Nil means net.ListenPacket. Tests
	// use it to run the server inside a network namespace.
	ListenPacket func(network, address string) (net.PacketConn, error)

	// Listen opens the TCP listening socket (Config.TCP). Nil means
	// net.Listen.
	Listen func(network, address string) (net.Listener, error)

	// Logf receives one line per event worth an operator's attention:
	// allocations created and ended (with the user, the client address and
	// the bytes relayed), refused credentials and quotas, and pion/turn's own
	// warnings. Nil means no logs. It is never called after Close returns.
	Logf func(format string, args ...any)
}

// settings is a Config checked and completed with defaults.
type settings struct {
	Config
	listen   *net.UDPAddr // IPv4 listen address; IP nil for all interfaces
	publicIP net.IP       // 4-byte form
}

// listenHost is the host part for the server's sockets: the listen IP, or
// "" for every interface.
func (s settings) listenHost() string {
	if s.listen.IP == nil {
		return ""
	}
	return s.listen.IP.String()
}

// check validates cfg and applies defaults.
func (cfg Config) check() (settings, error) {
	if cfg.ListenAddr == "" {
		cfg.ListenAddr = DefaultListenAddr
	}
	if cfg.Realm == "" {
		cfg.Realm = DefaultRealm
	}
	host, port, err := net.SplitHostPort(cfg.ListenAddr)
	if err != nil {
		return settings{}, fmt.Errorf("%w %q: %v (want host:port, such as \":3478\")", ErrListenAddr, cfg.ListenAddr, err)
	}
	portNum, err := strconv.Atoi(port)
	if err != nil || portNum < 0 || portNum > 65535 {
		return settings{}, fmt.Errorf("%w %q: port %q is not a number from 0 to 65535", ErrListenAddr, cfg.ListenAddr, port)
	}
	listen := &net.UDPAddr{Port: portNum}
	if host != "" {
		ip := net.ParseIP(host)
		if ip == nil || ip.To4() == nil {
			return settings{}, fmt.Errorf("%w %q: give an IPv4 address (host names and IPv6 are not supported)", ErrListenAddr, cfg.ListenAddr)
		}
		if !ip.IsUnspecified() {
			listen.IP = ip.To4()
		}
	}

	var public net.IP
	switch {
	case cfg.PublicIP != "":
		public = net.ParseIP(cfg.PublicIP).To4()
		if public == nil || public.IsUnspecified() {
			return settings{}, fmt.Errorf("%w: %q is not an IPv4 address; give the address other machines reach this one at", ErrPublicIP, cfg.PublicIP)
		}
	case listen.IP != nil:
		public = listen.IP
	default:
		return settings{}, fmt.Errorf("%w: listening on %q (every interface) needs PublicIP, the address other machines reach this one at", ErrPublicIP, cfg.ListenAddr)
	}

	users := make(map[string]string, len(cfg.Users)) // a copy: the caller may change theirs
	for name, password := range cfg.Users {
		if name == "" || password == "" {
			return settings{}, fmt.Errorf("%w %q: give both a name and a password", ErrUser, name)
		}
		users[name] = password
	}
	cfg.Users = users
	if cfg.MaxAllocationsPerUser < 0 {
		return settings{}, fmt.Errorf("%w: MaxAllocationsPerUser is %d; use 0 for no cap", ErrQuota, cfg.MaxAllocationsPerUser)
	}
	if cfg.BandwidthPerAllocation < 0 {
		return settings{}, fmt.Errorf("%w: BandwidthPerAllocation is %d; use 0 for no cap", ErrQuota, cfg.BandwidthPerAllocation)
	}
	switch {
	case cfg.RelayPortMin == 0 && cfg.RelayPortMax == 0:
	case cfg.RelayPortMin < 1 || cfg.RelayPortMax > 65535 || cfg.RelayPortMin > cfg.RelayPortMax:
		return settings{}, fmt.Errorf("%w \"%d-%d\": set 1 <= min <= max <= 65535, or both to 0 for any port", ErrPortRange, cfg.RelayPortMin, cfg.RelayPortMax)
	}
	for _, list := range []*[]netip.Prefix{&cfg.AllowPeers, &cfg.DenyPeers} {
		checked := make([]netip.Prefix, 0, len(*list)) // a copy: the caller may change theirs
		for _, p := range *list {
			if !p.IsValid() {
				return settings{}, fmt.Errorf("%w %q: give a CIDR prefix such as \"192.168.1.0/24\"", ErrPeers, p)
			}
			checked = append(checked, p.Masked())
		}
		*list = checked
	}
	if cfg.ListenPacket == nil {
		cfg.ListenPacket = net.ListenPacket
	}
	if cfg.Listen == nil {
		cfg.Listen = net.Listen
	}
	return settings{Config: cfg, listen: listen, publicIP: public}, nil
}
