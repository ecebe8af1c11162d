package peer_test

import (
	"testing"
	"time"

	"github.com/pion/webrtc/v4"

	"github.com/qrtc/qrtc/peer"
)

// TestBinaryFromPion: a plain pion peer (not a Peer) answers, and sends a
// binary and a text message; ReceiveMessage returns both, bytes and kind
// unchanged.
func TestBinaryFromPion(t *testing.T) {
	t.Parallel()
	ctx := testContext(t, time.Minute)
	a := newPeer(t, loopback())
	offer, err := a.Offer(ctx)
	if err != nil {
		t.Fatal(err)
	}

	pc, err := loopbackPion().NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	binary := string([]byte{0xff, 0x00, 'b', 0x80})
	sendErr := make(chan error, 1)
	pc.OnDataChannel(func(dc *webrtc.DataChannel) {
		dc.OnOpen(func() {
			if err := dc.Send([]byte(binary)); err != nil {
				sendErr <- err
				return
			}
			sendErr <- dc.SendText("text")
		})
	})
	if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: offer}); err != nil {
		t.Fatal(err)
	}
	answer, err := pc.CreateAnswer(nil)
	if err != nil {
		t.Fatal(err)
	}
	gathered := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(answer); err != nil {
		t.Fatal(err)
	}
	<-gathered
	if err := a.Accept(ctx, pc.LocalDescription().SDP); err != nil {
		t.Fatal(err)
	}
	if err := <-sendErr; err != nil {
		t.Fatalf("pion Send() = %v", err)
	}
	for _, want := range []peer.Message{{Data: []byte(binary), Binary: true}, {Data: []byte("text")}} {
		if got, err := a.ReceiveMessage(ctx); err != nil || string(got.Data) != string(want.Data) || got.Binary != want.Binary {
			t.Fatalf("ReceiveMessage() = %+v, %v; want %+v", got, err, want)
		}
	}
	if a.Phrase() == "" {
		t.Errorf("Phrase() = \"\" with both descriptions known")
	}
}
