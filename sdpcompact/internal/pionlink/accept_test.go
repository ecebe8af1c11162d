package pionlink

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pion/webrtc/v4"

	"github.com/qrtc/qrtc/sdpcompact"
)

// Every corpus description, sent through a token, is accepted by pion:
// offers by a fresh answerer, answers by an offerer.
func TestPionAcceptsDecodedCorpus(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("..", "..", "testdata", "corpus", "*.json"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no corpus files: %v", err)
	}
	for _, p := range paths {
		t.Run(strings.TrimSuffix(filepath.Base(p), ".json"), func(t *testing.T) {
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			d, err := sdpcompact.ParseDescription(string(b))
			if err != nil {
				t.Fatal(err)
			}
			tok, err := sdpcompact.Encode(d)
			if err != nil {
				t.Fatal(err)
			}
			got, err := sdpcompact.Decode(tok)
			if err != nil {
				t.Fatal(err)
			}
			s, err := sdpcompact.Parse(got.SDP)
			if err != nil {
				t.Fatal(err)
			}
			pc := newPeer(t, peerOptions{})
			if got.Type == sdpcompact.Offer {
				if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: got.SDP}); err != nil {
					t.Fatalf("pion SetRemoteDescription(decoded offer) = %v\n%s", err, got.SDP)
				}
				if _, err := pc.CreateAnswer(nil); err != nil {
					t.Fatalf("pion CreateAnswer to the decoded offer = %v\n%s", err, got.SDP)
				}
				return
			}
			if s.MID != "0" || s.Setup == "actpass" || s.Setup == "holdconn" {
				t.Skipf("pion offers mid \"0\"; an answer with mid %q and setup %s cannot answer it", s.MID, s.Setup)
			}
			if _, err := pc.CreateDataChannel("qrtc", nil); err != nil {
				t.Fatal(err)
			}
			offer, err := pc.CreateOffer(nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := pc.SetLocalDescription(offer); err != nil {
				t.Fatal(err)
			}
			if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: got.SDP}); err != nil {
				t.Fatalf("pion SetRemoteDescription(decoded answer) = %v\n%s", err, got.SDP)
			}
		})
	}
}
