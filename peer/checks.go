package peer

import (
	"net"
	"strings"
	"sync"

	"github.com/pion/stun/v4"
	"github.com/qrtc/qrtc/onescan"
)

// answeredReason is the reason phrase of the Binding error response (403,
// RFC 8489 section 14.8) an offerer sends to the checks of an answerer whose
// answer it did not take: another answer reached it first.
const answeredReason = "qrtc: this offer was already answered"

// maxOneScanTries caps the one-scan answers an offerer tries to apply: one
// wins, the others are told; a flood of fitting checks (only offer holders
// can make them) does not start unbounded work.
const maxOneScanTries = 8

// checks watches the STUN Binding traffic on the Peer's sockets, before
// pion's ICE agent sees it, for three things pion does not do:
//
//   - An offerer's agent drops every check that arrives before the answer is
//     applied: it cannot check the USERNAME without the answer's ufrag.
//     RFC 8445 section 7.3 says an agent answers such checks with its own
//     password. checks answers them (a signed Binding success response
//     with XOR-MAPPED-ADDRESS, MESSAGE-INTEGRITY and FINGERPRINT, RFC 8489
//     section 14) until pion's agent has the answer and starts checking.
//     A Firefox answerer whose checks go unanswered gives up after about
//     11 s; answered, it waits for its answer as long as a person needs.
//   - When the offerer accepts one-scan answers and a fitting check names
//     a one-scan ufrag (package onescan), it hands that answer to the Peer.
//   - Once an answer is applied, a check with the offer's password but
//     another answer ufrag comes from an answerer that lost the race: it
//     gets a signed 403 error response instead of silence, and an answerer
//     Peer that receives one ends at once with ErrAnswered.
//
// Checks with a wrong USERNAME or MESSAGE-INTEGRITY are left to pion,
// which drops them.
type checks struct {
	mu          sync.Mutex
	offerer     bool   // this side made the offer
	oneScan     bool   // offerer: accept one-scan answers
	localUfrag  string // set once this side's description is known
	localPwd    string
	remoteUfrag string // set once the other side's description is applied
	remotePwd   string
	tried       map[string]bool      // one-scan answer ufrags handed to onOneScan
	conns       []*keepaliveUDPConn  // the Peer's UDP sockets, for arm
	learned     map[string][]learned // sources of answered early checks, by answer ufrag

	// onOneScan receives a one-scan answer; it is called on a goroutine of
	// its own.
	onOneScan func(answerUfrag string, a onescan.Answer, from net.Addr, priority uint32)
	// onAnswered is called, on a goroutine of its own, when the offerer
	// says that another answer won.
	onAnswered func()
}

// setLocal records this side's ICE credentials.
func (c *checks) setLocal(offerer, oneScan bool, ufrag, pwd string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offerer, c.oneScan, c.localUfrag, c.localPwd = offerer, oneScan, ufrag, pwd
}

// learned is where an early check came from: a peer-reflexive candidate of
// the answer whose ufrag it named (RFC 8445 section 7.3.1.3).
type learned struct {
	addr     *net.UDPAddr
	priority uint32
	conn     net.PacketConn // the socket it arrived on
}

// maxLearned caps the addresses kept per answer ufrag, and the ufrags.
const maxLearned = 16

// learnedFor returns the sources of early checks that named answer ufrag.
func (c *checks) learnedFor(ufrag string) []learned {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.learned[ufrag]
}

// refuseOthers tells every answerer whose early checks were answered but
// whose answer lost to winner: a signed 403 error response to each source
// of its checks. Such an answerer may have stopped checking once its checks
// succeeded (pion and Firefox wait for the offerer's nomination), so it
// would never hear the 403 its later checks get.
func (c *checks) refuseOthers(winner string) {
	c.mu.Lock()
	pwd := c.localPwd
	var to []learned
	for ufrag, list := range c.learned {
		if ufrag != winner {
			to = append(to, list...)
		}
	}
	c.mu.Unlock()
	for _, l := range to {
		resp, err := stun.Build(stun.TransactionID, stun.BindingError,
			stun.ErrorCodeAttribute{Code: stun.CodeForbidden, Reason: []byte(answeredReason)},
			stun.NewShortTermIntegrity(pwd), stun.Fingerprint)
		if err != nil {
			return // cannot happen with these attributes
		}
		// Lost like any datagram: the answerer's next check gets the
		// answer again.
		_, _ = l.conn.WriteTo(resp.Raw, l.addr)
	}
}

// learn records the source of an early check.
func (c *checks) learn(ufrag string, addr *net.UDPAddr, priority uint32, conn net.PacketConn) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.learned == nil {
		c.learned = map[string][]learned{}
	}
	list, known := c.learned[ufrag]
	if !known && len(c.learned) >= maxLearned || len(list) >= maxLearned {
		return
	}
	for _, l := range list {
		if l.addr.String() == addr.String() {
			return
		}
	}
	c.learned[ufrag] = append(list, learned{addr, priority, conn})
}

// maxConns caps the sockets checks keeps for arm: a Peer opens one or two
// per interface and ICE server.
const maxConns = 128

// add records a UDP socket of the Peer.
func (c *checks) add(conn *keepaliveUDPConn) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.conns) < maxConns {
		c.conns = append(c.conns, conn)
	}
}

// arm starts reading every socket of the offerer before pion does, so that
// early checks are answered (keepaliveUDPConn).
func (c *checks) arm() {
	c.mu.Lock()
	conns := c.conns
	c.mu.Unlock()
	for _, conn := range conns {
		conn.arm()
	}
}

// disarm stops every early reader (Close).
func (c *checks) disarm() {
	c.mu.Lock()
	conns := c.conns
	c.mu.Unlock()
	for _, conn := range conns {
		conn.disarm()
	}
}

// setRemote records the other side's ICE credentials once its description
// is applied.
func (c *checks) setRemote(ufrag, pwd string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.remoteUfrag, c.remotePwd = ufrag, pwd
}

// handle looks at a datagram b that arrived from addr on conn, and reports
// whether it consumed it (answered it itself): then pion must not see it.
// early is true when the early reader read it, before pion's agent reads
// the socket (keepaliveUDPConn): only then are checks answered here.
func (c *checks) handle(conn net.PacketConn, b []byte, addr net.Addr, early bool) bool {
	// A STUN message starts with two zero bits and the magic cookie
	// (RFC 8489 section 5); DTLS and SCTP traffic is passed on at once.
	if len(b) < 20 || b[0]&0xC0 != 0 || !stun.IsMessage(b) {
		return false
	}
	m := &stun.Message{Raw: append([]byte(nil), b...)}
	if err := m.Decode(); err != nil || m.Type.Method != stun.MethodBinding {
		return false
	}
	switch m.Type.Class {
	case stun.ClassRequest:
		return c.request(conn, m, addr, early)
	case stun.ClassErrorResponse:
		return c.errorResponse(m)
	}
	return false
}

// request handles a Binding request on the offerer's side.
func (c *checks) request(conn net.PacketConn, m *stun.Message, addr net.Addr, early bool) bool {
	c.mu.Lock()
	offerer, oneScan, lu, lp, ru := c.offerer, c.oneScan, c.localUfrag, c.localPwd, c.remoteUfrag
	c.mu.Unlock()
	if !offerer || lu == "" {
		return false
	}
	var user stun.Username
	if err := user.GetFrom(m); err != nil {
		return false
	}
	local, remote, ok := strings.Cut(user.String(), ":")
	if !ok || local != lu {
		return false
	}
	if stun.NewShortTermIntegrity(lp).Check(m) != nil || stun.Fingerprint.Check(m) != nil {
		return false // forged or damaged: pion drops it
	}
	if ru != "" && remote != ru {
		c.reply(conn, m, addr, lp, stun.BindingError, stun.ErrorCodeAttribute{Code: stun.CodeForbidden, Reason: []byte(answeredReason)})
		return true
	}
	if !early {
		return false // pion's agent has the remote credentials: it answers
	}
	ua, ok := addr.(*net.UDPAddr)
	if !ok {
		return false
	}
	c.reply(conn, m, addr, lp, stun.BindingSuccess, &stun.XORMappedAddress{IP: ua.IP, Port: ua.Port})
	var prio uint32
	if attr, err := m.Get(stun.AttrPriority); err == nil && len(attr) == 4 {
		prio = uint32(attr[0])<<24 | uint32(attr[1])<<16 | uint32(attr[2])<<8 | uint32(attr[3])
	}
	// An answerer whose checks succeeded may stop checking until it is
	// nominated (Firefox does): pion must learn where they came from.
	c.learn(remote, ua, prio, conn)
	if !oneScan || ru != "" {
		return true
	}
	_, a, err := onescan.ParseUsername(user.String(), lu)
	if err != nil {
		return true // an ordinary answerer: its answer token will come
	}
	c.mu.Lock()
	fire := !c.tried[remote] && len(c.tried) < maxOneScanTries && c.onOneScan != nil
	if fire {
		if c.tried == nil {
			c.tried = map[string]bool{}
		}
		c.tried[remote] = true
	}
	f := c.onOneScan
	c.mu.Unlock()
	if fire {
		go f(remote, a, addr, prio)
	}
	return true
}

// errorResponse handles a Binding error response on the answerer's side:
// the offerer's word that another answer won.
func (c *checks) errorResponse(m *stun.Message) bool {
	c.mu.Lock()
	offerer, rp, f := c.offerer, c.remotePwd, c.onAnswered
	c.mu.Unlock()
	if offerer || rp == "" || f == nil {
		return false
	}
	var code stun.ErrorCodeAttribute
	if code.GetFrom(m) != nil || code.Code != stun.CodeForbidden || string(code.Reason) != answeredReason {
		return false
	}
	if stun.NewShortTermIntegrity(rp).Check(m) != nil {
		return false
	}
	go f()
	return true
}

// reply sends a response to the request m from the socket it came in on,
// signed with the local password (RFC 8445 section 7.3.1.4).
func (c *checks) reply(conn net.PacketConn, m *stun.Message, addr net.Addr, pwd string, typ stun.MessageType, attr stun.Setter) {
	resp, err := stun.Build(stun.NewTransactionIDSetter(m.TransactionID), typ, attr,
		stun.NewShortTermIntegrity(pwd), stun.Fingerprint)
	if err != nil {
		return // cannot happen with these attributes; the check goes unanswered, as pion would leave it
	}
	// A response that fails to leave is like one the network lost: the
	// other side checks again.
	_, _ = conn.WriteTo(resp.Raw, addr)
}
