package peer

import (
	"fmt"
	"github.com/qrtc/qrtc/phrase"
	"slices"
	"strconv"
	"strings"

	"github.com/pion/sdp/v3"
	"github.com/qrtc/qrtc/onescan"
)

// Facts about a session description that Peer checks before it hands the
// description to pion, so that a wrong paste fails with a clear error.
type description struct {
	setup          string // a=setup of the data section: actpass, active, passive or ""
	hasDataChannel bool   // an accepted m=application section with webrtc-datachannel
	fingerprint    string // first a=fingerprint, "sha-256 AB:CD:..."
	maxMessageSize int    // a=max-message-size; 65536 when absent (RFC 8841 section 6.1)
	candidates     []string
	ufrag, pwd     string // a=ice-ufrag and a=ice-pwd, media level first
	mid            string // a=mid of the data section
	oneScan        bool   // a=qrtc-one-scan: the offerer accepts one-scan answers
}

// maxSDPLen caps the SDP text Peer parses: real data channel descriptions
// are under 2 kB.
const maxSDPLen = 64 * 1024

// defaultRemoteMaxMessageSize is the limit RFC 8841 section 6.1 assumes when
// the other side announces none.
const defaultRemoteMaxMessageSize = 65536

// unlimitedMessageSize stands for "a=max-message-size:0", which RFC 8841
// section 6.1 defines as "no limit"; Send still caps messages here.
const unlimitedMessageSize = 1<<30 - 1

// parseDescription parses SDP text and extracts the facts Peer needs.
func parseDescription(text string) (description, error) {
	if len(text) > maxSDPLen {
		return description{}, fmt.Errorf("%w: %d bytes of SDP, more than the %d a data channel session needs; is this the right text?", ErrBadDescription, len(text), maxSDPLen)
	}
	if strings.TrimSpace(text) == "" {
		return description{}, fmt.Errorf("%w: the SDP text is empty; paste the whole description", ErrBadDescription)
	}
	var s sdp.SessionDescription
	if err := s.UnmarshalString(text); err != nil {
		return description{}, fmt.Errorf("%w: cannot parse SDP starting %q: %v", ErrBadDescription, firstLine(text), err)
	}
	d := description{maxMessageSize: defaultRemoteMaxMessageSize}
	if v, ok := s.Attribute("fingerprint"); ok {
		d.fingerprint = v
	}
	if v, ok := s.Attribute("setup"); ok {
		d.setup = v
	}
	d.ufrag, _ = s.Attribute("ice-ufrag")
	d.pwd, _ = s.Attribute("ice-pwd")
	_, d.oneScan = s.Attribute(onescan.Attribute)
	for _, m := range s.MediaDescriptions {
		if m.MediaName.Media != "application" || !slices.Contains(m.MediaName.Formats, "webrtc-datachannel") {
			continue
		}
		if m.MediaName.Port.Value == 0 {
			continue // rejected section (RFC 8843 section 7.3.3)
		}
		d.hasDataChannel = true
		if v, ok := m.Attribute("setup"); ok {
			d.setup = v
		}
		if v, ok := m.Attribute("ice-ufrag"); ok {
			d.ufrag = v
		}
		if v, ok := m.Attribute("ice-pwd"); ok {
			d.pwd = v
		}
		if _, ok := m.Attribute(onescan.Attribute); ok {
			d.oneScan = true
		}
		d.mid, _ = m.Attribute("mid")
		if v, ok := m.Attribute("fingerprint"); ok && d.fingerprint == "" {
			d.fingerprint = v
		}
		if v, ok := m.Attribute("max-message-size"); ok {
			n, err := strconv.ParseUint(strings.TrimSpace(v), 10, 64)
			if err != nil {
				return description{}, fmt.Errorf("%w: a=max-message-size %q is not a number", ErrBadDescription, v)
			}
			switch {
			case n == 0 || n > unlimitedMessageSize:
				d.maxMessageSize = unlimitedMessageSize
			default:
				d.maxMessageSize = int(n)
			}
		}
		for _, a := range m.Attributes {
			if a.Key == "candidate" {
				d.candidates = append(d.candidates, "candidate:"+a.Value)
			}
		}
		break
	}
	d.fingerprint = normalizeFingerprint(d.fingerprint)
	return d, nil
}

// checkOffer checks that text is an offer with a data channel.
func checkOffer(text string) (description, error) {
	d, err := parseDescription(text)
	if err != nil {
		return d, err
	}
	if !d.hasDataChannel {
		return d, fmt.Errorf("%w: the offer has no \"m=application ... webrtc-datachannel\" section; it must come from a peer that created a data channel", ErrNoDataChannel)
	}
	if d.setup != "" && d.setup != "actpass" {
		return d, fmt.Errorf("%w: it says a=setup:%s, which only answers use; give this side the offer (the first token) instead", ErrNotOffer, d.setup)
	}
	if d.fingerprint == "" {
		return d, fmt.Errorf("%w: the offer has no a=fingerprint line, so DTLS cannot be checked", ErrBadDescription)
	}
	return d, nil
}

// checkAnswer checks that text is an answer with a data channel.
func checkAnswer(text string) (description, error) {
	d, err := parseDescription(text)
	if err != nil {
		return d, err
	}
	if d.setup == "actpass" {
		return d, fmt.Errorf("%w: it says a=setup:actpass, which only offers use; give this side the answer from the other side instead", ErrNotAnswer)
	}
	if !d.hasDataChannel {
		return d, fmt.Errorf("%w: the answer has no accepted \"m=application ... webrtc-datachannel\" section; the other side refused the data channel", ErrNoDataChannel)
	}
	if d.fingerprint == "" {
		return d, fmt.Errorf("%w: the answer has no a=fingerprint line, so DTLS cannot be checked", ErrBadDescription)
	}
	return d, nil
}

// normalizeFingerprint turns "SHA-256 ab:cd" into "sha-256 AB:CD" so that
// the same certificate gives the same text whoever wrote the SDP.
func normalizeFingerprint(v string) string {
	return phrase.Normalize(v)
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	s = strings.TrimRight(s, "\r")
	if len(s) > 40 {
		s = s[:40]
	}
	return s
}
