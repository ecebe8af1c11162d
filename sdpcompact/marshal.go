package sdpcompact

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/qrtc/qrtc/onescan"
)

// marshal writes the session as conservative, standard SDP (RFC 8866,
// RFC 8839, RFC 8841, RFC 8842, RFC 8122) with CRLF line ends.
func (s *Session) marshal(t Type) string {
	var b strings.Builder
	line := func(format string, args ...any) {
		b.WriteString(fmt.Sprintf(format, args...))
		b.WriteString("\r\n")
	}
	// The session id only needs to be a number that stays the same for
	// the same session (RFC 8866 section 5.2): derive it from what is kept.
	h := sha256.Sum256([]byte(s.ICEUfrag + ":" + s.ICEPwd))
	line("v=0")
	line("o=- %d 2 IN IP4 127.0.0.1", binary.BigEndian.Uint64(h[:8])>>2)
	line("s=-")
	line("t=0 0")
	if s.ICELite {
		line("a=ice-lite")
	}
	line("a=group:BUNDLE %s", s.MID)
	line("m=application 9 UDP/DTLS/SCTP webrtc-datachannel")
	line("c=IN IP4 0.0.0.0")
	line("a=ice-ufrag:%s", s.ICEUfrag)
	line("a=ice-pwd:%s", s.ICEPwd)
	if s.ICEOptions != "" {
		line("a=ice-options:%s", s.ICEOptions)
	}
	for _, f := range s.Fingerprints {
		hexPairs := make([]string, len(f.Value))
		for i, c := range f.Value {
			hexPairs[i] = fmt.Sprintf("%02X", c)
		}
		line("a=fingerprint:%s %s", f.Algorithm, strings.Join(hexPairs, ":"))
	}
	line("a=setup:%s", s.Setup)
	line("a=mid:%s", s.MID)
	line("a=sctp-port:%d", s.SCTPPort)
	line("a=max-message-size:%d", s.MaxMessageSize)
	if s.OneScan {
		line("a=%s", onescan.Attribute)
	}
	foundations := map[string]int{}
	for i, c := range s.Candidates {
		// RFC 8445 section 5.1.2.1 with the recommended type preferences;
		// the local preference falls with the position so the order of
		// preference is kept.
		prio := typePreference(c.Type)<<24 | uint32(65535-i)<<8 | (256 - 1)
		// RFC 8445 section 5.1.1.3: same type, base and transport, same
		// foundation.
		base := c.Address
		if c.Type != "host" {
			base = c.RelatedAddress
		}
		key := c.Type + " " + c.Protocol + " " + base
		if _, ok := foundations[key]; !ok {
			foundations[key] = len(foundations) + 1
		}
		var extra string
		if c.Type != "host" {
			extra = fmt.Sprintf(" raddr %s rport %d", c.RelatedAddress, c.RelatedPort)
		}
		if c.TCPType != "" {
			extra += " tcptype " + c.TCPType
		}
		line("a=candidate:%d 1 %s %d %s %d typ %s%s", foundations[key], c.Protocol, prio, c.Address, c.Port, c.Type, extra)
	}
	line("a=end-of-candidates")
	return b.String()
}
