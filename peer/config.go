package peer

import (
	"fmt"
	"math"
	"time"

	"github.com/pion/ice/v4"
	"github.com/pion/webrtc/v4"
)

// Defaults applied by New to zero Config fields.
const (
	// DefaultGatherTimeout bounds the wait for server reflexive and relay
	// candidates: a STUN or TURN server that has not answered by then is
	// left out and reported by GatherWarnings.
	DefaultGatherTimeout = 1500 * time.Millisecond

	// DefaultLabel is the data channel label.
	DefaultLabel = "qrtc"

	// DefaultConnectTimeout is how long the offerer's connectivity checks
	// may run after Accept before WaitOpen reports ErrICEFailed.
	DefaultConnectTimeout = 30 * time.Second

	// DefaultAnswerWait is how long the answerer keeps its candidates and
	// keeps answering connectivity checks while the offerer has not yet
	// applied the answer: people carry answers back by hand.
	DefaultAnswerWait = 30 * time.Minute

	// DefaultPeerGoneTimeout is how long a connected peer may stay silent
	// (no ICE keepalive, no data) before Receive and Send report ErrPeerGone.
	DefaultPeerGoneTimeout = 20 * time.Second

	// DefaultMaxMessageSize is the largest message this side accepts,
	// announced to the other side as a=max-message-size. It is what
	// Chromium announces.
	DefaultMaxMessageSize = 256 * 1024
)

// Config configures a Peer. Its zero value works: host candidates only,
// random ICE credentials, the defaults above.
type Config struct {
	// ICEServers lists STUN and TURN servers. Empty: host candidates only.
	ICEServers []webrtc.ICEServer

	// ICEUfrag and ICEPwd, when set, are the local ICE credentials
	// (RFC 8839 section 5.4: ufrag 4 to 256, pwd 22 to 256 characters of
	// ALPHA / DIGIT / "+" / "/"). Set both or neither; empty lets pion pick.
	ICEUfrag, ICEPwd string

	// GatherTimeout is the longest wait for server reflexive and relay
	// candidates. Zero means DefaultGatherTimeout.
	GatherTimeout time.Duration

	// Label is the label of the data channel the offerer creates. Empty
	// means DefaultLabel. The answerer takes the offer's channel, whatever
	// its label.
	Label string

	// Protocol is the subprotocol the offerer announces for its data
	// channel (RFC 8832 section 5.1), which the answerer reads with
	// Peer.Protocol. Empty: none. The answerer takes the offer's channel,
	// whatever its protocol.
	Protocol string

	// ConnectTimeout bounds the offerer's connectivity checks after Accept.
	// Zero means DefaultConnectTimeout.
	ConnectTimeout time.Duration

	// AnswerWait is how long the answerer waits for the offerer to apply
	// its answer and connect. Zero means DefaultAnswerWait.
	AnswerWait time.Duration

	// PeerGoneTimeout is how long a connected peer may stay silent before
	// it counts as gone. Zero means DefaultPeerGoneTimeout; the smallest
	// value allowed is 2s.
	PeerGoneTimeout time.Duration

	// MaxMessageSize is the largest message this side accepts. Zero means
	// DefaultMaxMessageSize.
	MaxMessageSize int

	// IncludeLoopback adds loopback addresses (127.0.0.1, ::1) as host
	// candidates. pion leaves them out by default; tests that keep all
	// traffic on the machine turn them on.
	IncludeLoopback bool

	// InterfaceFilter, when set, keeps only the network interfaces for
	// which it returns true (by name, e.g. "eth0").
	InterfaceFilter func(name string) bool

	// NetworkTypes limits candidates to these network types. Empty means
	// UDP over IPv4 and IPv6.
	NetworkTypes []webrtc.NetworkType

	// OneScan lets two sides connect with one scanned code (package
	// onescan). An offerer marks its offer with a=qrtc-one-scan and, when a
	// connectivity check arrives whose USERNAME names a one-scan answer and
	// whose MESSAGE-INTEGRITY fits its password, applies the answer that
	// check describes at once: Accept is then not needed, and OneScan
	// tells. An answerer given an offer so marked makes a one-scan answer
	// (its ufrag carries its certificate fingerprint, its password is
	// derived from the offer; ICEUfrag and ICEPwd are not used), which the
	// offerer may still Accept the ordinary way.
	OneScan bool

	// Logf, when set, receives verbose diagnostics (state changes, gathered
	// candidates). It must be safe for concurrent use. Nil: silent.
	Logf func(format string, args ...any)
}

// settings is a Config with its defaults applied.
type settings struct {
	Config
	turn *turnRefusals // what pion's log told of refused TURN allocations
}

func (c Config) withDefaults() (settings, error) {
	if c.GatherTimeout == 0 {
		c.GatherTimeout = DefaultGatherTimeout
	}
	if c.Label == "" {
		c.Label = DefaultLabel
	}
	if c.ConnectTimeout == 0 {
		c.ConnectTimeout = DefaultConnectTimeout
	}
	if c.AnswerWait == 0 {
		c.AnswerWait = DefaultAnswerWait
	}
	if c.PeerGoneTimeout == 0 {
		c.PeerGoneTimeout = DefaultPeerGoneTimeout
	}
	if c.MaxMessageSize == 0 {
		c.MaxMessageSize = DefaultMaxMessageSize
	}
	if len(c.NetworkTypes) == 0 {
		c.NetworkTypes = []webrtc.NetworkType{webrtc.NetworkTypeUDP4, webrtc.NetworkTypeUDP6}
	}
	switch {
	case c.GatherTimeout < 0:
		return settings{}, fmt.Errorf("%w: GatherTimeout %q is negative; use 0 for the default", ErrBadConfig, c.GatherTimeout)
	case c.ConnectTimeout < 0:
		return settings{}, fmt.Errorf("%w: ConnectTimeout %q is negative; use 0 for the default", ErrBadConfig, c.ConnectTimeout)
	case c.AnswerWait < 0:
		return settings{}, fmt.Errorf("%w: AnswerWait %q is negative; use 0 for the default", ErrBadConfig, c.AnswerWait)
	case c.PeerGoneTimeout < 2*time.Second:
		return settings{}, fmt.Errorf("%w: PeerGoneTimeout %q is below 2s; use 0 for the default", ErrBadConfig, c.PeerGoneTimeout)
	case c.MaxMessageSize < 1024 || c.MaxMessageSize > 1<<30:
		return settings{}, fmt.Errorf("%w: MaxMessageSize \"%d\" is outside 1024 to 2^30 bytes; use 0 for the default", ErrBadConfig, c.MaxMessageSize)
	}
	if err := checkCredentials(c.ICEUfrag, c.ICEPwd); err != nil {
		return settings{}, err
	}
	return settings{Config: c, turn: &turnRefusals{}}, nil
}

// checkCredentials applies RFC 8839 section 5.4 to local ICE credentials.
func checkCredentials(ufrag, pwd string) error {
	if ufrag == "" && pwd == "" {
		return nil
	}
	if ufrag == "" || pwd == "" {
		return fmt.Errorf("%w: set both ICEUfrag and ICEPwd or neither (ufrag %q, pwd of %d characters)", ErrBadCredentials, ufrag, len(pwd))
	}
	if len(ufrag) < 4 || len(ufrag) > 256 {
		return fmt.Errorf("%w: ufrag %q has %d characters; RFC 8839 wants 4 to 256", ErrBadCredentials, ufrag, len(ufrag))
	}
	if len(pwd) < 22 || len(pwd) > 256 {
		return fmt.Errorf("%w: pwd has %d characters; RFC 8839 wants 22 to 256", ErrBadCredentials, len(pwd))
	}
	for _, s := range []string{ufrag, pwd} {
		for _, r := range s {
			if !isICEChar(r) {
				return fmt.Errorf("%w: character %q is not allowed; RFC 8839 allows letters, digits, '+' and '/'", ErrBadCredentials, r)
			}
		}
	}
	return nil
}

func isICEChar(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '+' || r == '/'
}

// iceDisconnectedTimeout is how long pion waits without traffic before it
// reports "disconnected"; our own timer then waits for the rest of
// PeerGoneTimeout. Keepalives go out every iceKeepalive.
const (
	iceDisconnectedTimeout = 5 * time.Second
	iceKeepalive           = 2 * time.Second
)

// iceCheckInterval is pion's interval between connectivity checks.
const iceCheckInterval = 200 * time.Millisecond

// maxBindingRequests returns how many checks per pair cover wait, within
// pion's uint16 limit.
func maxBindingRequests(wait time.Duration) uint16 {
	n := wait/iceCheckInterval + 1
	if n > math.MaxUint16 {
		return math.MaxUint16
	}
	return uint16(n)
}

// api builds the pion API for s, with its sockets watched by c and local
// ICE credentials ufrag and pwd (empty: pion picks them).
func (s settings) api(c *checks, ufrag, pwd string) *webrtc.API {
	var se webrtc.SettingEngine
	se.LoggerFactory = pionLogs{logf: s.Logf, turn: s.turn}
	disc := iceDisconnectedTimeoutFor(s)
	keep := iceKeepalive
	if keep > disc/2 {
		keep = disc / 2
	}
	// A failed timeout of zero turns pion's own failure off: while a person
	// carries the answer back, the answerer must not give up, so Peer runs
	// its own timers (ConnectTimeout, AnswerWait, PeerGoneTimeout).
	se.SetICETimeouts(disc, 0, keep)
	// pion gives up on a candidate pair after 7 unanswered checks (1.4 s).
	// The answerer must keep checking while the answer travels: its checks
	// keep its NAT's mappings towards the offerer alive, so that the
	// offerer's checks get in when it finally applies the answer.
	se.SetICEMaxBindingRequests(maxBindingRequests(s.AnswerWait))
	se.SetSTUNGatherTimeout(s.GatherTimeout)
	se.SetIncludeLoopbackCandidate(s.IncludeLoopback)
	se.SetNetworkTypes(s.NetworkTypes)
	if s.InterfaceFilter != nil {
		se.SetInterfaceFilter(s.InterfaceFilter)
	}
	// Resolve the remote's <uuid>.local candidates (browsers send them) but
	// do not announce our own addresses under mDNS names.
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeQueryOnly)
	if ufrag != "" {
		se.SetICECredentials(ufrag, pwd)
	}
	se.SetSCTPMaxMessageSize(uint32(s.MaxMessageSize))
	// Keep the NAT mappings toward STUN and TURN servers alive while the
	// tokens travel (keepalive.go). Should the standard network fail to
	// list the interfaces, pion's own attempt fails alike and reports it.
	if n, err := newKeepaliveNet(keepaliveInterval, c); err == nil {
		se.SetNet(n)
	}
	return webrtc.NewAPI(webrtc.WithSettingEngine(se))
}
