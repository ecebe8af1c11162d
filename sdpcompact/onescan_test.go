package sdpcompact_test

import (
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/qrtc/qrtc/onescan"
	"github.com/qrtc/qrtc/sdpcompact"
)

// TestOneScanBrowserAnswer: a browser answer whose credentials the page
// replaced by one-scan ones (onescan.Ufrag of its fingerprint, a derived
// password) keeps its token length within a character of the original and
// decodes to the same session.
func TestOneScanBrowserAnswer(t *testing.T) {
	for _, f := range loadCorpus(t) {
		if !strings.HasPrefix(f.name, "chromium-answer") && !strings.HasPrefix(f.name, "firefox-answer") {
			continue
		}
		t.Run(f.name, func(t *testing.T) {
			s, err := sdpcompact.Parse(f.desc.SDP)
			if err != nil {
				t.Fatal(err)
			}
			ufrag, err := onescan.Ufrag(s.Fingerprints[0].Value, s.MaxMessageSize)
			if err != nil {
				t.Fatal(err)
			}
			pwd := onescan.Password("rFj5", "lwS8oz5tDDGDedYMUWAttA", ufrag)
			sdp := regexp.MustCompile(`a=ice-ufrag:\S+`).ReplaceAllString(f.desc.SDP, "a=ice-ufrag:"+ufrag)
			sdp = regexp.MustCompile(`a=ice-pwd:\S+`).ReplaceAllString(sdp, "a=ice-pwd:"+pwd)
			before, err := sdpcompact.Encode(f.desc)
			if err != nil {
				t.Fatal(err)
			}
			tok, err := sdpcompact.Encode(sdpcompact.Description{Type: sdpcompact.Answer, SDP: sdp})
			if err != nil {
				t.Fatalf("Encode(one-scan answer) = %v", err)
			}
			if len(tok) > len(before)+1 {
				t.Errorf("one-scan answer token has %d characters, the original %d; want at most one more", len(tok), len(before))
			}
			d, err := sdpcompact.Decode(tok)
			if err != nil {
				t.Fatalf("Decode(%s) = %v", tok, err)
			}
			want, _ := sdpcompact.Parse(sdp)
			got, err := sdpcompact.Parse(d.SDP)
			if err != nil || !reflect.DeepEqual(got, want) {
				t.Errorf("Parse(Decode(Encode(x))) = %+v, %v; want %+v", got, err, want)
			}
			t.Logf("%d -> %d characters", len(before), len(tok))
		})
	}
}

// TestOneScanFlag: a=qrtc-one-scan survives the token, costs at most one
// character, and an offer without it has the token it always had.
func TestOneScanFlag(t *testing.T) {
	plain, err := sdpcompact.Encode(sdpcompact.Description{Type: sdpcompact.Offer, SDP: pionOffer})
	if err != nil {
		t.Fatal(err)
	}
	const golden = "QRTC1ONS8ECKOSSV0QU6PWDI8RCBGQ5MN10B16BQIC90ONLA4P460CC86625WKK2AQNKZ5QZYJKU8UIQDIO5C000BXZC5Q0"
	if plain != golden {
		t.Fatalf("Encode(offer without the flag) = %s, want the token of before: %s", plain, golden)
	}
	flagged := pionOffer + "a=" + onescan.Attribute + "\r\n"
	tok, err := sdpcompact.Encode(sdpcompact.Description{Type: sdpcompact.Offer, SDP: flagged})
	if err != nil {
		t.Fatal(err)
	}
	if len(tok) > len(plain)+1 {
		t.Errorf("flagged offer: %d characters, plain %d; want at most one more", len(tok), len(plain))
	}
	d, err := sdpcompact.Decode(tok)
	if err != nil {
		t.Fatalf("Decode(%s) = %v", tok, err)
	}
	if !strings.Contains(d.SDP, "\r\na="+onescan.Attribute+"\r\n") {
		t.Errorf("Decode of a flagged offer lost a=%s:\n%s", onescan.Attribute, d.SDP)
	}
	s, _ := sdpcompact.Parse(d.SDP)
	if !s.OneScan {
		t.Errorf("Parse(Decode(flagged)).OneScan = false")
	}
}
