package sdpcompact

import (
	"fmt"
	"net/netip"
)

// Address kinds in a token, as prefix codes; doc.go lists their bits.
const (
	addrIPv4      = 0b00    // 32 bits
	addrIPv6      = 0b010   // 128 bits
	addrPrefix    = 0b0110  // index of an earlier candidate sharing a prefix, then the rest
	addrZeroRun   = 0b01110 // IPv6 with a run of zero groups: the groups around it
	addrLinkLocal = 0b01111 // IPv6 in fe80::/64: the 64-bit interface id
	addrMDNS      = 0b10    // 122 bits of a version 4 UUID, "<uuid>.local"
	addrSame      = 0b110   // index of an earlier candidate with this address
	addrHostname  = 0b111   // length and host-name characters
)

// minSharedGroups is the fewest leading 16-bit groups an IPv6 address must
// share with an earlier one to be written as a reference: a /64.
const minSharedGroups = 4

// canonicalIP parses a, an IP address in its canonical text form (RFC 5952
// for IPv6) without a zone.
func canonicalIP(a string) (netip.Addr, bool) {
	ip, err := netip.ParseAddr(a)
	if err != nil || ip.Zone() != "" || ip.String() != a {
		return netip.Addr{}, false
	}
	return ip, true
}

// groups returns the eight 16-bit groups of an IPv6 address.
func groups(ip netip.Addr) [8]uint64 {
	b := ip.As16()
	var g [8]uint64
	for i := range g {
		g[i] = uint64(b[2*i])<<8 | uint64(b[2*i+1])
	}
	return g
}

// fromGroups makes an IPv6 address of eight 16-bit groups.
func fromGroups(g [8]uint64) netip.Addr {
	var b [16]byte
	for i, v := range g {
		b[2*i], b[2*i+1] = byte(v>>8), byte(v)
	}
	return netip.AddrFrom16(b)
}

// packAddress writes an address in the shortest of the kinds that fit it;
// on a tie the kind listed first in doc.go wins, so every address has
// exactly one encoding.
func packAddress(w *bitWriter, earlier []Candidate, a string) error {
	for i, e := range earlier {
		if e.Address == a {
			w.write(addrSame, 3)
			w.write(uint64(i), refBits(len(earlier)))
			return nil
		}
	}
	if ip, ok := canonicalIP(a); ok {
		best := packIP(ip)
		for _, alt := range []*bitWriter{packPrefix(earlier, ip), packZeroRun(ip), packLinkLocal(ip)} {
			if alt != nil && len(alt.bits) < len(best.bits) {
				best = alt
			}
		}
		w.bits = append(w.bits, best.bits...)
		return nil
	}
	if u := mdnsUUID(a); u != nil {
		w.write(addrMDNS, 2)
		w.bytes(u[:6])
		w.write(uint64(u[6]&0x0f), 4)
		w.write(uint64(u[7]), 8)
		w.write(uint64(u[8]&0x3f), 6)
		w.bytes(u[9:])
		return nil
	}
	if len(a) == 0 || len(a) > maxStringLen {
		return fmt.Errorf("%w: address %q is not an IP address or a host name", ErrMalformedSDP, clip(a, 40))
	}
	w.write(addrHostname, 3)
	w.expGolomb(uint64(len(a)-1), 0)
	for i := 0; i < len(a); i++ {
		x := hostCharValue(a[i])
		if x < 0 {
			return fmt.Errorf("%w: address %q is not an IP address or a host name", ErrMalformedSDP, clip(a, 40))
		}
		w.write(uint64(x), 6)
	}
	return nil
}

// packIP writes an IP address in full.
func packIP(ip netip.Addr) *bitWriter {
	w := &bitWriter{}
	if ip.Is4() {
		w.write(addrIPv4, 2)
		b := ip.As4()
		w.bytes(b[:])
	} else {
		w.write(addrIPv6, 3)
		b := ip.As16()
		w.bytes(b[:])
	}
	return w
}

// packPrefix writes ip as a reference to the earlier candidate whose IP
// address of the same family shares the longest prefix with it (the first
// such candidate on a tie), then the bits that differ: for IPv4 a shared
// /24 and the last byte, for IPv6 at least minSharedGroups shared 16-bit
// groups, their count and the groups after them. It returns nil when no
// earlier address shares enough.
func packPrefix(earlier []Candidate, ip netip.Addr) *bitWriter {
	best, shared := -1, 0
	for i, e := range earlier {
		eip, ok := canonicalIP(e.Address)
		if !ok || eip.Is4() != ip.Is4() {
			continue
		}
		n := 0
		if ip.Is4() {
			a, b := ip.As4(), eip.As4()
			if a[0] == b[0] && a[1] == b[1] && a[2] == b[2] {
				n = 3
			}
		} else {
			a, b := groups(ip), groups(eip)
			for n < 8 && a[n] == b[n] {
				n++
			}
			if n < minSharedGroups {
				n = 0
			}
		}
		if n > shared {
			best, shared = i, n
		}
	}
	if best < 0 {
		return nil
	}
	w := &bitWriter{}
	w.write(addrPrefix, 4)
	w.write(uint64(best), refBits(len(earlier)))
	if ip.Is4() {
		b := ip.As4()
		w.write(uint64(b[3]), 8)
		return w
	}
	w.write(uint64(shared-minSharedGroups), 2)
	g := groups(ip)
	for _, v := range g[shared:] {
		w.write(v, 16)
	}
	return w
}

// packZeroRun writes an IPv6 address around its longest run of zero groups
// (the first on a tie): the count of groups before it and after it, 3 bits
// each, then those groups. It returns nil for IPv4 and for IPv6 addresses
// without a zero group.
func packZeroRun(ip netip.Addr) *bitWriter {
	if ip.Is4() {
		return nil
	}
	g := groups(ip)
	start, length := 0, 0
	for i := 0; i < 8; {
		if g[i] != 0 {
			i++
			continue
		}
		j := i
		for j < 8 && g[j] == 0 {
			j++
		}
		if j-i > length {
			start, length = i, j-i
		}
		i = j
	}
	if length == 0 {
		return nil
	}
	w := &bitWriter{}
	w.write(addrZeroRun, 5)
	w.write(uint64(start), 3)
	w.write(uint64(8-start-length), 3)
	for i, v := range g {
		if i < start || i >= start+length {
			w.write(v, 16)
		}
	}
	return w
}

// packLinkLocal writes an IPv6 link-local address of fe80::/64 (RFC 4291
// section 2.5.6) as its 64-bit interface id. It returns nil for other
// addresses.
func packLinkLocal(ip netip.Addr) *bitWriter {
	if ip.Is4() {
		return nil
	}
	g := groups(ip)
	if g[0] != 0xfe80 || g[1] != 0 || g[2] != 0 || g[3] != 0 {
		return nil
	}
	w := &bitWriter{}
	w.write(addrLinkLocal, 5)
	for _, v := range g[4:] {
		w.write(v, 16)
	}
	return w
}

// unpackAddress reads what packAddress wrote. Decode re-encodes the
// session, so it does not check here that the kind read is the shortest.
func unpackAddress(r *bitReader, earlier []Candidate) (string, error) {
	if !r.flag() {
		if !r.flag() {
			var b [4]byte
			copy(b[:], r.bytes(4))
			return netip.AddrFrom4(b).String(), r.err
		}
		return unpackIPv6(r, earlier)
	}
	if !r.flag() {
		u := make([]byte, 16)
		copy(u, r.bytes(6))
		u[6] = 0x40 | byte(r.read(4))
		u[7] = byte(r.read(8))
		u[8] = 0x80 | byte(r.read(6))
		copy(u[9:], r.bytes(7))
		return formatUUID(u) + ".local", r.err
	}
	if !r.flag() {
		i, err := readRef(r, earlier)
		if err != nil {
			return "", err
		}
		return earlier[i].Address, nil
	}
	n := r.expGolomb(0)
	if r.err != nil || n >= maxStringLen {
		return "", orInvalid(r.err)
	}
	b := make([]byte, n+1)
	for i := range b {
		x := r.read(6)
		if x >= uint64(len(hostChars)) {
			return "", orInvalid(r.err)
		}
		b[i] = hostChars[x]
	}
	return string(b), r.err
}

// unpackIPv6 reads the address kinds whose code starts with 01: IPv6 in
// full, a shared prefix (IPv4 or IPv6), a zero run, a link-local address.
func unpackIPv6(r *bitReader, earlier []Candidate) (string, error) {
	if !r.flag() {
		var b [16]byte
		copy(b[:], r.bytes(16))
		return netip.AddrFrom16(b).String(), r.err
	}
	if !r.flag() {
		return unpackPrefix(r, earlier)
	}
	var g [8]uint64
	if !r.flag() {
		before, after := int(r.read(3)), int(r.read(3))
		if r.err != nil || before+after > 7 {
			return "", orInvalid(r.err)
		}
		for i := 0; i < before; i++ {
			g[i] = r.read(16)
		}
		for i := 8 - after; i < 8; i++ {
			g[i] = r.read(16)
		}
		return fromGroups(g).String(), r.err
	}
	g[0] = 0xfe80
	for i := 4; i < 8; i++ {
		g[i] = r.read(16)
	}
	return fromGroups(g).String(), r.err
}

// readRef reads the index of an earlier candidate.
func readRef(r *bitReader, earlier []Candidate) (int, error) {
	i := r.read(refBits(len(earlier)))
	if r.err != nil || i >= uint64(len(earlier)) {
		return 0, orInvalid(r.err)
	}
	return int(i), nil
}

// unpackPrefix reads what packPrefix wrote after the kind code.
func unpackPrefix(r *bitReader, earlier []Candidate) (string, error) {
	i, err := readRef(r, earlier)
	if err != nil {
		return "", err
	}
	eip, ok := canonicalIP(earlier[i].Address)
	if !ok {
		return "", errInvalidField
	}
	if eip.Is4() {
		b := eip.As4()
		b[3] = byte(r.read(8))
		return netip.AddrFrom4(b).String(), r.err
	}
	shared := minSharedGroups + int(r.read(2))
	g := groups(eip)
	for k := shared; k < 8; k++ {
		g[k] = r.read(16)
	}
	return fromGroups(g).String(), r.err
}
