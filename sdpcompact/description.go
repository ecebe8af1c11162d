package sdpcompact

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Type says whether a description is an offer or an answer.
type Type int

// The two types of session description qrtc carries (RFC 8829 section 4.1.8).
const (
	Offer Type = iota + 1
	Answer
)

// String returns "offer" or "answer", the W3C names of the types.
func (t Type) String() string {
	switch t {
	case Offer:
		return "offer"
	case Answer:
		return "answer"
	}
	return fmt.Sprintf("Type(%d)", int(t))
}

// parseType maps the W3C names "offer" and "answer" to a Type.
func parseType(s string) (Type, error) {
	switch s {
	case "offer":
		return Offer, nil
	case "answer":
		return Answer, nil
	}
	return 0, fmt.Errorf("%w: description type %q is not \"offer\" or \"answer\"; qrtc carries only complete offers and answers", ErrMalformedSDP, s)
}

// Description is a session description: its type and its SDP text, the
// same pair as the W3C RTCSessionDescriptionInit and pion's
// webrtc.SessionDescription.
type Description struct {
	Type Type
	SDP  string
}

// jsonDescription is the W3C JSON form of a Description.
type jsonDescription struct {
	Type string `json:"type"`
	SDP  string `json:"sdp"`
}

// MarshalJSON writes the W3C form {"type":"offer","sdp":"..."}.
func (d Description) MarshalJSON() ([]byte, error) {
	if d.Type != Offer && d.Type != Answer {
		return nil, fmt.Errorf("%w: description type %d is neither Offer nor Answer", ErrMalformedSDP, int(d.Type))
	}
	return json.Marshal(jsonDescription{Type: d.Type.String(), SDP: d.SDP})
}

// UnmarshalJSON reads the W3C form {"type":"offer","sdp":"..."}.
func (d *Description) UnmarshalJSON(b []byte) error {
	var j jsonDescription
	if err := json.Unmarshal(b, &j); err != nil {
		return fmt.Errorf("%w: JSON description: %v; expected {\"type\":\"offer\",\"sdp\":\"v=0...\"}", ErrMalformedSDP, err)
	}
	t, err := parseType(j.Type)
	if err != nil {
		return err
	}
	d.Type, d.SDP = t, j.SDP
	return nil
}

// ParseDescription reads a description printed by a WebRTC stack: either
// the JSON form {"type":"offer","sdp":"..."} that browsers and pion print,
// or raw SDP starting with "v=0". The type of raw SDP is inferred from its
// DTLS role: a=setup:actpass means an offer (RFC 8842 section 5.3), any
// other value an answer. Surrounding whitespace and CRLF or LF line ends are
// accepted. The SDP is checked with Parse, so a description that parses here
// can be encoded unless it has too many candidates.
func ParseDescription(text string) (Description, error) {
	text = strings.TrimSpace(text)
	if len(text) > maxSDPLen {
		return Description{}, fmt.Errorf("%w: description is %d bytes, more than the %d a data-channel description needs", ErrMalformedSDP, len(text), maxSDPLen)
	}
	var d Description
	switch {
	case strings.HasPrefix(text, "{"):
		if err := d.UnmarshalJSON([]byte(text)); err != nil {
			return Description{}, err
		}
		if _, err := Parse(d.SDP); err != nil {
			return Description{}, err
		}
		return d, nil
	case strings.HasPrefix(text, "v="):
		s, err := Parse(text)
		if err != nil {
			return Description{}, err
		}
		d = Description{Type: Answer, SDP: text}
		if s.Setup == "actpass" {
			d.Type = Offer
		}
		return d, nil
	}
	return Description{}, fmt.Errorf("%w: text starts with %q, not with \"v=0\" or \"{\"; give an SDP or its JSON form {\"type\":...,\"sdp\":...}", ErrMalformedSDP, clip(text, 16))
}

// clip shortens s to at most n bytes for error messages.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
