package peer

import (
	"context"
	"fmt"
	"github.com/qrtc/qrtc/phrase"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/webrtc/v4"
)

type role int

const (
	roleNone role = iota
	roleOfferer
	roleAnswerer
)

// Flow control of Send: it waits while more than highWater bytes are queued
// and wakes up when pion reports the queue at or below lowWater.
const (
	highWater = 1 << 20
	lowWater  = 512 << 10
)

// queueLen and maxQueuedBytes bound the received messages that wait for
// Receive. When either is reached pion stops reading, SCTP's receive window
// fills and the sender's Send blocks: backpressure end to end, nothing
// dropped, and a fast sender cannot make this side buffer without limit.
const (
	queueLen       = 1024
	maxQueuedBytes = 4 << 20
)

// gatherSlack is how much longer than GatherTimeout Offer and Answer wait
// for pion to finish gathering before they return what they have (pion's
// STUN timeout does not bound TURN allocations).
const gatherSlack = 300 * time.Millisecond

// closeLinger is how long Shutdown keeps the connection up after its own
// channel has closed, that is after the other side has answered the stream
// reset (RFC 8831 section 6.7). The other side decides "graceful" when its
// channel closes, by checking that the SCTP association is still
// established; the linger only has to outlast the scheduling of that one
// callback, so it is generous. It ends early when the other side tears the
// connection down, which a qrtc peer does right after its Receive returned
// io.EOF.
const closeLinger = 2 * time.Second

// Peer is one end of a qrtc connection: a pion PeerConnection with one
// reliable, ordered data channel that carries text and binary messages.
//
// A Peer is either an offerer (Offer, then Accept) or an answerer (Answer).
// Either then calls WaitOpen, Send (or SendBinary) and Receive (or
// ReceiveMessage), and ends with Shutdown or Close. Sending and receiving
// may happen on different goroutines.
//
// Goroutines: pion runs the connection on its own goroutines and calls the
// Peer's callbacks on them; the Peer starts timers whose functions run on
// goroutines of their own. Close returns only after all of them have
// stopped running Peer code, and pion's goroutines have been told to stop.
type Peer struct {
	s  settings
	pc *webrtc.PeerConnection

	mu           sync.Mutex
	role         role
	dc           *webrtc.DataChannel
	local        description
	localSet     bool
	remote       description
	remoteSet    bool
	warnings     []string
	connectTimer *time.Timer
	goneTimer    *time.Timer
	applying     bool // an answer is being applied (Accept or a one-scan check)
	oneScanWon   bool // the answer came in a one-scan check
	localClosing bool // Shutdown or Close has begun: a channel close is ours
	closing      bool // Close has begun: callbacks must not start work
	endErr       error
	wg           sync.WaitGroup // callbacks running Peer code

	msgs       chan Message
	queued     atomic.Int64  // bytes in msgs
	drained    chan struct{} // a token when Receive took a message
	lowMu      sync.Mutex
	lowCh      chan struct{} // closed and replaced when pion's buffered amount is low
	openCh     chan struct{} // closed when the channel opens
	dcClosedCh chan struct{} // closed when the channel has closed
	connEndCh  chan struct{} // closed when SCTP, DTLS or the connection ended
	endCh      chan struct{} // closed when no more messages will arrive
	closedCh   chan struct{} // closed by Close
	stopCh     chan struct{} // closed when Shutdown or Close begins

	openOnce, dcClosedOnce, connEndOnce, endOnce, closeOnce, stopOnce sync.Once
	closeErr                                                          error

	phraseMu sync.Mutex // held while the phrase is derived, apart from mu
	phrase   string     // the verification phrase, once derived

	queueFull     chan struct{} // closed the first time the receive queue reached its byte cap
	queueFullOnce sync.Once

	checks    *checks       // watches the STUN checks on pion's sockets (checks.go)
	oneScanCh chan struct{} // closed when a one-scan check supplied the answer
}

// New returns a Peer configured by cfg. Candidates are gathered, and their
// sockets opened, by Offer or Answer. Call Close when done.
func New(cfg Config) (*Peer, error) {
	s, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	p := &Peer{
		s:          s,
		checks:     &checks{},
		oneScanCh:  make(chan struct{}),
		msgs:       make(chan Message, queueLen),
		drained:    make(chan struct{}, 1),
		lowCh:      make(chan struct{}),
		openCh:     make(chan struct{}),
		dcClosedCh: make(chan struct{}),
		connEndCh:  make(chan struct{}),
		endCh:      make(chan struct{}),
		closedCh:   make(chan struct{}),
		stopCh:     make(chan struct{}),
		queueFull:  make(chan struct{}),
	}
	p.checks.onOneScan = p.oneScanAnswer
	p.checks.onAnswered = p.answeredElsewhere
	pc, err := p.newPeerConnection(s.ICEUfrag, s.ICEPwd, nil)
	if err != nil {
		return nil, err
	}
	p.pc = pc
	return p, nil
}

// newPeerConnection makes pion's PeerConnection with the given local ICE
// credentials (empty: pion picks them) and certificate (nil: pion makes
// one), and hooks its events to p. Events of a PeerConnection that is no
// longer p's (one-scan answers replace the first one) are ignored.
func (p *Peer) newPeerConnection(ufrag, pwd string, cert *webrtc.Certificate) (*webrtc.PeerConnection, error) {
	cfg := webrtc.Configuration{ICEServers: p.s.ICEServers}
	if cert != nil {
		cfg.Certificates = []webrtc.Certificate{*cert}
	}
	pc, err := p.s.api(p.checks, ufrag, pwd).NewPeerConnection(cfg)
	if err != nil {
		return nil, fmt.Errorf("%w: ICE servers %v: %v; use URLs like \"stun:host:3478\" or \"turn:host:3478\" with a username and credential", ErrBadConfig, iceServerURLs(p.s.ICEServers), err)
	}
	pc.OnICEConnectionStateChange(func(s webrtc.ICEConnectionState) {
		if p.current(pc) {
			p.onICEState(s)
		}
	})
	pc.OnConnectionStateChange(func(s webrtc.PeerConnectionState) {
		if p.current(pc) {
			p.onConnectionState(s)
		}
	})
	pc.OnDataChannel(func(dc *webrtc.DataChannel) {
		if p.current(pc) {
			p.attach(dc)
		}
	})
	pc.SCTP().OnClose(func(error) {
		if !p.current(pc) || !p.enter() {
			return
		}
		defer p.wg.Done()
		p.connectionEnded("the SCTP association closed")
	})
	return pc, nil
}

// current reports whether pc is p's PeerConnection.
func (p *Peer) current(pc *webrtc.PeerConnection) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.pc == pc
}

// conn returns p's PeerConnection.
func (p *Peer) conn() *webrtc.PeerConnection {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.pc
}

// enter registers a callback that is about to run Peer code. It returns
// false once Close has begun; otherwise the caller must call p.wg.Done.
func (p *Peer) enter() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closing {
		return false
	}
	p.wg.Add(1)
	return true
}

func (p *Peer) logf(format string, args ...any) {
	if p.s.Logf != nil {
		p.s.Logf(format, args...)
	}
}

// Offer creates the data channel and an offer, gathers every candidate
// (waiting at most about GatherTimeout for STUN and TURN servers) and
// returns the complete offer SDP. Give it to the other side's Answer.
func (p *Peer) Offer(ctx context.Context) (string, error) {
	if err := p.claim(roleOfferer, "Offer"); err != nil {
		return "", err
	}
	ordered := true
	init := &webrtc.DataChannelInit{Ordered: &ordered}
	if p.s.Protocol != "" {
		init.Protocol = &p.s.Protocol
	}
	dc, err := p.pc.CreateDataChannel(p.s.Label, init)
	if err != nil {
		return "", fmt.Errorf("%w: creating data channel %q: %v; check Config.Label", ErrWebRTC, p.s.Label, err)
	}
	p.attach(dc)
	offer, err := p.pc.CreateOffer(nil)
	if err != nil {
		return "", fmt.Errorf("%w: creating the offer: %v", ErrWebRTC, err)
	}
	sdp, err := p.finishGathering(ctx, offer)
	if err != nil {
		return "", err
	}
	p.mu.Lock()
	ufrag, pwd := p.local.ufrag, p.local.pwd
	p.mu.Unlock()
	p.checks.setLocal(true, p.s.OneScan, ufrag, pwd)
	p.checks.arm()
	if p.s.OneScan {
		sdp = markOneScan(sdp)
	}
	return sdp, nil
}

// Answer applies the other side's offer SDP, creates an answer, gathers
// every candidate and returns the complete answer SDP. Connectivity checks
// start at once; the Peer keeps waiting for the offerer for AnswerWait.
func (p *Peer) Answer(ctx context.Context, offerSDP string) (string, error) {
	if err := p.claim(roleAnswerer, "Answer"); err != nil {
		return "", err
	}
	rd, err := checkOffer(offerSDP)
	if err != nil {
		return "", err
	}
	if p.s.OneScan && rd.oneScan {
		if err := p.becomeOneScan(rd); err != nil {
			return "", err
		}
	}
	p.checks.setRemote(rd.ufrag, rd.pwd)
	if err := p.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: offerSDP}); err != nil {
		return "", fmt.Errorf("%w: pion refused the offer: %v", ErrBadDescription, err)
	}
	p.mu.Lock()
	p.remote, p.remoteSet = rd, true
	p.mu.Unlock()
	answer, err := p.pc.CreateAnswer(nil)
	if err != nil {
		return "", fmt.Errorf("%w: creating the answer: %v", ErrWebRTC, err)
	}
	sdp, err := p.finishGathering(ctx, answer)
	if err != nil {
		return "", err
	}
	p.mu.Lock()
	ufrag, pwd := p.local.ufrag, p.local.pwd
	p.mu.Unlock()
	p.checks.setLocal(false, false, ufrag, pwd)
	p.startConnectTimer(p.s.AnswerWait, "the offerer did not connect within %s of the answer; did it apply this answer?")
	return sdp, nil
}

// Accept applies the answerer's SDP on the offerer's side. Connectivity
// checks start; WaitOpen tells when the channel is open.
//
// With Config.OneScan the answer may have come first in a connectivity
// check (OneScan tells): then Accept of the same answer returns nil, and
// Accept of another answer ErrAnswered.
func (p *Peer) Accept(ctx context.Context, answerSDP string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("peer: accept: %w", err)
	}
	rd, err := checkAnswer(answerSDP)
	if err != nil {
		return err
	}
	return p.apply(answerSDP, rd, false)
}

// apply applies an answer, from Accept or from a one-scan check, once.
func (p *Peer) apply(answerSDP string, rd description, oneScan bool) error {
	p.mu.Lock()
	switch {
	case p.closing || p.localClosing:
		p.mu.Unlock()
		return fmt.Errorf("%w: Accept after Close", ErrClosed)
	case p.role != roleOfferer || !p.localSet:
		p.mu.Unlock()
		return fmt.Errorf("%w: Accept needs a finished Offer on this Peer first", ErrWrongState)
	case p.applying && p.oneScanWon:
		same := p.remote.ufrag == rd.ufrag && p.remote.fingerprint == rd.fingerprint
		p.mu.Unlock()
		if same && !oneScan {
			return nil
		}
		return fmt.Errorf("%w: a connectivity check from the answerer %s already carried its answer (one-scan); this answer (ufrag %q) is not used", ErrAnswered, clipUfrag(p.remote.ufrag), clipUfrag(rd.ufrag))
	case p.applying:
		p.mu.Unlock()
		return fmt.Errorf("%w: an answer was already accepted; one Peer carries one connection", ErrWrongState)
	}
	p.applying, p.oneScanWon = true, oneScan
	p.remote = rd
	p.mu.Unlock()
	if err := p.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: answerSDP}); err != nil {
		p.mu.Lock()
		p.applying, p.oneScanWon, p.remote = false, false, description{}
		p.mu.Unlock()
		return fmt.Errorf("%w: pion refused the answer: %v", ErrBadDescription, err)
	}
	p.checks.setRemote(rd.ufrag, rd.pwd)
	p.addLearned(rd)
	p.checks.refuseOthers(rd.ufrag)
	p.mu.Lock()
	p.remoteSet = true
	p.mu.Unlock()
	if oneScan {
		close(p.oneScanCh)
	}
	p.startConnectTimer(p.s.ConnectTimeout, "no candidate pair connected within %s")
	return nil
}

// claim makes p an offerer or an answerer, once.
func (p *Peer) claim(r role, call string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closing || p.localClosing {
		return fmt.Errorf("%w: %s after Close", ErrClosed, call)
	}
	if p.role != roleNone {
		return fmt.Errorf("%w: %s on a Peer that already made an offer or an answer; use a new Peer", ErrWrongState, call)
	}
	p.role = r
	return nil
}

// finishGathering applies own, this side's offer or answer, waits for
// gathering, then records and returns the local description.
func (p *Peer) finishGathering(ctx context.Context, own webrtc.SessionDescription) (string, error) {
	gathered := webrtc.GatheringCompletePromise(p.pc)
	if err := p.pc.SetLocalDescription(own); err != nil {
		return "", fmt.Errorf("%w: applying own %s: %v", ErrWebRTC, own.Type, err)
	}
	backstop := time.NewTimer(p.s.GatherTimeout + gatherSlack)
	defer backstop.Stop()
	complete := true
	select {
	case <-gathered:
	case <-backstop.C:
		complete = false
	case <-ctx.Done():
		return "", fmt.Errorf("peer: gathering candidates: %w", ctx.Err())
	case <-p.closedCh:
		return "", fmt.Errorf("%w: closed while gathering candidates", ErrClosed)
	}
	ld := p.pc.LocalDescription()
	if ld == nil {
		return "", fmt.Errorf("peer: pion has no local description after gathering; this is a bug in qrtc")
	}
	d, err := parseDescription(ld.SDP)
	if err != nil {
		return "", fmt.Errorf("peer: reading own description: %w", err)
	}
	warnings := gatherWarnings(p.s.ICEServers, d.candidates, p.s.GatherTimeout, complete, p.s.turn.refusal)
	p.mu.Lock()
	p.local, p.localSet = d, true
	p.warnings = warnings
	p.mu.Unlock()
	for _, c := range d.candidates {
		p.logf("local %s", c)
	}
	for _, w := range warnings {
		p.logf("%s", w)
	}
	return ld.SDP, nil
}

// startConnectTimer ends the Peer with a *ConnectError unless the channel
// opens within d. reason is a format with one %s for d.
func (p *Peer) startConnectTimer(d time.Duration, reason string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closing {
		return
	}
	p.connectTimer = time.AfterFunc(d, func() {
		if !p.enter() {
			return
		}
		defer p.wg.Done()
		select {
		case <-p.openCh:
			return
		default:
		}
		p.end(p.connectError(fmt.Sprintf(reason, d)))
	})
}

// attach takes dc as the Peer's channel and hooks up its events.
func (p *Peer) attach(dc *webrtc.DataChannel) {
	p.mu.Lock()
	if p.dc != nil || p.closing {
		p.mu.Unlock()
		// qrtc uses one channel; refuse extra ones.
		_ = dc.Close() // the channel was never ours; its error does not matter to the caller
		return
	}
	p.dc = dc
	p.mu.Unlock()
	dc.SetBufferedAmountLowThreshold(lowWater)
	dc.OnBufferedAmountLow(func() {
		// Wake every sender: Send and SendBinary may wait on several
		// goroutines at once, and a token for one would leave the others
		// waiting for a crossing that never comes.
		p.lowMu.Lock()
		close(p.lowCh)
		p.lowCh = make(chan struct{})
		p.lowMu.Unlock()
	})
	dc.OnOpen(func() {
		p.logf("data channel %q open", dc.Label())
		p.openOnce.Do(func() { close(p.openCh) })
		p.mu.Lock()
		if p.connectTimer != nil {
			p.connectTimer.Stop()
		}
		p.mu.Unlock()
	})
	dc.OnMessage(func(m webrtc.DataChannelMessage) {
		// This runs on pion's read loop for the channel: while it waits
		// for room in the queue, pion reads nothing more. Once this side
		// stops, nobody reads the queue: drop the message, so that pion's
		// loop goes on and sees the channel close.
		for p.queued.Load() > maxQueuedBytes {
			p.queueFullOnce.Do(func() { close(p.queueFull) })
			select {
			case <-p.drained:
			case <-p.stopCh:
				return
			}
		}
		p.queued.Add(int64(len(m.Data)))
		select {
		case p.msgs <- Message{Data: m.Data, Binary: !m.IsString}:
		case <-p.stopCh:
		}
	})
	dc.OnError(func(err error) {
		// pion reports every end of the channel other than a stream reset
		// here: an SCTP ABORT, a transport error.
		if !p.enter() {
			return
		}
		defer p.wg.Done()
		p.connectionEnded(fmt.Sprintf("the channel broke (%v)", err))
	})
	dc.OnClose(func() {
		if !p.enter() {
			return
		}
		defer p.wg.Done()
		p.onChannelClose()
	})
}

// onChannelClose decides why the channel closed, at once, from the state
// of the SCTP association under it. pion closes the channel after a stream
// reset (RFC 8831 section 6.7: the other side closed the channel on
// purpose) and after the association ended (an ABORT, which pion's
// PeerConnection.Close sends; a DTLS close; a transport error). When the
// association ended, pion marks it closed before it fails the channel's
// reads, so a closed association here means the other side vanished. A
// live association means a reset: the other side left gracefully.
func (p *Peer) onChannelClose() {
	p.dcClosedOnce.Do(func() { close(p.dcClosedCh) })
	p.mu.Lock()
	local := p.localClosing
	p.mu.Unlock()
	if local {
		p.end(fmt.Errorf("%w: this side closed the chat", ErrClosed))
		return
	}
	if _, up := p.conn().SCTP().Metadata(); !up {
		p.connEndOnce.Do(func() { close(p.connEndCh) })
		p.end(fmt.Errorf("%w: the connection closed without the chat being closed first", ErrPeerGone))
		return
	}
	p.logf("the other side closed the chat")
	p.end(io.EOF)
}

// connectionEnded records that the transport under the channel is gone.
func (p *Peer) connectionEnded(why string) {
	p.connEndOnce.Do(func() { close(p.connEndCh) })
	p.mu.Lock()
	local := p.localClosing
	p.mu.Unlock()
	if local {
		return
	}
	p.logf("%s", why)
	select {
	case <-p.openCh:
		// The channel's own close follows and tells graceful from not.
	default:
		p.end(fmt.Errorf("%w: %s before the chat opened", ErrPeerGone, why))
	}
}

func (p *Peer) onICEState(s webrtc.ICEConnectionState) {
	if !p.enter() {
		return
	}
	defer p.wg.Done()
	p.logf("ICE %s", s)
	switch s {
	case webrtc.ICEConnectionStateConnected, webrtc.ICEConnectionStateCompleted:
		p.mu.Lock()
		if p.goneTimer != nil {
			p.goneTimer.Stop()
			p.goneTimer = nil
		}
		p.mu.Unlock()
	case webrtc.ICEConnectionStateDisconnected:
		p.mu.Lock()
		if p.goneTimer == nil && !p.localClosing {
			wait := p.s.PeerGoneTimeout - iceDisconnectedTimeoutFor(p.s)
			p.goneTimer = time.AfterFunc(wait, func() {
				if !p.enter() {
					return
				}
				defer p.wg.Done()
				p.end(fmt.Errorf("%w: nothing heard from it for %s (process killed or network lost?)", ErrPeerGone, p.s.PeerGoneTimeout))
			})
		}
		p.mu.Unlock()
	case webrtc.ICEConnectionStateFailed:
		select {
		case <-p.openCh:
			p.end(fmt.Errorf("%w: ICE failed", ErrPeerGone))
		default:
			p.end(p.connectError("ICE failed"))
		}
	}
}

func (p *Peer) onConnectionState(s webrtc.PeerConnectionState) {
	if !p.enter() {
		return
	}
	defer p.wg.Done()
	p.logf("connection %s", s)
	switch s {
	case webrtc.PeerConnectionStateClosed:
		p.connectionEnded("the other side closed the connection")
	case webrtc.PeerConnectionStateFailed:
		p.connectionEnded("the connection failed")
	}
}

// end records why no more messages will come, once.
func (p *Peer) end(err error) {
	p.endOnce.Do(func() {
		p.mu.Lock()
		p.endErr = err
		if p.goneTimer != nil {
			p.goneTimer.Stop()
		}
		p.mu.Unlock()
		close(p.endCh)
	})
}

// endError returns the reason recorded by end.
func (p *Peer) endError() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.endErr
}

// WaitOpen waits until the data channel is open. If the two sides cannot
// connect it returns a *ConnectError (errors.Is ErrICEFailed) that says
// which candidates and pairs were tried.
func (p *Peer) WaitOpen(ctx context.Context) error {
	select {
	case <-p.openCh:
		return nil
	default:
	}
	select {
	case <-p.openCh:
		return nil
	case <-p.endCh:
		select {
		case <-p.openCh:
			return nil
		default:
		}
		return p.endError()
	case <-ctx.Done():
		return fmt.Errorf("peer: waiting for the channel to open: %w", ctx.Err())
	}
}

// Phrase returns the verification phrase: four words derived from both
// sides' DTLS fingerprints, the same on both sides. People compare it by
// voice to notice a swapped QR code or a man in the middle. It is "" until
// both descriptions are known. The first call that has both derives the
// phrase with argon2id, which takes tens of milliseconds and 64 MiB of
// memory; later calls return it at once.
func (p *Peer) Phrase() string {
	p.phraseMu.Lock()
	defer p.phraseMu.Unlock()
	if p.phrase != "" {
		return p.phrase
	}
	p.mu.Lock()
	known := p.localSet && p.remoteSet
	local, remote := p.local.fingerprint, p.remote.fingerprint
	p.mu.Unlock()
	if !known {
		return ""
	}
	p.phrase = phrase.Derive(local, remote)
	return p.phrase
}

// MaxMessageSize returns the largest message the other side accepts, in
// bytes, from its a=max-message-size (65536 when it gives none); 0 until the
// other side's description is known.
func (p *Peer) MaxMessageSize() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.remoteSet {
		return 0
	}
	return p.remote.maxMessageSize
}

// Protocol returns the subprotocol of the data channel (RFC 8832 section
// 5.1), as its creator set it: Config.Protocol on an offerer, the offerer's
// choice on an answerer ("" when it set none, as browser pages usually do).
// It is "" until the channel exists; it is known once WaitOpen returned.
func (p *Peer) Protocol() string {
	p.mu.Lock()
	dc := p.dc
	p.mu.Unlock()
	if dc == nil {
		return ""
	}
	return dc.Protocol()
}

// LocalCandidates returns this side's candidate lines ("candidate:...") as
// they appear in the description returned by Offer or Answer.
func (p *Peer) LocalCandidates() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.local.candidates...)
}

// GatherWarnings returns what went wrong while gathering, one sentence
// each, such as a STUN server that did not answer in time.
func (p *Peer) GatherWarnings() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.warnings...)
}

// Shutdown ends the chat gracefully: it waits until everything sent has
// been delivered, closes the channel so that the other side's Receive
// returns io.EOF, waits for the other side to confirm (its reset of the
// channel's stream), keeps the connection up for up to 2 s more while the
// other side notices (less when the other side closes first, as a qrtc peer
// does), and then closes the Peer. If ctx ends first it closes the Peer at once and returns ctx's
// error. Shutdown is idempotent and safe to call after Close.
func (p *Peer) Shutdown(ctx context.Context) error {
	p.mu.Lock()
	if p.localClosing {
		p.mu.Unlock()
		return p.Close()
	}
	p.localClosing = true
	dc := p.dc
	p.mu.Unlock()
	p.stopOnce.Do(func() { close(p.stopCh) })
	select {
	case <-p.endCh:
		return p.Close() // the other side closed or vanished: nothing to deliver
	default:
	}
	if err := ctx.Err(); err != nil {
		_ = p.Close() // the ctx error is what the caller needs; Close only releases resources
		return fmt.Errorf("peer: shutdown: %w", err)
	}

	open := false
	select {
	case <-p.openCh:
		open = true
	default:
	}
	if dc == nil || !open {
		return p.Close()
	}
	if err := p.shutdownChannel(ctx, dc); err != nil {
		_ = p.Close() // the ctx error is what the caller needs; Close only releases resources
		return err
	}
	return p.Close()
}

func (p *Peer) shutdownChannel(ctx context.Context, dc *webrtc.DataChannel) error {
	// Wait until SCTP has delivered what was sent.
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for dc.BufferedAmount() > 0 {
		select {
		case <-tick.C:
		case <-p.endCh:
			return nil // the channel or connection already ended: nothing to drain into
		case <-ctx.Done():
			return fmt.Errorf("peer: shutdown: %d bytes not yet delivered: %w", dc.BufferedAmount(), ctx.Err())
		}
	}
	// Reset our stream (RFC 8831 section 6.7); the other side resets its
	// stream in reply, and that closes our channel.
	if err := dc.Close(); err != nil {
		return fmt.Errorf("%w: shutdown: closing the channel: %v", ErrWebRTC, err)
	}
	select {
	case <-p.dcClosedCh:
	case <-p.connEndCh:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("peer: shutdown: waiting for the other side to close the channel: %w", ctx.Err())
	}
	// The other side has processed our reset. Keep the connection up while
	// it decides, on its callback, that the association is still up
	// (io.EOF), unless it tears the connection down first.
	linger := time.NewTimer(closeLinger)
	defer linger.Stop()
	select {
	case <-linger.C:
	case <-p.connEndCh:
	case <-ctx.Done():
		return fmt.Errorf("peer: shutdown: %w", ctx.Err())
	}
	return nil
}

// Close ends the connection at once, without waiting for anything sent to
// arrive; the other side sees ErrPeerGone. pion's PeerConnection.Close
// aborts the SCTP association (an ABORT chunk, RFC 9260 section 9.1)
// without resetting the channel's streams first, so the other side never
// mistakes Close for a graceful end. It returns after every Peer
// callback has returned and pion has closed its sockets. Close is
// idempotent.
func (p *Peer) Close() error {
	p.closeOnce.Do(func() {
		p.mu.Lock()
		pc := p.pc
		p.localClosing = true
		p.closing = true
		if p.connectTimer != nil {
			p.connectTimer.Stop()
		}
		if p.goneTimer != nil {
			p.goneTimer.Stop()
		}
		p.mu.Unlock()
		p.stopOnce.Do(func() { close(p.stopCh) })
		close(p.closedCh)
		p.end(fmt.Errorf("%w: this side closed the chat", ErrClosed))
		if err := pc.Close(); err != nil {
			p.closeErr = fmt.Errorf("%w: closing the connection: %v", ErrWebRTC, err)
		}
		p.checks.disarm()
		p.wg.Wait()
	})
	return p.closeErr
}

// iceDisconnectedTimeoutFor mirrors the disconnected timeout settings.api
// gives pion.
func iceDisconnectedTimeoutFor(s settings) time.Duration {
	if d := s.PeerGoneTimeout / 2; d < iceDisconnectedTimeout {
		return d
	}
	return iceDisconnectedTimeout
}

func iceServerURLs(servers []webrtc.ICEServer) []string {
	var urls []string
	for _, s := range servers {
		urls = append(urls, s.URLs...)
	}
	return urls
}
