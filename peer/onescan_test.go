package peer_test

import (
	"context"
	"errors"
	"net"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pion/stun/v4"

	"github.com/qrtc/qrtc/onescan"
	"github.com/qrtc/qrtc/peer"
)

// oneScan is loopback with Config.OneScan.
func oneScan() peer.Config {
	c := loopback()
	c.OneScan = true
	return c
}

// chat checks that a message crosses from a to b.
func chat(t *testing.T, ctx context.Context, a, b *peer.Peer) {
	t.Helper()
	if err := a.Send(ctx, "one scan"); err != nil {
		t.Fatalf("Send() = %v", err)
	}
	if m, err := b.Receive(ctx); err != nil || m != "one scan" {
		t.Fatalf("Receive() = %q, %v; want \"one scan\"", m, err)
	}
}

// TestOneScanConnects: the answerer's first check carries the answer; the
// offerer connects without Accept, the phrase matches, and the answer
// token, applied late, is taken as the same answer.
func TestOneScanConnects(t *testing.T) {
	ctx := testContext(t, time.Minute)
	a, b := newPeer(t, oneScan()), newPeer(t, oneScan())
	offer, err := a.Offer(ctx)
	if err != nil {
		t.Fatalf("Offer() = %v", err)
	}
	if !strings.Contains(offer, "a="+onescan.Attribute+"\r\n") {
		t.Fatalf("Offer() with OneScan lacks a=%s:\n%s", onescan.Attribute, offer)
	}
	answer, err := b.Answer(ctx, offer)
	if err != nil {
		t.Fatalf("Answer() = %v", err)
	}
	ufrag := regexp.MustCompile(`a=ice-ufrag:(\S+)`).FindStringSubmatch(answer)
	if ufrag == nil || !strings.HasPrefix(ufrag[1], "QS1") {
		t.Fatalf("Answer() to a one-scan offer has ufrag %v, want a one-scan ufrag (QS1...)", ufrag)
	}
	select {
	case <-a.OneScanAnswered():
	case <-ctx.Done():
		t.Fatalf("the offerer never took the answer from a check")
	}
	for _, p := range []*peer.Peer{a, b} {
		if err := p.WaitOpen(ctx); err != nil {
			t.Fatalf("WaitOpen() = %v, want nil without Accept", err)
		}
	}
	chat(t, ctx, a, b)
	chat(t, ctx, b, a)
	if pa, pb := a.Phrase(), b.Phrase(); pa == "" || pa != pb {
		t.Errorf("phrases %q and %q, want the same", pa, pb)
	}
	if err := a.Accept(ctx, answer); err != nil {
		t.Errorf("Accept(the same answer) after one-scan = %v, want nil", err)
	}
}

// TestOneScanOrdinaryAnswerer: an answerer without OneScan answers the
// ordinary way; the offerer answers its early checks and connects once the
// answer is accepted.
func TestOneScanOrdinaryAnswerer(t *testing.T) {
	ctx := testContext(t, time.Minute)
	a, b := newPeer(t, oneScan()), newPeer(t, loopback())
	exchange(t, ctx, a, b)
	for _, p := range []*peer.Peer{a, b} {
		if err := p.WaitOpen(ctx); err != nil {
			t.Fatalf("WaitOpen() = %v", err)
		}
	}
	select {
	case <-a.OneScanAnswered():
		t.Errorf("OneScanAnswered closed for an ordinary answer")
	default:
	}
}

// TestOneScanOldOfferer: an offer without the one-scan flag (an older qrtc,
// a plain browser) gets an ordinary answer from an answerer with OneScan,
// and connects once the answer is accepted, as before one scan.
func TestOneScanOldOfferer(t *testing.T) {
	ctx := testContext(t, time.Minute)
	a, b := newPeer(t, loopback()), newPeer(t, oneScan())
	offer, err := a.Offer(ctx)
	if err != nil {
		t.Fatalf("Offer() = %v", err)
	}
	if strings.Contains(offer, onescan.Attribute) {
		t.Fatalf("Offer() without OneScan carries a=%s", onescan.Attribute)
	}
	answer, err := b.Answer(ctx, offer)
	if err != nil {
		t.Fatalf("Answer() = %v", err)
	}
	if strings.Contains(answer, "a=ice-ufrag:QS1") {
		t.Fatalf("Answer() to an offer without the flag has a one-scan ufrag:\n%s", answer)
	}
	if err := a.Accept(ctx, answer); err != nil {
		t.Fatalf("Accept() = %v", err)
	}
	for _, p := range []*peer.Peer{a, b} {
		if err := p.WaitOpen(ctx); err != nil {
			t.Fatalf("WaitOpen() = %v", err)
		}
	}
	chat(t, ctx, a, b)
}

// TestOneScanRace: two answerers of one offer; one wins, the other ends
// with ErrAnswered, and the winner's answer token is still welcome while
// the loser's is refused.
func TestOneScanRace(t *testing.T) {
	ctx := testContext(t, time.Minute)
	a := newPeer(t, oneScan())
	offer, err := a.Offer(ctx)
	if err != nil {
		t.Fatalf("Offer() = %v", err)
	}
	b, c := newPeer(t, oneScan()), newPeer(t, oneScan())
	answers := make([]string, 2)
	for i, p := range []*peer.Peer{b, c} {
		if answers[i], err = p.Answer(ctx, offer); err != nil {
			t.Fatalf("Answer() = %v", err)
		}
	}
	if err := a.WaitOpen(ctx); err != nil {
		t.Fatalf("offerer WaitOpen() = %v", err)
	}
	errs := make([]error, 2)
	for i, p := range []*peer.Peer{b, c} {
		errs[i] = p.WaitOpen(ctx)
	}
	win := 0
	if errs[0] != nil {
		win = 1
	}
	if errs[win] != nil || !errors.Is(errs[1-win], peer.ErrAnswered) {
		t.Fatalf("answerers' WaitOpen() = %v and %v, want one nil and one ErrAnswered", errs[0], errs[1])
	}
	t.Logf("the loser was told: %v", errs[1-win])
	if err := a.Accept(ctx, answers[win]); err != nil {
		t.Errorf("Accept(winner's answer) = %v, want nil", err)
	}
	if err := a.Accept(ctx, answers[1-win]); !errors.Is(err, peer.ErrAnswered) {
		t.Errorf("Accept(loser's answer) = %v, want ErrAnswered", err)
	}
}

// offerAddr returns the ufrag, password and first host candidate of an
// offer.
func offerAddr(t *testing.T, offer string) (ufrag, pwd string, addr *net.UDPAddr) {
	t.Helper()
	u := regexp.MustCompile(`a=ice-ufrag:(\S+)`).FindStringSubmatch(offer)
	p := regexp.MustCompile(`a=ice-pwd:(\S+)`).FindStringSubmatch(offer)
	c := regexp.MustCompile(`a=candidate:\S+ 1 udp \d+ (\S+) (\d+) typ host`).FindStringSubmatch(offer)
	if u == nil || p == nil || c == nil {
		t.Fatalf("offer without ufrag, pwd or host candidate:\n%s", offer)
	}
	addr, err := net.ResolveUDPAddr("udp", net.JoinHostPort(c[1], c[2]))
	if err != nil {
		t.Fatal(err)
	}
	return u[1], p[1], addr
}

// check sends one Binding request with USERNAME and the integrity key pwd
// to addr and returns the response, or nil when none comes within wait.
func check(t *testing.T, addr *net.UDPAddr, username, pwd string, wait time.Duration) *stun.Message {
	t.Helper()
	conn, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	req := stun.MustBuild(stun.TransactionID, stun.BindingRequest, stun.NewUsername(username),
		stun.NewShortTermIntegrity(pwd), stun.Fingerprint)
	if _, err := conn.WriteToUDP(req.Raw, addr); err != nil {
		t.Fatal(err)
	}
	conn.SetReadDeadline(time.Now().Add(wait))
	buf := make([]byte, 1500)
	for {
		n, err := conn.Read(buf)
		if err != nil {
			return nil
		}
		m := &stun.Message{Raw: append([]byte(nil), buf[:n]...)}
		if m.Decode() == nil && m.TransactionID == req.TransactionID {
			return m
		}
	}
}

// TestEarlyChecks: before any answer is applied, the offerer answers a
// check with the right password with a success response signed with its
// password (RFC 8445 section 7.3), and ignores one with a wrong password;
// after the answer, a fitting check from another answer ufrag gets the
// signed 403 that tells a losing answerer.
func TestEarlyChecks(t *testing.T) {
	ctx := testContext(t, time.Minute)
	a := newPeer(t, loopback())
	offer, err := a.Offer(ctx)
	if err != nil {
		t.Fatalf("Offer() = %v", err)
	}
	ufrag, pwd, addr := offerAddr(t, offer)

	resp := check(t, addr, ufrag+":abcd", pwd, 5*time.Second)
	if resp == nil || resp.Type != stun.BindingSuccess {
		t.Fatalf("early check with the offer's password: response %v, want a Binding success", resp)
	}
	if err := stun.NewShortTermIntegrity(pwd).Check(resp); err != nil {
		t.Errorf("the success response's MESSAGE-INTEGRITY does not fit the offer's password: %v", err)
	}
	if err := stun.Fingerprint.Check(resp); err != nil {
		t.Errorf("the success response's FINGERPRINT: %v", err)
	}
	var mapped stun.XORMappedAddress
	if err := mapped.GetFrom(resp); err != nil || !mapped.IP.Equal(net.IPv4(127, 0, 0, 1)) {
		t.Errorf("XOR-MAPPED-ADDRESS = %v, %v; want 127.0.0.1", mapped, err)
	}
	if resp := check(t, addr, ufrag+":abcd", "a-wrong-password-of-22c", 2*time.Second); resp != nil {
		t.Errorf("a check with a wrong password got %v, want no response", resp.Type)
	}

	b := newPeer(t, loopback())
	answer, err := b.Answer(ctx, offer)
	if err != nil {
		t.Fatalf("Answer() = %v", err)
	}
	if err := a.Accept(ctx, answer); err != nil {
		t.Fatalf("Accept() = %v", err)
	}
	if err := a.WaitOpen(ctx); err != nil {
		t.Fatalf("WaitOpen() = %v", err)
	}
	resp = check(t, addr, ufrag+":abcd", pwd, 5*time.Second)
	if resp == nil || resp.Type != stun.BindingError {
		t.Fatalf("check from another answerer after the answer: %v, want a Binding error", resp)
	}
	var code stun.ErrorCodeAttribute
	if err := code.GetFrom(resp); err != nil || code.Code != stun.CodeForbidden {
		t.Errorf("error response code %v, %v; want 403", code, err)
	}
}

// TestOneScanForgedCheck: a check that names a one-scan ufrag but is signed
// with a wrong password is ignored: no answer is taken from it.
func TestOneScanForgedCheck(t *testing.T) {
	ctx := testContext(t, time.Minute)
	a := newPeer(t, oneScan())
	offer, err := a.Offer(ctx)
	if err != nil {
		t.Fatalf("Offer() = %v", err)
	}
	ufrag, _, addr := offerAddr(t, offer)
	forged, _ := onescan.Ufrag(make([]byte, 32), 0)
	if resp := check(t, addr, ufrag+":"+forged, "a-wrong-password-of-22c", 2*time.Second); resp != nil {
		t.Errorf("forged check got %v, want no response", resp.Type)
	}
	select {
	case <-a.OneScanAnswered():
		t.Fatalf("the offerer took an answer from a forged check")
	default:
	}
	// The real answerer still connects.
	b := newPeer(t, oneScan())
	if _, err := b.Answer(ctx, offer); err != nil {
		t.Fatalf("Answer() = %v", err)
	}
	if err := a.WaitOpen(ctx); err != nil {
		t.Fatalf("WaitOpen() after a forged check = %v", err)
	}
}
