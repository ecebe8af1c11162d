package main

import (
	"bufio"
	"context"
	"os/exec"
	"testing"
	"time"

	"github.com/qrtc/qrtc/peer"
	"github.com/qrtc/qrtc/sdpcompact"
)

// BenchmarkStartToToken measures the time from starting the qrtc binary to
// its offer token on stdout, host candidates only.
func BenchmarkStartToToken(b *testing.B) {
	for b.Loop() {
		cmd := exec.Command(qrtcBin, "offer", "--stun", "none", "--no-qr")
		out, err := cmd.StdoutPipe()
		if err != nil {
			b.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		if _, err := bufio.NewReader(out).ReadString('\n'); err != nil {
			b.Fatalf("reading the token: %v", err)
		}
		b.StopTimer()
		cmd.Process.Kill()
		cmd.Wait()
		b.StartTimer()
	}
}

// BenchmarkAnswerToConnected measures, in one process, the time from the
// offerer applying the answer (decoded from its token) to the open data
// channel on both sides.
func BenchmarkAnswerToConnected(b *testing.B) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	for b.Loop() {
		b.StopTimer()
		newPeer := func() *peer.Peer {
			ufrag, pwd, err := sdpcompact.NewICECredentials()
			if err != nil {
				b.Fatal(err)
			}
			p, err := peer.New(peer.Config{ICEUfrag: ufrag, ICEPwd: pwd, IncludeLoopback: true})
			if err != nil {
				b.Fatal(err)
			}
			return p
		}
		offerer, answerer := newPeer(), newPeer()
		offerSDP, err := offerer.Offer(ctx)
		if err != nil {
			b.Fatal(err)
		}
		offer := sdpcompact.Description{Type: sdpcompact.Offer, SDP: offerSDP}
		offerTok, err := sdpcompact.Encode(offer)
		if err != nil {
			b.Fatal(err)
		}
		gotOffer, err := sdpcompact.Decode(offerTok)
		if err != nil {
			b.Fatal(err)
		}
		answerSDP, err := answerer.Answer(ctx, gotOffer.SDP)
		if err != nil {
			b.Fatal(err)
		}
		answerTok, err := sdpcompact.EncodeAnswer(sdpcompact.Description{Type: sdpcompact.Answer, SDP: answerSDP}, gotOffer)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		answer, err := sdpcompact.Decode(answerTok)
		if err != nil {
			b.Fatal(err)
		}
		if err := offerer.Accept(ctx, answer.SDP); err != nil {
			b.Fatal(err)
		}
		if err := offerer.WaitOpen(ctx); err != nil {
			b.Fatal(err)
		}
		if err := answerer.WaitOpen(ctx); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		offerer.Close()
		answerer.Close()
		b.StartTimer()
	}
}
