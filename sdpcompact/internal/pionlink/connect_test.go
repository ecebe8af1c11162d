package pionlink

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/pion/ice/v4"
	"github.com/pion/webrtc/v4"

	"github.com/qrtc/qrtc/sdpcompact"
)

// peerOptions describe one pion peer of the test.
type peerOptions struct {
	qrtcCredentials bool
	tcpOnly         bool
}

// newPeer returns a pion peer that gathers host candidates on loopback only.
func newPeer(t *testing.T, o peerOptions) *webrtc.PeerConnection {
	t.Helper()
	var s webrtc.SettingEngine
	s.SetIncludeLoopbackCandidate(true)
	s.SetInterfaceFilter(func(name string) bool { return name == "lo" })
	s.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	// No multicast on the real network: no mDNS queries or names, and no
	// connectivity checks to the made-up addresses of remote candidates.
	s.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	s.SetRemoteIPFilter(func(ip net.IP) bool { return ip.IsLoopback() })
	if o.qrtcCredentials {
		ufrag, pwd, err := sdpcompact.NewICECredentials()
		if err != nil {
			t.Fatal(err)
		}
		s.SetICECredentials(ufrag, pwd)
	}
	if o.tcpOnly {
		l, err := net.Listen("tcp4", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		mux := ice.NewTCPMuxDefault(ice.TCPMuxParams{Listener: l, ReadBufferSize: 8})
		t.Cleanup(func() { mux.Close(); l.Close() })
		s.SetICETCPMux(mux)
		s.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeTCP4})
	}
	pc, err := webrtc.NewAPI(webrtc.WithSettingEngine(s)).NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	return pc
}

// gather applies a local description and waits for all candidates.
func gather(ctx context.Context, t *testing.T, pc *webrtc.PeerConnection, d webrtc.SessionDescription) sdpcompact.Description {
	t.Helper()
	done := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(d); err != nil {
		t.Fatalf("SetLocalDescription = %v", err)
	}
	select {
	case <-done:
	case <-ctx.Done():
		t.Fatal("ICE gathering did not complete")
	}
	typ := sdpcompact.Offer
	if d.Type == webrtc.SDPTypeAnswer {
		typ = sdpcompact.Answer
	}
	return sdpcompact.Description{Type: typ, SDP: pc.LocalDescription().SDP}
}

// paste is what a person does to a token between two chat windows.
func paste(tok string) string {
	var b strings.Builder
	for i, c := range strings.ToLower(tok) {
		if i > 0 && i%40 == 0 {
			b.WriteString("\r\n")
		}
		b.WriteRune(c)
	}
	return " " + b.String() + "\n"
}

func TestConnectThroughTokens(t *testing.T) {
	for _, tc := range []struct {
		name              string
		offerer, answerer peerOptions
		maxOffer          int
	}{
		{"qrtc credentials", peerOptions{qrtcCredentials: true}, peerOptions{qrtcCredentials: true}, 96},
		{"pion default credentials", peerOptions{}, peerOptions{}, 0},
		{"ICE-TCP", peerOptions{qrtcCredentials: true, tcpOnly: true}, peerOptions{qrtcCredentials: true, tcpOnly: true}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			offerer, answerer := newPeer(t, tc.offerer), newPeer(t, tc.answerer)

			received := make(chan string, 1)
			answerer.OnDataChannel(func(dc *webrtc.DataChannel) {
				dc.OnMessage(func(m webrtc.DataChannelMessage) {
					select {
					case received <- string(m.Data):
					default:
					}
				})
			})
			dc, err := offerer.CreateDataChannel("qrtc", nil)
			if err != nil {
				t.Fatal(err)
			}
			opened := make(chan struct{})
			dc.OnOpen(func() { close(opened) })

			o, err := offerer.CreateOffer(nil)
			if err != nil {
				t.Fatal(err)
			}
			offer := gather(ctx, t, offerer, o)
			offerToken, err := sdpcompact.Encode(offer)
			if err != nil {
				t.Fatalf("Encode(offer) = %v\n%s", err, offer.SDP)
			}
			if tc.maxOffer > 0 && len(offerToken) > tc.maxOffer {
				t.Errorf("offer token has %d characters, want at most %d: %s", len(offerToken), tc.maxOffer, offerToken)
			}

			// The answering side sees only the token.
			remoteOffer, err := sdpcompact.Decode(paste(offerToken))
			if err != nil {
				t.Fatalf("Decode(offer token) = %v", err)
			}
			if err := answerer.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: remoteOffer.SDP}); err != nil {
				t.Fatalf("pion SetRemoteDescription(decoded offer) = %v\n%s", err, remoteOffer.SDP)
			}
			a, err := answerer.CreateAnswer(nil)
			if err != nil {
				t.Fatal(err)
			}
			answer := gather(ctx, t, answerer, a)
			answerToken, err := sdpcompact.EncodeAnswer(answer, remoteOffer)
			if err != nil {
				t.Fatalf("EncodeAnswer = %v\n%s", err, answer.SDP)
			}

			// The offering side sees only the answer token.
			if err := sdpcompact.CheckAnswer(paste(answerToken), offer); err != nil {
				t.Fatalf("CheckAnswer(answer token, the offer) = %v, want nil", err)
			}
			remoteAnswer, err := sdpcompact.Decode(paste(answerToken))
			if err != nil {
				t.Fatalf("Decode(answer token) = %v", err)
			}
			if err := offerer.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: remoteAnswer.SDP}); err != nil {
				t.Fatalf("pion SetRemoteDescription(decoded answer) = %v\n%s", err, remoteAnswer.SDP)
			}

			select {
			case <-opened:
			case <-ctx.Done():
				t.Fatalf("data channel did not open; offer token %s, answer token %s", offerToken, answerToken)
			}
			if err := dc.SendText("hello through a token"); err != nil {
				t.Fatal(err)
			}
			select {
			case m := <-received:
				if m != "hello through a token" {
					t.Errorf("answerer received %q, want %q", m, "hello through a token")
				}
			case <-ctx.Done():
				t.Fatal("message did not arrive")
			}
		})
	}
}
