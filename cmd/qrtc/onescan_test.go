package main

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestOneScanSession: the answer is never given to the offerer; the two
// qrtc processes connect anyway (the answer travels in the first check),
// each says so, and the answer pasted afterwards is not sent as a message.
func TestOneScanSession(t *testing.T) {
	t.Parallel()
	offerer := startQRTC(t, "offer", nil, oneScanCmd("offer")...)
	offerTok := offerer.token()
	start := time.Now()
	answerer := startQRTC(t, "answer", nil, oneScanCmd("answer", offerTok)...)
	answerTok := answerer.token()
	answerer.waitStderr(regexp.MustCompile(`may connect without it`))
	offerer.waitStderr(regexp.MustCompile(`answer came inside the other side's first connectivity check`))
	wantSamePhrase(t, offerer, answerer)
	t.Logf("connected %s after the answerer started (offer read, answered, first check, DTLS, SCTP)", time.Since(start).Round(time.Millisecond))

	offerer.write(answerTok + "\n")
	offerer.waitStderr(regexp.MustCompile(`Not sent: that line is the answer`))
	checkChat(t, offerer, answerer)
	for _, l := range answerer.stdout.all()[1:] { // the first line is its own token
		if strings.Contains(l, answerTok) {
			t.Errorf("the answer pasted after the one-scan connection reached the answerer as a message: %q", l)
		}
	}
}

// TestOneScanTwoAnswerers: two answerers of one offer race; the offerer
// connects with one, the other is told the offer was answered and exits 1.
func TestOneScanTwoAnswerers(t *testing.T) {
	t.Parallel()
	offerer := startQRTC(t, "offer", nil, oneScanCmd("offer")...)
	offerTok := offerer.token()
	first := startQRTC(t, "answer 1", nil, oneScanCmd("answer", offerTok)...)
	second := startQRTC(t, "answer 2", nil, oneScanCmd("answer", offerTok)...)
	first.token()
	second.token()
	offerer.phrase()
	// Exactly one answerer connects; the loser learns it from the
	// offerer's signed refusal of its checks.
	winner, loser := first, second
	line, err := first.stderr.wait(func(s string) bool {
		return phraseRE.MatchString(s) || strings.Contains(s, "already answered")
	}, waitLimit)
	if err != nil {
		t.Fatalf("answer 1 neither connected nor was told: %v", err)
	}
	if !phraseRE.MatchString(line) {
		winner, loser = second, first
	}
	wantSamePhrase(t, offerer, winner)
	loser.wantExit(1, "the offer was already answered", "another answer first", "ask for a new offer")
	offerer.closeStdin()
	winner.closeStdin()
	offerer.wantExit(0)
	winner.waitStderr(regexp.MustCompile(`^Session ended: everything sent was delivered`))
	winner.wantExit(0)
}

// oneScanCmd is sessionCmd with one-scan on, as qrtc runs by default.
func oneScanCmd(kind string, extra ...string) []string {
	return append(append([]string{kind}, "--stun", "none", "--loopback", "--no-qr"), extra...)
}

// TestOneScanOfferNoInput: the offer side as a script runs it in the
// background, its standard input at its end at once (a background job
// reads /dev/null). With one scan no answer needs to come on it: the offer
// side connects from the answerer's first check, receives everything, and
// both exit 0.
func TestOneScanOfferNoInput(t *testing.T) {
	t.Parallel()
	offerer := startQRTC(t, "offer", nil, oneScanCmd("offer")...)
	offerTok := offerer.token()
	offerer.closeStdin()
	offerer.waitStderr(regexp.MustCompile(`^Standard input does not start with an answer`))
	answerer := startQRTC(t, "answer", nil, oneScanCmd("answer", offerTok)...)
	answerer.token()
	answerer.write("hello from the answer side\n")
	answerer.closeStdin()
	offerer.waitStderr(regexp.MustCompile(`answer came inside the other side's first connectivity check`))
	wantSamePhrase(t, offerer, answerer)
	offerer.waitStdout("hello from the answer side")
	offerer.wantExit(0)
	answerer.wantExit(0)
}
