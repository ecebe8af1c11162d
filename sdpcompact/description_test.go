package sdpcompact_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/qrtc/qrtc/sdpcompact"
)

func TestParseDescription(t *testing.T) {
	sdp := strings.Join([]string{"v=0", "o=- 1 1 IN IP4 0.0.0.0", "s=-", "t=0 0",
		"m=application 9 UDP/DTLS/SCTP webrtc-datachannel", "c=IN IP4 0.0.0.0",
		"a=ice-ufrag:Ab3d", "a=ice-pwd:Qw3rTy7uIoPaSdFgHjKlZx",
		"a=fingerprint:sha-256 66:11:B3:4B:66:51:2C:82:77:E3:7C:B5:09:9E:78:75:CC:D9:D2:50:B8:36:FC:B9:9E:AE:E8:D2:09:09:57:C3",
		"a=setup:SETUP", "a=mid:0", "a=candidate:1 1 udp 2130706431 192.0.2.10 40000 typ host", ""}, "\r\n")
	offer := strings.Replace(sdp, "SETUP", "actpass", 1)
	answer := strings.Replace(sdp, "SETUP", "active", 1)
	for _, tc := range []struct {
		name, in string
		want     sdpcompact.Type
		err      error
	}{
		{"raw offer", offer, sdpcompact.Offer, nil},
		{"raw answer", answer, sdpcompact.Answer, nil},
		{"raw passive answer", strings.Replace(sdp, "SETUP", "passive", 1), sdpcompact.Answer, nil},
		{"LF line ends", strings.ReplaceAll(offer, "\r\n", "\n"), sdpcompact.Offer, nil},
		{"surrounding whitespace", "\n\t " + offer + "\n\n", sdpcompact.Offer, nil},
		{"JSON", `{"type":"answer","sdp":"` + strings.ReplaceAll(offer, "\r\n", `\r\n`) + `"}`, sdpcompact.Answer, nil},
		{"indented JSON", "\n{\n  \"sdp\": \"" + strings.ReplaceAll(answer, "\r\n", `\n`) + "\",\n  \"type\": \"answer\"\n}\n", sdpcompact.Answer, nil},
		{"JSON rollback", `{"type":"rollback","sdp":""}`, 0, sdpcompact.ErrMalformedSDP},
		{"JSON syntax error", `{"type":"offer",}`, 0, sdpcompact.ErrMalformedSDP},
		{"JSON without SDP", `{"type":"offer"}`, 0, sdpcompact.ErrMalformedSDP},
		{"a token", "QRTC1O0000", 0, sdpcompact.ErrMalformedSDP},
		{"empty", "", 0, sdpcompact.ErrMalformedSDP},
		{"huge", "v=0\r\n" + strings.Repeat("a=x\r\n", 20000), 0, sdpcompact.ErrMalformedSDP},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := sdpcompact.ParseDescription(tc.in)
			if !errors.Is(err, tc.err) || (err == nil) != (tc.err == nil) {
				t.Fatalf("ParseDescription = %v, want %v", err, tc.err)
			}
			if d.Type != tc.want {
				t.Errorf("ParseDescription type = %v, want %v", d.Type, tc.want)
			}
		})
	}
}

func TestTypeString(t *testing.T) {
	for _, tc := range []struct {
		t    sdpcompact.Type
		want string
	}{{sdpcompact.Offer, "offer"}, {sdpcompact.Answer, "answer"}, {0, "Type(0)"}} {
		if got := tc.t.String(); got != tc.want {
			t.Errorf("Type(%d).String() = %q, want %q", int(tc.t), got, tc.want)
		}
	}
	if _, err := (sdpcompact.Description{SDP: "v=0"}).MarshalJSON(); !errors.Is(err, sdpcompact.ErrMalformedSDP) {
		t.Errorf("MarshalJSON of a description without type = %v, want ErrMalformedSDP", err)
	}
}
