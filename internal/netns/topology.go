package netns

import (
	"context"
	"fmt"
	"net/netip"
	"strconv"
	"time"
)

// NAT says what a side's router does to traffic leaving its LAN.
type NAT int

// The router behaviours NewTopology can build.
const (
	// NoNAT routes the LAN's private addresses unchanged; the public
	// namespace and the other routers get a route back to the LAN.
	NoNAT NAT = iota
	// Masquerade rewrites the source to the router's public address and
	// keeps the source port where it can: one mapping per local address
	// and port whatever the destination (a cone NAT, RFC 4787 section 4.1
	// "endpoint-independent mapping").
	Masquerade
	// MasqueradeRandomFully masquerades with --random-fully: every new
	// flow gets a random port, so each destination sees a different
	// mapping (a symmetric NAT, RFC 4787 "address and port-dependent
	// mapping").
	MasqueradeRandomFully
)

// String names the behaviour for test names: "none", "masquerade" or
// "random-fully".
func (n NAT) String() string {
	switch n {
	case NoNAT:
		return "none"
	case Masquerade:
		return "masquerade"
	case MasqueradeRandomFully:
		return "random-fully"
	}
	return "NAT(" + strconv.Itoa(int(n)) + ")"
}

// SideConfig describes one side of a Topology: a router and the client
// namespaces on its LAN.
type SideConfig struct {
	// NAT is what the router does to outgoing traffic.
	NAT NAT
	// Clients is the number of client namespaces on the LAN; 0 means 1.
	Clients int
	// UDPTimeout, when not zero, sets the router's
	// net.netfilter.nf_conntrack_udp_timeout (how long a UDP mapping that
	// has seen traffic one way only survives; the kernel's default is 30 s).
	// Whole seconds only.
	UDPTimeout time.Duration
	// UDPStreamTimeout, when not zero, sets
	// net.netfilter.nf_conntrack_udp_timeout_stream (the same for a
	// mapping that has seen traffic both ways; default 120 s).
	UDPStreamTimeout time.Duration
}

// Config describes a Topology. Its zero value builds a public namespace
// alone.
type Config struct {
	// Sides lists the routers to build, at most 200.
	Sides []SideConfig
	// IPv6 makes the lab dual-stack: every namespace also gets an IPv6
	// address from fd00::/8 (RFC 4193 unique local addresses, see Topology
	// for the plan) and IPv6 routes, and masquerading routers masquerade
	// IPv6 the same way (ip6tables). Without it IPv6 is off everywhere.
	IPv6 bool
}

// Topology is a public namespace standing for the internet with routers and
// their LANs hanging off it.
//
// Addresses: the public bridge is 203.0.113.0/24 with the public namespace at
// 203.0.113.1 and side i's router at 203.0.113.(10+i); side i's LAN is
// 10.0.(i+1).0/24 with its router at .1 and client j at .(2+j). Every
// client's default route is its router, every router's is the public
// namespace. With Config.IPv6 the same plan repeats in IPv6: the public
// bridge is fd00:203:113::/64 (public namespace ::1, router i ::(10+i) in
// decimal), side i's LAN fd00:10:0:(i+1)::/64 (router ::1, client j
// ::(2+j)).
type Topology struct {
	// Lab owns every namespace; Topology.Close closes it.
	Lab *Lab
	// Public holds the bridge; its Addr is 203.0.113.1. Servers that stand
	// for the internet (STUN, TURN) listen here.
	Public *Namespace
	// Sides are the routers and their clients, in the order of
	// Config.Sides.
	Sides []*Side

	ipv6 bool
}

// Side is one router and its LAN.
type Side struct {
	// NAT is what the router does.
	NAT NAT
	// Router is the router's namespace; its Addr is its public address.
	Router *Namespace
	// LAN is the side's private network.
	LAN netip.Prefix
	// LAN6 is the side's IPv6 network with Config.IPv6.
	LAN6 netip.Prefix
	// Clients are the namespaces on the LAN; their Addr is their private
	// address.
	Clients []*Namespace
}

// Public network plan, RFC 5737 TEST-NET-3.
var (
	publicNet   = netip.MustParsePrefix("203.0.113.0/24")
	publicAddr  = netip.MustParseAddr("203.0.113.1")
	publicNet6  = netip.MustParsePrefix("fd00:203:113::/64")
	publicAddr6 = netip.MustParseAddr("fd00:203:113::1")
)

// addr6 returns the IPv6 address of prefix p with host number host.
func addr6(p netip.Prefix, host int) netip.Addr {
	b := p.Addr().As16()
	b[14], b[15] = byte(host>>8), byte(host)
	return netip.AddrFrom16(b)
}

// lan6 returns side i's IPv6 LAN prefix.
func lan6(i int) netip.Prefix {
	b := netip.MustParseAddr("fd00:10::").As16()
	b[6], b[7] = byte((i+1)>>8), byte(i+1)
	return netip.PrefixFrom(netip.AddrFrom16(b), 64)
}

// NewTopology builds the topology cfg describes in a new Lab. On error it
// removes whatever it built. Close the Topology when done.
func NewTopology(ctx context.Context, cfg Config) (*Topology, error) {
	if len(cfg.Sides) > 200 {
		return nil, fmt.Errorf("%w: Sides has %d entries, at most 200 fit the address plan", ErrBadConfig, len(cfg.Sides))
	}
	for i, s := range cfg.Sides {
		if s.NAT < NoNAT || s.NAT > MasqueradeRandomFully {
			return nil, fmt.Errorf("%w: Sides[%d].NAT is %q", ErrBadConfig, i, s.NAT)
		}
		if s.Clients < 0 || s.Clients > 200 {
			return nil, fmt.Errorf("%w: Sides[%d].Clients is \"%d\", want 0 to 200", ErrBadConfig, i, s.Clients)
		}
		if s.UDPTimeout < 0 || s.UDPStreamTimeout < 0 {
			return nil, fmt.Errorf("%w: Sides[%d] has a negative UDP timeout", ErrBadConfig, i)
		}
	}
	lab, err := New()
	if err != nil {
		return nil, err
	}
	t := &Topology{Lab: lab, ipv6: cfg.IPv6}
	if err := t.build(ctx, cfg); err != nil {
		lab.Close()
		return nil, err
	}
	return t, nil
}

// Close deletes every namespace of the topology. Kill the processes you
// started inside it first.
func (t *Topology) Close() error { return t.Lab.Close() }

// namespace creates a namespace of the topology, with IPv6 on when the
// topology is dual-stack.
func (t *Topology) namespace(ctx context.Context, role string) (*Namespace, error) {
	n, err := t.Lab.Namespace(ctx, role)
	if err != nil {
		return nil, err
	}
	if t.ipv6 {
		if err := n.EnableIPv6(ctx); err != nil {
			return nil, err
		}
	}
	return n, nil
}

func (t *Topology) build(ctx context.Context, cfg Config) error {
	pub, err := t.namespace(ctx, "pub")
	if err != nil {
		return err
	}
	pub.Addr = publicAddr
	t.Public = pub
	if err := run(ctx, "ip", "-n", pub.Name, "link", "add", "br0", "type", "bridge"); err != nil {
		return err
	}
	if err := run(ctx, "ip", "-n", pub.Name, "link", "set", "br0", "up"); err != nil {
		return err
	}
	if err := pub.AddAddr(ctx, "br0", netip.PrefixFrom(publicAddr, publicNet.Bits())); err != nil {
		return err
	}
	// The public namespace has no upstream; a default route into the
	// bridge keeps stacks that want one happy (a packet to an unknown
	// address is simply lost, as on the internet).
	if err := run(ctx, "ip", "-n", pub.Name, "route", "replace", "default", "dev", "br0"); err != nil {
		return err
	}
	if t.ipv6 {
		pub.Addr6 = publicAddr6
		if err := pub.AddAddr(ctx, "br0", netip.PrefixFrom(publicAddr6, publicNet6.Bits())); err != nil {
			return err
		}
		if err := run(ctx, "ip", "-n", pub.Name, "-6", "route", "replace", "default", "dev", "br0"); err != nil {
			return err
		}
	}
	for i, sc := range cfg.Sides {
		side, err := t.buildSide(ctx, i, sc)
		if err != nil {
			return err
		}
		t.Sides = append(t.Sides, side)
	}
	// Routes back to the LANs of routers that do not translate.
	for i, s := range t.Sides {
		if s.NAT != NoNAT {
			continue
		}
		if err := pub.Route(ctx, s.LAN, s.Router.Addr); err != nil {
			return err
		}
		if t.ipv6 {
			if err := pub.Route(ctx, s.LAN6, s.Router.Addr6); err != nil {
				return err
			}
		}
		for j, o := range t.Sides {
			if j == i {
				continue
			}
			if err := o.Router.Route(ctx, s.LAN, s.Router.Addr); err != nil {
				return err
			}
			if t.ipv6 {
				if err := o.Router.Route(ctx, s.LAN6, s.Router.Addr6); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func (t *Topology) buildSide(ctx context.Context, i int, sc SideConfig) (*Side, error) {
	r, err := t.namespace(ctx, "r"+strconv.Itoa(i))
	if err != nil {
		return nil, err
	}
	r.Addr = netip.AddrFrom4([4]byte{203, 0, 113, byte(10 + i)})
	side := &Side{
		NAT:    sc.NAT,
		Router: r,
		LAN:    netip.PrefixFrom(netip.AddrFrom4([4]byte{10, 0, byte(i + 1), 0}), 24),
	}
	port := "r" + strconv.Itoa(i)
	if err := t.Lab.Link(ctx, r, "wan0", t.Public, port); err != nil {
		return nil, err
	}
	if err := run(ctx, "ip", "-n", t.Public.Name, "link", "set", port, "master", "br0"); err != nil {
		return nil, err
	}
	if err := r.AddAddr(ctx, "wan0", netip.PrefixFrom(r.Addr, publicNet.Bits())); err != nil {
		return nil, err
	}
	if err := r.DefaultRoute(ctx, publicAddr); err != nil {
		return nil, err
	}
	if err := run(ctx, "ip", "-n", r.Name, "link", "add", "lan0", "type", "bridge"); err != nil {
		return nil, err
	}
	if err := run(ctx, "ip", "-n", r.Name, "link", "set", "lan0", "up"); err != nil {
		return nil, err
	}
	gw := side.LAN.Addr().Next()
	if err := r.AddAddr(ctx, "lan0", netip.PrefixFrom(gw, 24)); err != nil {
		return nil, err
	}
	if err := r.Sysctl(ctx, "net.ipv4.ip_forward", "1"); err != nil {
		return nil, err
	}
	tables := []string{"iptables"}
	if t.ipv6 {
		tables = append(tables, "ip6tables")
		r.Addr6 = addr6(publicNet6, 10+i)
		side.LAN6 = lan6(i)
		if err := r.AddAddr(ctx, "wan0", netip.PrefixFrom(r.Addr6, publicNet6.Bits())); err != nil {
			return nil, err
		}
		if err := r.DefaultRoute(ctx, publicAddr6); err != nil {
			return nil, err
		}
		if err := r.AddAddr(ctx, "lan0", netip.PrefixFrom(addr6(side.LAN6, 1), 64)); err != nil {
			return nil, err
		}
		if err := r.Sysctl(ctx, "net.ipv6.conf.all.forwarding", "1"); err != nil {
			return nil, err
		}
	}
	for _, tool := range tables {
		switch sc.NAT {
		case Masquerade:
			err = r.Run(ctx, tool, "-t", "nat", "-A", "POSTROUTING", "-o", "wan0", "-j", "MASQUERADE")
		case MasqueradeRandomFully:
			err = r.Run(ctx, tool, "-t", "nat", "-A", "POSTROUTING", "-o", "wan0", "-j", "MASQUERADE", "--random-fully")
		}
		if err != nil {
			return nil, err
		}
	}
	for _, tool := range tables {
		if sc.NAT == NoNAT {
			break
		}
		// Like a home router, drop unsolicited packets addressed to the
		// router itself. Besides realism this matters for hole punching:
		// an accepted packet from a peer that arrives before the LAN host
		// has sent to that peer would commit a conntrack entry for the
		// same tuple, and the host's own packets would then be masqueraded
		// to another port. A dropped packet's entry is never committed.
		if tool == "ip6tables" {
			// Neighbour discovery (RFC 4861) must get through.
			if err := r.Run(ctx, tool, "-A", "INPUT", "-i", "wan0", "-p", "ipv6-icmp", "-j", "ACCEPT"); err != nil {
				return nil, err
			}
		}
		if err := r.Run(ctx, tool, "-A", "INPUT", "-i", "wan0", "-m", "conntrack", "--ctstate", "NEW,INVALID", "-j", "DROP"); err != nil {
			return nil, err
		}
	}
	if sc.UDPTimeout > 0 || sc.UDPStreamTimeout > 0 {
		// The conntrack sysctls appear in a namespace once conntrack
		// tracks something there; a NAT rule does that, a routing-only
		// router needs a conntrack match to load them.
		if sc.NAT == NoNAT {
			if err := r.Run(ctx, "iptables", "-A", "FORWARD", "-m", "conntrack", "--ctstate", "NEW,ESTABLISHED,RELATED", "-j", "ACCEPT"); err != nil {
				return nil, err
			}
		}
		if sc.UDPTimeout > 0 {
			if err := r.Sysctl(ctx, "net.netfilter.nf_conntrack_udp_timeout", seconds(sc.UDPTimeout)); err != nil {
				return nil, err
			}
		}
		if sc.UDPStreamTimeout > 0 {
			if err := r.Sysctl(ctx, "net.netfilter.nf_conntrack_udp_timeout_stream", seconds(sc.UDPStreamTimeout)); err != nil {
				return nil, err
			}
		}
	}
	clients := sc.Clients
	if clients == 0 {
		clients = 1
	}
	for j := 0; j < clients; j++ {
		c, err := t.namespace(ctx, "c"+strconv.Itoa(i)+"x"+strconv.Itoa(j))
		if err != nil {
			return nil, err
		}
		c.Addr = netip.AddrFrom4([4]byte{10, 0, byte(i + 1), byte(2 + j)})
		port := "c" + strconv.Itoa(j)
		if err := t.Lab.Link(ctx, c, "eth0", r, port); err != nil {
			return nil, err
		}
		if err := run(ctx, "ip", "-n", r.Name, "link", "set", port, "master", "lan0"); err != nil {
			return nil, err
		}
		if err := c.AddAddr(ctx, "eth0", netip.PrefixFrom(c.Addr, 24)); err != nil {
			return nil, err
		}
		if err := c.DefaultRoute(ctx, gw); err != nil {
			return nil, err
		}
		if t.ipv6 {
			c.Addr6 = addr6(side.LAN6, 2+j)
			if err := c.AddAddr(ctx, "eth0", netip.PrefixFrom(c.Addr6, 64)); err != nil {
				return nil, err
			}
			if err := c.DefaultRoute(ctx, addr6(side.LAN6, 1)); err != nil {
				return nil, err
			}
		}
		side.Clients = append(side.Clients, c)
	}
	return side, nil
}

// seconds renders d in whole seconds, at least 1.
func seconds(d time.Duration) string {
	s := int64(d / time.Second)
	if s < 1 {
		s = 1
	}
	return strconv.FormatInt(s, 10)
}
