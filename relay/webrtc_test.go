package relay

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"
)

// newRelayOnlyPeer returns a pion/webrtc peer that may only use relayed
// candidates from turnURL, closed when the test ends.
func newRelayOnlyPeer(t *testing.T, turnURL, username, password string) *webrtc.PeerConnection {
	t.Helper()
	var se webrtc.SettingEngine
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	se.LoggerFactory = quietLoggers()
	api := webrtc.NewAPI(webrtc.WithSettingEngine(se))
	pc, err := api.NewPeerConnection(webrtc.Configuration{
		ICEServers:         []webrtc.ICEServer{{URLs: []string{turnURL}, Username: username, Credential: password}},
		ICETransportPolicy: webrtc.ICETransportPolicyRelay,
	})
	if err != nil {
		t.Fatalf("NewPeerConnection: %v", err)
	}
	t.Cleanup(func() { _ = pc.Close() })
	return pc
}

// completeDescription waits for ICE gathering and returns the description
// with every candidate in it, as qrtc sends it.
func completeDescription(ctx context.Context, t *testing.T, pc *webrtc.PeerConnection, desc webrtc.SessionDescription) string {
	t.Helper()
	gathered := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(desc); err != nil {
		t.Fatalf("SetLocalDescription: %v", err)
	}
	select {
	case <-gathered:
	case <-ctx.Done():
		t.Fatalf("ICE gathering did not complete: %v", ctx.Err())
	}
	return pc.LocalDescription().SDP
}

// checkRelayOnly fails unless sdp's candidates are all relayed ones from
// the server.
func checkRelayOnly(t *testing.T, side, sdp string) {
	t.Helper()
	n := 0
	for _, line := range strings.Split(sdp, "\n") {
		if !strings.HasPrefix(line, "a=candidate:") {
			continue
		}
		n++
		if !strings.Contains(line, " typ relay") || !strings.Contains(line, " 127.0.0.1 ") {
			t.Errorf("%s candidate %q; want only relayed candidates on 127.0.0.1", side, strings.TrimSpace(line))
		}
	}
	if n == 0 {
		t.Fatalf("%s description has no candidate; want relayed ones:\n%s", side, sdp)
	}
}

// TestWebRTCThroughRelay connects two real pion/webrtc peers that may only
// use the relay, one with a static user and one with time-limited
// credentials, and exchanges a data channel message each way.
func TestWebRTCThroughRelay(t *testing.T) {
	t.Parallel()
	const secret = "shared with the web app"
	srv, book := startServer(t, Config{
		Users:              map[string]string{"alice": "wonderland"},
		Secret:             secret,
		AllowLoopbackPeers: true, // both peers' relayed addresses are on 127.0.0.1
	})
	turnURL := srv.URLs()[1]
	bobUser, bobPass := TURNRESTCredentials(secret, "bob", 10*time.Minute, time.Now())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	offerer := newRelayOnlyPeer(t, turnURL, "alice", "wonderland")
	answerer := newRelayOnlyPeer(t, turnURL, bobUser, bobPass)

	fromOfferer := make(chan string, 1)
	fromAnswerer := make(chan string, 1)
	answerer.OnDataChannel(func(dc *webrtc.DataChannel) {
		dc.OnMessage(func(msg webrtc.DataChannelMessage) {
			fromOfferer <- string(msg.Data)
			_ = dc.SendText("hello alice, bob here")
		})
	})
	dc, err := offerer.CreateDataChannel("chat", nil)
	if err != nil {
		t.Fatal(err)
	}
	dc.OnOpen(func() { _ = dc.SendText("hello bob, alice here") })
	dc.OnMessage(func(msg webrtc.DataChannelMessage) { fromAnswerer <- string(msg.Data) })

	offer, err := offerer.CreateOffer(nil)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	offerSDP := completeDescription(ctx, t, offerer, offer)
	gathered := time.Since(start)
	checkRelayOnly(t, "offer", offerSDP)
	if err := answerer.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: offerSDP}); err != nil {
		t.Fatal(err)
	}
	answer, err := answerer.CreateAnswer(nil)
	if err != nil {
		t.Fatal(err)
	}
	answerSDP := completeDescription(ctx, t, answerer, answer)
	checkRelayOnly(t, "answer", answerSDP)
	if err := offerer.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: answerSDP}); err != nil {
		t.Fatal(err)
	}
	applied := time.Now()

	for _, want := range []struct {
		ch   chan string
		text string
	}{{fromOfferer, "hello bob, alice here"}, {fromAnswerer, "hello alice, bob here"}} {
		select {
		case got := <-want.ch:
			if got != want.text {
				t.Errorf("received %q; want %q", got, want.text)
			}
		case <-ctx.Done():
			t.Fatalf("no data channel message %q through the relay: %v (ICE states: offerer %v, answerer %v)",
				want.text, ctx.Err(), offerer.ICEConnectionState(), answerer.ICEConnectionState())
		}
	}
	t.Logf("offer gathered (one allocation) in %v; first message each way %v after the answer was applied",
		gathered.Round(time.Millisecond), time.Since(applied).Round(time.Millisecond))
	pair, err := selectedPair(offerer)
	if err != nil {
		t.Fatal(err)
	}
	if pair.Local.Typ != webrtc.ICECandidateTypeRelay || pair.Remote.Typ != webrtc.ICECandidateTypeRelay {
		t.Errorf("selected candidate pair %v; want relay to relay", pair)
	}

	// The DTLS and SCTP handshakes and both messages crossed the relay.
	for _, user := range []string{"alice", "bob"} {
		st := statsOf(srv, user)
		if st.TotalAllocations == 0 || st.BytesToPeers < 100 || st.BytesFromPeers < 100 {
			t.Errorf("Stats() for %s = %+v; want an allocation and the handshake bytes both ways", user, st)
		}
	}
	_ = offerer.Close()
	_ = answerer.Close()
	book.waitFor("allocation ended", `user "alice"`)
	book.waitFor("allocation ended", `user "bob"`)
	t.Logf("relayed: %s", fmt.Sprint(srv.Stats()))
}

// selectedPair returns the offerer's selected ICE candidate pair.
func selectedPair(pc *webrtc.PeerConnection) (*webrtc.ICECandidatePair, error) {
	sctp := pc.SCTP()
	if sctp == nil {
		return nil, fmt.Errorf("no SCTP transport")
	}
	pair, err := sctp.Transport().ICETransport().GetSelectedCandidatePair()
	if err != nil || pair == nil {
		return nil, fmt.Errorf("no selected candidate pair: %v", err)
	}
	return pair, nil
}
