package main

import (
	"bufio"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
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

// BenchmarkStreamGiB pipes 1 GiB through two qrtc processes on loopback
// ("qrtc offer < 1 GiB", "qrtc answer TOKEN > /dev/null" with its input
// closed) and reports the throughput and each process's peak resident
// memory: memory must stay flat however much goes through.
func BenchmarkStreamGiB(b *testing.B) {
	const size = 1 << 30
	for b.Loop() {
		dir := b.TempDir()
		offerFile, answerFile := filepath.Join(dir, "offer"), filepath.Join(dir, "answer")
		offer := exec.Command(qrtcBin, append([]string{"offer", "--token-out", offerFile}, sessionArgs...)...)
		offerIn, err := offer.StdinPipe()
		if err != nil {
			b.Fatal(err)
		}
		if err := offer.Start(); err != nil {
			b.Fatal(err)
		}
		offerTok := waitFile(b, offerFile)
		answer := exec.Command(qrtcBin, append([]string{"answer", "--token-out", answerFile}, append(sessionArgs, offerTok)...)...)
		if err := answer.Start(); err != nil {
			b.Fatal(err)
		}
		answerTok := waitFile(b, answerFile)
		start := time.Now()
		if _, err := io.WriteString(offerIn, answerTok+"\n"); err != nil {
			b.Fatal(err)
		}
		if _, err := io.Copy(offerIn, io.LimitReader(zeroReader{}, size)); err != nil {
			b.Fatal(err)
		}
		offerIn.Close()
		if err := offer.Wait(); err != nil {
			b.Fatalf("qrtc offer: %v", err)
		}
		if err := answer.Wait(); err != nil {
			b.Fatalf("qrtc answer: %v", err)
		}
		elapsed := time.Since(start)
		b.ReportMetric(size/1e6/elapsed.Seconds(), "MB/s")
		b.ReportMetric(float64(offer.ProcessState.SysUsage().(*syscall.Rusage).Maxrss)/1024, "offer-MiB-RSS")
		b.ReportMetric(float64(answer.ProcessState.SysUsage().(*syscall.Rusage).Maxrss)/1024, "answer-MiB-RSS")
	}
}

// waitFile waits for a token file that a qrtc process writes.
func waitFile(b *testing.B, path string) string {
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		if data, err := os.ReadFile(path); err == nil && len(data) > 0 {
			return strings.TrimSpace(string(data))
		}
		time.Sleep(20 * time.Millisecond)
	}
	b.Fatalf("%s was not written within a minute", path)
	return ""
}

// zeroReader reads as an endless run of zero bytes.
type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
