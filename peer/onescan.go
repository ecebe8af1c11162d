package peer

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"slices"
	"strings"

	"github.com/pion/webrtc/v4"
	"github.com/qrtc/qrtc/onescan"
)

// OneScanAnswered returns a channel that is closed when a connectivity
// check carried the answer (Config.OneScan on the offerer): the Peer then
// connects without Accept.
func (p *Peer) OneScanAnswered() <-chan struct{} {
	return p.oneScanCh
}

// markOneScan adds a=qrtc-one-scan to the media section of an offer (the
// last section: a data-channel offer has one).
func markOneScan(sdp string) string {
	eol := "\r\n"
	if !strings.Contains(sdp, eol) {
		eol = "\n"
	}
	if !strings.HasSuffix(sdp, eol) {
		sdp += eol
	}
	return sdp + "a=" + onescan.Attribute + eol
}

// becomeOneScan replaces the answerer's PeerConnection, before it has done
// anything, with one whose ICE credentials make a one-scan answer to the
// offer rd: a fresh certificate whose fingerprint goes into the ufrag, and
// the password derived from the offer (package onescan).
func (p *Peer) becomeOneScan(rd description) error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return fmt.Errorf("%w: making a certificate key: %v", ErrWebRTC, err)
	}
	cert, err := webrtc.GenerateCertificate(key)
	if err != nil {
		return fmt.Errorf("%w: making a certificate: %v", ErrWebRTC, err)
	}
	fps, err := cert.GetFingerprints()
	if err != nil {
		return fmt.Errorf("%w: fingerprinting the certificate: %v", ErrWebRTC, err)
	}
	var fp []byte
	for _, f := range fps {
		if strings.EqualFold(f.Algorithm, "sha-256") {
			fp, err = hex.DecodeString(strings.ReplaceAll(f.Value, ":", ""))
		}
	}
	if fp == nil || err != nil {
		return fmt.Errorf("%w: the certificate has no sha-256 fingerprint (%v)", ErrWebRTC, fps)
	}
	ufrag, err := onescan.Ufrag(fp, uint64(p.s.MaxMessageSize))
	if err != nil {
		return fmt.Errorf("%w: %v; set MaxMessageSize to 65536 or more", ErrBadConfig, err)
	}
	pwd := onescan.Password(rd.ufrag, rd.pwd, ufrag)
	pc, err := p.newPeerConnection(ufrag, pwd, cert)
	if err != nil {
		return err
	}
	p.mu.Lock()
	if p.closing {
		p.mu.Unlock()
		_ = pc.Close() // never used; the caller learns of the Close
		return fmt.Errorf("%w: Answer after Close", ErrClosed)
	}
	old := p.pc
	p.pc = pc
	p.mu.Unlock()
	_ = old.Close() // it never gathered or connected; its events are ignored now
	return nil
}

// oneScanAnswer applies the answer a one-scan check described: it came
// from addr with USERNAME "<offer ufrag>:<answerUfrag>" and the offer's
// password (checks.go checked both). It runs on a goroutine of its own.
func (p *Peer) oneScanAnswer(answerUfrag string, a onescan.Answer, addr net.Addr, priority uint32) {
	if !p.enter() {
		return
	}
	defer p.wg.Done()
	p.mu.Lock()
	local := p.local
	p.mu.Unlock()
	ua, ok := addr.(*net.UDPAddr)
	if !ok {
		return
	}
	sdp := oneScanAnswerSDP(local, answerUfrag, onescan.Password(local.ufrag, local.pwd, answerUfrag), a, ua, priority)
	rd, err := checkAnswer(sdp)
	if err == nil {
		err = p.apply(sdp, rd, true)
	}
	if err != nil {
		p.logf("one-scan answer from %s not used: %v", addr, err)
		return
	}
	p.logf("one-scan: the answer came in a check from %s", addr)
}

// oneScanAnswerSDP writes the answer that a one-scan check describes: the
// answer's ufrag, its derived password, its fingerprint and max message
// size from the ufrag, the fixed a=setup:active (RFC 8842 section 5.3:
// the answerer of a data channel takes the DTLS client role), the offer's
// mid, SCTP port 5000, and the check's source address as a peer-reflexive
// candidate with the check's PRIORITY (RFC 8445 section 7.3.1.3).
func oneScanAnswerSDP(offer description, ufrag, pwd string, a onescan.Answer, from *net.UDPAddr, priority uint32) string {
	if priority == 0 {
		priority = 110<<24 | 65535<<8 | 255 // RFC 8445 section 5.1.2.1 for prflx
	}
	mid := offer.mid
	if mid == "" {
		mid = "0"
	}
	hexPairs := make([]string, len(a.Fingerprint))
	for i, c := range a.Fingerprint {
		hexPairs[i] = fmt.Sprintf("%02X", c)
	}
	ip := from.IP.String()
	if v4 := from.IP.To4(); v4 != nil {
		ip = v4.String()
	}
	lines := []string{
		"v=0",
		"o=- 1 2 IN IP4 127.0.0.1",
		"s=-",
		"t=0 0",
		"a=group:BUNDLE " + mid,
		"m=application 9 UDP/DTLS/SCTP webrtc-datachannel",
		"c=IN IP4 0.0.0.0",
		"a=ice-ufrag:" + ufrag,
		"a=ice-pwd:" + pwd,
		"a=fingerprint:sha-256 " + strings.Join(hexPairs, ":"),
		"a=setup:active",
		"a=mid:" + mid,
		"a=sctp-port:5000",
		fmt.Sprintf("a=max-message-size:%d", a.MaxMessageSize),
		fmt.Sprintf("a=candidate:1 1 udp %d %s %d typ prflx raddr 0.0.0.0 rport 0", priority, ip, from.Port),
		"a=end-of-candidates",
	}
	return strings.Join(lines, "\r\n") + "\r\n"
}

// answeredElsewhere ends an answerer whose offerer said that another answer
// won (checks.go).
func (p *Peer) answeredElsewhere() {
	if !p.enter() {
		return
	}
	defer p.wg.Done()
	select {
	case <-p.openCh:
		return
	default:
	}
	p.logf("the offerer took another answer")
	p.end(fmt.Errorf("%w: the offerer connected with another answer first", ErrAnswered))
}

// clipUfrag shortens a ufrag for messages: a one-scan ufrag is 47
// characters.
func clipUfrag(u string) string {
	if len(u) > 12 {
		return u[:12] + "..."
	}
	return u
}

// addLearned gives pion the sources of the early checks that named the
// applied answer's ufrag, as peer-reflexive candidates (RFC 8445 section
// 7.3.1.3): an answerer whose early checks were answered may wait for the
// offerer's checks instead of checking again, and an answer with only
// mDNS names may not resolve.
func (p *Peer) addLearned(rd description) {
	for _, l := range p.checks.learnedFor(rd.ufrag) {
		ip := l.addr.IP.String()
		if v4 := l.addr.IP.To4(); v4 != nil {
			ip = v4.String()
		}
		prio := l.priority
		if prio == 0 {
			prio = 110<<24 | 65535<<8 | 255
		}
		c := fmt.Sprintf("candidate:1 1 udp %d %s %d typ prflx raddr 0.0.0.0 rport 0", prio, ip, l.addr.Port)
		if slices.ContainsFunc(rd.candidates, func(have string) bool { return sameAddress(have, ip, l.addr.Port) }) {
			continue
		}
		if err := p.pc.AddICECandidate(webrtc.ICECandidateInit{Candidate: c}); err != nil {
			p.logf("learned candidate %s not used: %v", c, err)
		}
	}
}

// sameAddress reports whether candidate line c is for ip and port.
func sameAddress(c, ip string, port int) bool {
	f := strings.Fields(c)
	return len(f) >= 6 && f[4] == ip && f[5] == fmt.Sprint(port)
}
