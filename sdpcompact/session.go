package sdpcompact

import (
	"encoding/hex"
	"fmt"
	"net/netip"
	"sort"
	"strconv"
	"strings"

	"github.com/qrtc/qrtc/onescan"
)

// Limits of what a token carries. Descriptions beyond them are refused with
// an error, never cut short.
const (
	// MaxCandidates is the most ICE candidates (component 1) a token carries.
	MaxCandidates = 32
	// maxFingerprints is the most a=fingerprint lines a token carries.
	maxFingerprints = 8
	// maxSDPLen caps the SDP text Parse reads.
	maxSDPLen = 64 << 10
	// maxStringLen caps mid, ice-options and host names.
	maxStringLen = 255
	// maxCredLen is the longest ice-ufrag or ice-pwd (RFC 8839 section 5.4).
	maxCredLen = 256
)

// Session is the part of a data-channel session description that a token
// keeps: everything the other peer needs to connect. Parse builds it from
// SDP; two descriptions with equal Sessions are the same for qrtc. The
// package documentation lists what is dropped and why.
type Session struct {
	// ICEUfrag and ICEPwd are the ICE credentials (RFC 8839 section 5.4).
	ICEUfrag string
	ICEPwd   string
	// ICELite is true for an ICE lite agent (RFC 8839 section 5.3).
	ICELite bool
	// ICEOptions are the a=ice-options tags separated by single spaces,
	// for example "trickle", or "" (RFC 8839 section 5.6).
	ICEOptions string
	// Fingerprints are the DTLS certificate fingerprints (RFC 8122
	// section 5), media-level ones if any, else session-level ones.
	Fingerprints []Fingerprint
	// Setup is the DTLS role: "actpass", "active", "passive" or "holdconn"
	// (RFC 8842 section 5, RFC 4145 section 4).
	Setup string
	// MID is the media stream identification (RFC 8843, RFC 5888).
	MID string
	// SCTPPort is the SCTP port (RFC 8841 section 5); 5000 when absent.
	SCTPPort int
	// MaxMessageSize is the largest message the peer receives (RFC 8841
	// section 6); 65536 when absent, 0 means no limit.
	MaxMessageSize uint64
	// Candidates are the ICE candidates of component 1 in the order of
	// preference: by type (host, prflx, srflx, relay), then by priority.
	Candidates []Candidate
	// OneScan is true when the description has a=qrtc-one-scan: an offer
	// whose maker accepts one-scan answers (package onescan).
	OneScan bool
}

// Fingerprint is one a=fingerprint line: a hash algorithm name in lower
// case ("sha-256") and the hash of the DTLS certificate (RFC 8122).
type Fingerprint struct {
	Algorithm string
	Value     []byte
}

// Candidate is one ICE candidate as far as a token keeps it (RFC 8839
// section 5.1). Priority, foundation, component and extensions are
// recomputed or dropped.
type Candidate struct {
	// Type is "host", "srflx", "prflx" or "relay".
	Type string
	// Protocol is "udp" or "tcp".
	Protocol string
	// TCPType is "active", "passive" or "so" for TCP candidates (RFC 6544
	// section 4.5) and "" for UDP ones.
	TCPType string
	// Address is an IP address in canonical form or a lower-case host name
	// such as an mDNS "<uuid>.local" name.
	Address string
	// Port is the candidate's port.
	Port int
	// RelatedAddress and RelatedPort are raddr and rport of srflx, prflx
	// and relay candidates ("0.0.0.0" and 0 when the stack hides them);
	// empty and 0 for host candidates.
	RelatedAddress string
	RelatedPort    int
}

// hashAlgorithms maps the fingerprint hash algorithms a token carries to their
// digest sizes in bytes (RFC 8122 section 5, IANA "Hash Function Textual
// Names"). The order is the code of the algorithm in a token.
var hashAlgorithms = []struct {
	name string
	size int
}{
	{"sha-256", 32},
	{"sha-1", 20},
	{"sha-384", 48},
	{"sha-512", 64},
	{"sha-224", 28},
	{"md5", 16},
	{"md2", 16},
}

// hashCode returns the code of a hash algorithm name, or -1.
func hashCode(name string) int {
	for i, h := range hashAlgorithms {
		if h.name == name {
			return i
		}
	}
	return -1
}

// typePreference returns the RFC 8445 section 5.1.2.2 recommended type
// preference of a candidate type.
func typePreference(typ string) uint32 {
	switch typ {
	case "host":
		return 126
	case "prflx":
		return 110
	case "srflx":
		return 100
	}
	return 0
}

// sdpLevel holds the attributes Parse reads at one level (session or media).
type sdpLevel struct {
	ufrag, pwd, options, setup, mid *string
	lite, oneScan                   bool
	fingerprints                    []Fingerprint
	sctpPort, maxMessageSize        *uint64
}

// parsedCandidate is a candidate with the priority it was listed with.
type parsedCandidate struct {
	Candidate
	priority uint32
}

// Parse reads a data-channel session description (one m=application
// section with UDP/DTLS/SCTP webrtc-datachannel, RFC 8841) and returns what
// a token keeps of it. Lines may end in CRLF or LF. It returns
// ErrMediaNotSupported for audio, video or several media sections,
// ErrNoCandidates when no candidate of component 1 is listed,
// ErrTooManyCandidates beyond MaxCandidates and ErrMalformedSDP for
// anything else it cannot read.
func Parse(sdp string) (*Session, error) {
	if len(sdp) > maxSDPLen {
		return nil, fmt.Errorf("%w: SDP is %d bytes, more than the %d a data-channel description needs", ErrMalformedSDP, len(sdp), maxSDPLen)
	}
	var session, media sdpLevel
	var cands []parsedCandidate
	level := &session
	sections := 0
	for i, line := range strings.Split(sdp, "\n") {
		line = strings.TrimSuffix(line, "\r")
		lineNo := i + 1
		if strings.TrimSpace(line) == "" {
			continue
		}
		if len(line) < 2 || line[1] != '=' || line[0] < 'a' || line[0] > 'z' {
			return nil, fmt.Errorf("%w: line %d %q is not of the form x=value; give the SDP exactly as the WebRTC stack printed it", ErrMalformedSDP, lineNo, clip(line, 40))
		}
		if i == 0 && line != "v=0" {
			return nil, fmt.Errorf("%w: first line is %q, not \"v=0\"", ErrMalformedSDP, clip(line, 40))
		}
		value := line[2:]
		switch line[0] {
		case 'm':
			sections++
			f := strings.Fields(value)
			if len(f) < 4 {
				return nil, fmt.Errorf("%w: line %d %q is not a valid media line", ErrMalformedSDP, lineNo, clip(line, 60))
			}
			if f[0] != "application" || !strings.HasSuffix(f[2], "SCTP") || f[3] != "webrtc-datachannel" {
				return nil, fmt.Errorf("%w: media section %q is not a data channel; qrtc carries only data-channel sessions, remove audio and video tracks", ErrMediaNotSupported, clip(value, 60))
			}
			if sections > 1 {
				return nil, fmt.Errorf("%w: the description has more than one media section; qrtc carries exactly one data-channel section", ErrMediaNotSupported)
			}
			if f[1] == "0" {
				// RFC 8866 section 5.14, RFC 3264 section 6: port 0 in
				// an answer rejects the section.
				return nil, fmt.Errorf("%w: line %d %q has port 0: the other side rejected the data channel; check that its WebRTC stack supports data channels and that the offer created one", ErrMalformedSDP, lineNo, clip(line, 60))
			}
			level = &media
		case 'a':
			name, arg, _ := strings.Cut(value, ":")
			if name == "candidate" {
				c, err := parseCandidate(arg)
				if err != nil {
					return nil, fmt.Errorf("%w (SDP line %d)", err, lineNo)
				}
				if c != nil {
					cands = append(cands, *c)
					if len(cands) > MaxCandidates {
						return nil, fmt.Errorf("%w: more than %d candidates of component 1; use fewer network interfaces or ICE servers", ErrTooManyCandidates, MaxCandidates)
					}
				}
				continue
			}
			if err := level.attribute(name, arg); err != nil {
				return nil, fmt.Errorf("%w (SDP line %d)", err, lineNo)
			}
		}
	}
	if sections == 0 {
		return nil, fmt.Errorf("%w: no m=application section; create a data channel before making the offer", ErrMalformedSDP)
	}
	return build(&session, &media, cands)
}

// build merges the session and media levels into a Session.
func build(session, media *sdpLevel, cands []parsedCandidate) (*Session, error) {
	pick := func(m, s *string) *string {
		if m != nil {
			return m
		}
		return s
	}
	s := &Session{SCTPPort: 5000, MaxMessageSize: 65536}
	ufrag, pwd := pick(media.ufrag, session.ufrag), pick(media.pwd, session.pwd)
	if ufrag == nil || pwd == nil {
		return nil, fmt.Errorf("%w: a=ice-ufrag or a=ice-pwd is missing", ErrMalformedSDP)
	}
	s.ICEUfrag, s.ICEPwd = *ufrag, *pwd
	if err := checkCredential("ice-ufrag", s.ICEUfrag, 4); err != nil {
		return nil, err
	}
	if err := checkCredential("ice-pwd", s.ICEPwd, 22); err != nil {
		return nil, err
	}
	s.ICELite = session.lite || media.lite
	s.OneScan = session.oneScan || media.oneScan
	if o := pick(media.options, session.options); o != nil {
		s.ICEOptions = *o
	}
	s.Fingerprints = media.fingerprints
	if len(s.Fingerprints) == 0 {
		s.Fingerprints = session.fingerprints
	}
	if len(s.Fingerprints) == 0 {
		return nil, fmt.Errorf("%w: no a=fingerprint line; a WebRTC description always has one", ErrMalformedSDP)
	}
	setup := pick(media.setup, session.setup)
	if setup == nil {
		return nil, fmt.Errorf("%w: a=setup is missing", ErrMalformedSDP)
	}
	s.Setup = *setup
	if media.mid == nil {
		return nil, fmt.Errorf("%w: a=mid is missing in the media section", ErrMalformedSDP)
	}
	s.MID = *media.mid
	if media.sctpPort != nil {
		s.SCTPPort = int(*media.sctpPort)
	}
	if media.maxMessageSize != nil {
		s.MaxMessageSize = *media.maxMessageSize
	}
	if len(cands) == 0 {
		return nil, fmt.Errorf("%w: wait for ICE gathering to complete before taking the description", ErrNoCandidates)
	}
	sort.SliceStable(cands, func(i, j int) bool {
		pi, pj := typePreference(cands[i].Type), typePreference(cands[j].Type)
		if pi != pj {
			return pi > pj
		}
		return cands[i].priority > cands[j].priority
	})
	s.Candidates = make([]Candidate, len(cands))
	for i, c := range cands {
		s.Candidates[i] = c.Candidate
	}
	return s, nil
}

// attribute records one a= line at this level; unknown attributes are
// ignored.
func (l *sdpLevel) attribute(name, arg string) error {
	str := func(dst **string, check func(string) error) error {
		if *dst != nil {
			return fmt.Errorf("%w: a=%s appears twice", ErrMalformedSDP, name)
		}
		if check != nil {
			if err := check(arg); err != nil {
				return err
			}
		}
		v := arg
		*dst = &v
		return nil
	}
	num := func(dst **uint64, max uint64) error {
		if *dst != nil {
			return fmt.Errorf("%w: a=%s appears twice", ErrMalformedSDP, name)
		}
		n, err := strconv.ParseUint(strings.TrimSpace(arg), 10, 64)
		if err != nil || n > max {
			return fmt.Errorf("%w: a=%s:%s is not a number from 0 to %d", ErrMalformedSDP, name, clip(arg, 24), max)
		}
		*dst = &n
		return nil
	}
	switch name {
	case "ice-ufrag":
		return str(&l.ufrag, nil)
	case "ice-pwd":
		return str(&l.pwd, nil)
	case "ice-lite":
		l.lite = true
	case onescan.Attribute:
		l.oneScan = true
	case "ice-options":
		if l.options != nil {
			return fmt.Errorf("%w: a=ice-options appears twice", ErrMalformedSDP)
		}
		v := strings.Join(strings.Fields(arg), " ")
		if err := checkText("ice-options", v, true); err != nil {
			return err
		}
		l.options = &v
	case "setup":
		return str(&l.setup, func(v string) error {
			switch v {
			case "actpass", "active", "passive", "holdconn":
				return nil
			}
			return fmt.Errorf("%w: a=setup:%s is not actpass, active, passive or holdconn", ErrMalformedSDP, clip(v, 24))
		})
	case "mid":
		return str(&l.mid, func(v string) error { return checkText("mid", v, false) })
	case "sctp-port":
		return num(&l.sctpPort, 65535)
	case "max-message-size":
		return num(&l.maxMessageSize, 1<<32-1)
	case "fingerprint":
		f, err := parseFingerprint(arg)
		if err != nil {
			return err
		}
		l.fingerprints = append(l.fingerprints, f)
		if len(l.fingerprints) > maxFingerprints {
			return fmt.Errorf("%w: more than %d fingerprints", ErrMalformedSDP, maxFingerprints)
		}
	}
	return nil
}

// checkCredential checks an ICE ufrag or password: ice-chars only
// (RFC 8839 section 5.4), at least min and at most maxCredLen of them.
func checkCredential(name, v string, min int) error {
	if len(v) < min || len(v) > maxCredLen {
		return fmt.Errorf("%w: a=%s %q has %d characters; RFC 8839 requires %d to %d", ErrMalformedSDP, name, clip(v, 40), len(v), min, maxCredLen)
	}
	for i := 0; i < len(v); i++ {
		if iceCharValue(v[i]) < 0 {
			return fmt.Errorf("%w: a=%s %q has character %q, which is not an ICE character (letters, digits, + and /)", ErrMalformedSDP, name, clip(v, 40), v[i])
		}
	}
	return nil
}

// checkText checks a mid or ice-options value: 1 to maxStringLen printable
// ASCII characters, spaces only where allowed.
func checkText(name, v string, spaces bool) error {
	if len(v) == 0 || len(v) > maxStringLen {
		return fmt.Errorf("%w: a=%s value %q must have 1 to %d characters", ErrMalformedSDP, name, clip(v, 40), maxStringLen)
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; c < 0x21 || c > 0x7e {
			if c == ' ' && spaces {
				continue
			}
			return fmt.Errorf("%w: a=%s value %q has character %q; only printable ASCII is allowed", ErrMalformedSDP, name, clip(v, 40), c)
		}
	}
	return nil
}

// parseFingerprint reads "sha-256 AB:CD:..." (RFC 8122 section 5).
func parseFingerprint(arg string) (Fingerprint, error) {
	alg, val, ok := strings.Cut(strings.TrimSpace(arg), " ")
	alg = strings.ToLower(alg)
	code := hashCode(alg)
	if !ok || code < 0 {
		return Fingerprint{}, fmt.Errorf("%w: a=fingerprint:%s: hash algorithm %q is not one of sha-1, sha-224, sha-256, sha-384, sha-512, md5, md2", ErrMalformedSDP, clip(arg, 24), clip(alg, 16))
	}
	size := hashAlgorithms[code].size
	val = strings.TrimSpace(val)
	b, err := hex.DecodeString(strings.ReplaceAll(val, ":", ""))
	if err != nil || len(b) != size || len(val) != 3*size-1 {
		return Fingerprint{}, fmt.Errorf("%w: a=fingerprint:%s: value must be %d hex byte pairs separated by colons", ErrMalformedSDP, clip(arg, 40), size)
	}
	for i := 2; i < len(val); i += 3 {
		if val[i] != ':' {
			return Fingerprint{}, fmt.Errorf("%w: a=fingerprint:%s: value must be %d hex byte pairs separated by colons", ErrMalformedSDP, clip(arg, 40), size)
		}
	}
	return Fingerprint{Algorithm: alg, Value: b}, nil
}

// parseCandidate reads the value of an a=candidate line (RFC 8839 section
// 5.1, RFC 6544 section 4.5). It returns nil for candidates of components
// other than 1.
func parseCandidate(arg string) (*parsedCandidate, error) {
	bad := func(why string) error {
		return fmt.Errorf("%w: a=candidate:%s: %s", ErrMalformedSDP, clip(arg, 80), why)
	}
	f := strings.Fields(arg)
	if len(f) < 8 || f[6] != "typ" {
		return nil, bad("expected foundation, component, transport, priority, address, port, \"typ\" and type")
	}
	comp, err := strconv.ParseUint(f[1], 10, 16)
	if err != nil || comp < 1 || comp > 256 {
		return nil, bad("component is not a number from 1 to 256")
	}
	prio, err := strconv.ParseUint(f[3], 10, 32)
	if err != nil {
		return nil, bad("priority is not a number from 0 to 4294967295")
	}
	c := &parsedCandidate{priority: uint32(prio)}
	c.Protocol = strings.ToLower(f[2])
	if c.Protocol != "udp" && c.Protocol != "tcp" {
		return nil, bad(fmt.Sprintf("transport %q is not UDP or TCP", clip(f[2], 16)))
	}
	if c.Address, err = parseAddress(f[4]); err != nil {
		return nil, bad(err.Error())
	}
	if c.Port, err = parsePort(f[5]); err != nil {
		return nil, bad(err.Error())
	}
	c.Type = strings.ToLower(f[7])
	switch c.Type {
	case "host", "srflx", "prflx", "relay":
	default:
		return nil, bad(fmt.Sprintf("candidate type %q is not host, srflx, prflx or relay", clip(f[7], 16)))
	}
	var raddr, rport *string
	for i := 8; i+1 < len(f); i += 2 {
		k, v := f[i], f[i+1]
		switch k {
		case "raddr":
			raddr = &f[i+1]
		case "rport":
			rport = &f[i+1]
		case "tcptype":
			c.TCPType = strings.ToLower(v)
		}
	}
	if len(f)%2 != 0 {
		return nil, bad("extensions must come in name and value pairs")
	}
	switch {
	case c.Protocol == "tcp" && c.TCPType != "active" && c.TCPType != "passive" && c.TCPType != "so":
		return nil, bad("a TCP candidate needs tcptype active, passive or so (RFC 6544)")
	case c.Protocol == "udp":
		c.TCPType = ""
	}
	if comp != 1 {
		return nil, nil
	}
	if c.Type == "host" {
		return c, nil
	}
	c.RelatedAddress, c.RelatedPort = "0.0.0.0", 0
	if raddr != nil {
		if c.RelatedAddress, err = parseAddress(*raddr); err != nil {
			return nil, bad("raddr: " + err.Error())
		}
	}
	if rport != nil {
		if c.RelatedPort, err = parsePort(*rport); err != nil {
			return nil, bad("rport: " + err.Error())
		}
	}
	return c, nil
}

// parsePort reads a port number.
func parsePort(s string) (int, error) {
	p, err := strconv.ParseUint(s, 10, 16)
	if err != nil {
		return 0, fmt.Errorf("port %q is not a number from 0 to 65535", clip(s, 16))
	}
	return int(p), nil
}

// parseAddress returns an IP address in canonical form or a host name in
// lower case.
func parseAddress(s string) (string, error) {
	if a, err := netip.ParseAddr(s); err == nil && a.Zone() == "" {
		return a.String(), nil
	}
	h := strings.ToLower(s)
	if len(h) == 0 || len(h) > maxStringLen {
		return "", fmt.Errorf("address %q is not an IP address or a host name", clip(s, 40))
	}
	for i := 0; i < len(h); i++ {
		if hostCharValue(h[i]) < 0 {
			return "", fmt.Errorf("address %q is not an IP address or a host name", clip(s, 40))
		}
	}
	return h, nil
}

// hostChars is the alphabet of host names in a token.
const hostChars = "abcdefghijklmnopqrstuvwxyz0123456789-._"

// hostCharValue returns the index of c in hostChars, or -1.
func hostCharValue(c byte) int { return strings.IndexByte(hostChars, c) }

// iceChars is the ice-char alphabet (RFC 8839 section 5.4) in the order of
// base64 (RFC 4648 section 4), so that base64 text packs 6 bits a char.
const iceChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

// iceCharValue returns the index of c in iceChars, or -1.
func iceCharValue(c byte) int { return strings.IndexByte(iceChars, c) }
