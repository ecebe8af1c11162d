package sdpcompact

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
)

// bitString renders bits as 0s and 1s.
func bitString(bits []bool) string {
	var b strings.Builder
	for _, x := range bits {
		if x {
			b.WriteByte('1')
		} else {
			b.WriteByte('0')
		}
	}
	return b.String()
}

// hostCandidates makes UDP host candidates at the addresses.
func hostCandidates(addrs ...string) []Candidate {
	var cs []Candidate
	for i, a := range addrs {
		cs = append(cs, Candidate{Type: "host", Protocol: "udp", Address: a, Port: 40000 + i})
	}
	return cs
}

// addressCases are addresses after earlier candidates, with the kind code
// and the number of bits the shortest encoding takes (doc.go).
var addressCases = []struct {
	name    string
	earlier []string
	addr    string
	code    string
	bits    int
}{
	{"IPv4", nil, "192.0.2.2", "00", 2 + 32},
	{"IPv4 sharing a /24", []string{"10.0.1.2"}, "10.0.1.9", "0110", 4 + 0 + 8},
	{"IPv4 sharing a /24 with the second of three", []string{"10.0.0.1", "10.0.1.2", "fd00::2"}, "10.0.1.9", "0110", 4 + 2 + 8},
	{"IPv4 sharing a /16 only", []string{"10.0.1.2"}, "10.0.2.2", "00", 2 + 32},
	{"IPv4 after an IPv6 address", []string{"::ffff:10.0.1.2"}, "10.0.1.9", "00", 2 + 32},
	{"same IPv4", []string{"10.0.1.2", "10.0.1.3"}, "10.0.1.3", "110", 3 + 1},
	{"IPv6 without zero groups", nil, "2001:db8:4a1c:7e02:8d3f:1b2a:c4e5:96f7", "010", 3 + 128},
	{"fd00::2", nil, "fd00::2", "01110", 5 + 6 + 2*16},
	{"2001:db8::1", []string{"192.0.2.2"}, "2001:db8::1", "01110", 5 + 6 + 3*16},
	{"IPv4-mapped", nil, "::ffff:192.0.2.10", "01110", 5 + 6 + 3*16},
	{"unspecified", nil, "::", "01110", 5 + 6},
	{"zero run in the middle", nil, "fd00:10:0:1::3", "01110", 5 + 6 + 5*16},
	{"longest of two zero runs", nil, "1:0:2::3:4:5", "01110", 5 + 6 + 6*16},
	{"first of two equal zero runs", nil, "1::2:3:0:0:4", "01110", 5 + 6 + 6*16},
	{"link-local", nil, "fe80::1c2d:3e4f:5a6b:7c8d", "01111", 5 + 64},
	{"short link-local", nil, "fe80::1", "01110", 5 + 6 + 2*16},
	{"fe80:1::/64 is not link-local", nil, "fe80:1::1c2d:3e4f:5a6b:7c8d", "01110", 5 + 6 + 6*16},
	{"same /64", []string{"192.0.2.2", "2001:db8:4a1c:7e02:8d3f:1b2a:c4e5:96f7"}, "2001:db8:4a1c:7e02:5c19:e83b:a27d:1f40", "0110", 4 + 1 + 2 + 4*16},
	{"same /96", []string{"2001:db8:4a1c:7e02:8d3f:1b2a:c4e5:96f7"}, "2001:db8:4a1c:7e02:8d3f:1b2a:1:2", "0110", 4 + 0 + 2 + 2*16},
	{"longest shared prefix wins", []string{"2001:db8:4a1c:7e02:1:2:3:4", "2001:db8:4a1c:7e02:8d3f:1b2a:c4e5:96f7"}, "2001:db8:4a1c:7e02:8d3f:9:9:9", "0110", 4 + 1 + 2 + 3*16},
	{"a /48 is not enough", []string{"2001:db8:4a1c:7e02:8d3f:1b2a:c4e5:96f7"}, "2001:db8:4a1c:7e03:8d3f:1b2a:c4e5:96f7", "010", 3 + 128},
	{"zero run shorter than the prefix rest", []string{"fd00:10:0:1:5:6:7:8"}, "fd00:10:0:1::3", "0110", 4 + 0 + 2 + 4*16},
	{"mDNS", nil, "ac26935d-47d0-488d-9abe-9c16d04815e3.local", "10", 2 + 122},
	{"host name", nil, "my-laptop.local", "111", 3 + 7 + 15*6},
}

func TestAddressKinds(t *testing.T) {
	for _, tc := range addressCases {
		t.Run(tc.name, func(t *testing.T) {
			earlier := hostCandidates(tc.earlier...)
			w := &bitWriter{}
			if err := packAddress(w, earlier, tc.addr); err != nil {
				t.Fatalf("packAddress(%q) = %v", tc.addr, err)
			}
			got := bitString(w.bits)
			if !strings.HasPrefix(got, tc.code) || len(w.bits) != tc.bits {
				t.Errorf("packAddress(%q) = %d bits starting %.8s, want %d bits starting %s", tc.addr, len(w.bits), got, tc.bits, tc.code)
			}
			r := &bitReader{bits: w.bits}
			back, err := unpackAddress(r, earlier)
			if err != nil || back != tc.addr || r.pos != len(w.bits) {
				t.Errorf("unpackAddress(%s) = %q, %v after %d of %d bits, want %q", got, back, err, r.pos, len(w.bits), tc.addr)
			}
		})
	}
}

// profileToken makes a token of qrtc's own profile whose host candidates'
// addresses are the given bit strings, written as they are.
func profileToken(addrBits ...string) string {
	w := &bitWriter{}
	w.flag(true)
	w.bytes([]byte("0123456789abcdef"))
	w.bytes([]byte("fingerprint of thirty-two bytes!"))
	w.expGolomb(uint64(len(addrBits)-1), 0)
	for i, a := range addrBits {
		w.flag(true)
		for _, c := range a {
			w.flag(c == '1')
		}
		w.write(uint64(40000+i), 16)
	}
	return formatToken(Offer, w.bits)
}

// bits joins fields of 0s and 1s.
func bits(fields ...string) string {
	return strings.Join(fields, "")
}

// bitsOf writes the n low bits of v as 0s and 1s.
func bitsOf(v uint64, n int) string {
	w := &bitWriter{}
	w.write(v, n)
	return bitString(w.bits)
}

// Every address has one encoding: a token that writes an address in a kind
// other than the shortest is refused, the shortest one decodes.
func TestAddressCanonical(t *testing.T) {
	ipv4 := bits("00", bitsOf(0xc0000202, 32))                                            // 192.0.2.2
	fd002 := bits("01110", bitsOf(1, 3), bitsOf(1, 3), bitsOf(0xfd00, 16), bitsOf(2, 16)) // fd00::2
	for _, tc := range []struct {
		name       string
		canonical  []string
		equivalent []string
	}{
		{"fd00::2 in full", []string{ipv4, fd002}, []string{ipv4, bits("010", bitsOf(0xfd00, 16), bitsOf(0, 96), bitsOf(2, 16))}},
		{"zero run not the longest", []string{fd002},
			[]string{bits("01110", bitsOf(2, 3), bitsOf(1, 3), bitsOf(0xfd00, 16), bitsOf(0, 16), bitsOf(2, 16))}},
		{"IPv4 /24 in full", []string{ipv4, bits("0110", bitsOf(0x03, 8))}, []string{ipv4, bits("00", bitsOf(0xc0000203, 32))}},
		{"same address as a prefix", []string{ipv4, bits("110")}, []string{ipv4, bits("0110", bitsOf(0x02, 8))}},
		{"fe80::1 as link-local", []string{bits("01110", bitsOf(1, 3), bitsOf(1, 3), bitsOf(0xfe80, 16), bitsOf(1, 16))},
			[]string{bits("01111", bitsOf(1, 64))}},
		{"/64 as a zero run", []string{fd002, bits("0110", bitsOf(0, 2), bitsOf(0x1234, 16), bitsOf(5, 16), bitsOf(6, 16), bitsOf(7, 16))},
			[]string{fd002, bits("01110", bitsOf(1, 3), bitsOf(4, 3), bitsOf(0xfd00, 16), bitsOf(0x1234, 16), bitsOf(5, 16), bitsOf(6, 16), bitsOf(7, 16))}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tok := profileToken(tc.canonical...)
			if _, err := Decode(tok); err != nil {
				t.Fatalf("Decode(canonical %s) = %v, want a description", tok, err)
			}
			other := profileToken(tc.equivalent...)
			d, err := Decode(other)
			if !errors.Is(err, ErrInvalidToken) {
				t.Errorf("Decode(non-canonical %s) = %v, %v; want %v", other, d.SDP, err, ErrInvalidToken)
			}
		})
	}
}

// Fields a decoder must refuse before it uses them.
func TestAddressInvalid(t *testing.T) {
	for _, tc := range []struct {
		name string
		addr []string
	}{
		{"zero run with 8 groups", []string{bits("01110", bitsOf(4, 3), bitsOf(4, 3), bitsOf(0, 128))}},
		{"prefix without earlier candidates", []string{bits("0110", bitsOf(1, 8))}},
		{"prefix of an mDNS name", []string{bits("10", bitsOf(0, 122)), bits("0110", bitsOf(1, 8))}},
		{"prefix of a host name", []string{bits("111", bitsOf(0, 1), bitsOf(1, 6)), bits("0110", bitsOf(1, 8))}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tok := profileToken(tc.addr...)
			if d, err := Decode(tok); !errors.Is(err, ErrInvalidToken) {
				t.Errorf("Decode(%s) = %q, %v; want %v", tok, d.SDP, err, ErrInvalidToken)
			}
		})
	}
}

// FuzzAddress packs an IP address after two earlier candidates' addresses
// (4 bytes IPv4, 16 bytes IPv6, else an mDNS name) and reads it back.
func FuzzAddress(f *testing.F) {
	for _, tc := range addressCases {
		var in [3][]byte
		addrs := []string{"", "", tc.addr}
		copy(addrs[:2], tc.earlier)
		for i, a := range addrs {
			if ip, ok := canonicalIP(a); ok {
				in[i] = ip.AsSlice()
			}
		}
		f.Add(in[0], in[1], in[2])
	}
	f.Fuzz(func(t *testing.T, a, b, c []byte) {
		var addrs []string
		for _, x := range [][]byte{a, b, c} {
			ip, ok := netip.AddrFromSlice(x)
			if !ok {
				addrs = append(addrs, "ac26935d-47d0-488d-9abe-9c16d04815e3.local")
				continue
			}
			addrs = append(addrs, ip.String())
		}
		earlier := hostCandidates(addrs[:2]...)
		w := &bitWriter{}
		if err := packAddress(w, earlier, addrs[2]); err != nil {
			t.Fatalf("packAddress(%q after %q) = %v", addrs[2], addrs[:2], err)
		}
		if len(w.bits) > 3+128 {
			t.Errorf("packAddress(%q) = %d bits, more than an IPv6 address in full", addrs[2], len(w.bits))
		}
		r := &bitReader{bits: w.bits}
		got, err := unpackAddress(r, earlier)
		if err != nil || got != addrs[2] || r.pos != len(w.bits) {
			t.Fatalf("unpackAddress(packAddress(%q after %q)) = %q, %v after %d of %d bits", addrs[2], addrs[:2], got, err, r.pos, len(w.bits))
		}
	})
}
