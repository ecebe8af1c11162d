package peer

import (
	"net"
	"strconv"

	"github.com/pion/webrtc/v4"
)

// Relayed reports whether the connection runs through a TURN relay: the
// selected candidate pair has a relay candidate on either side. ok is false
// while no pair is selected (before the channel opens, after Close).
func (p *Peer) Relayed() (relayed, ok bool) {
	sctp := p.pc.SCTP()
	if sctp == nil || sctp.Transport() == nil || sctp.Transport().ICETransport() == nil {
		return false, false
	}
	pair, err := sctp.Transport().ICETransport().GetSelectedCandidatePair()
	if err != nil || pair == nil || pair.Local == nil || pair.Remote == nil {
		return false, false
	}
	return pair.Local.Typ == webrtc.ICECandidateTypeRelay || pair.Remote.Typ == webrtc.ICECandidateTypeRelay, true
}

// Route is the candidate pair a connection runs over (the selected pair,
// RFC 8445 section 8.1.1): the type ("host", "srflx", "prflx", "relay")
// and transport address of each end. With a relay candidate on either
// end, the traffic goes through that TURN server, at that address.
type Route struct {
	LocalType, LocalAddress   string
	RemoteType, RemoteAddress string
}

// Route returns the selected candidate pair; ok is false while no pair is
// selected (before the channel opens, after Close).
func (p *Peer) Route() (r Route, ok bool) {
	sctp := p.pc.SCTP()
	if sctp == nil || sctp.Transport() == nil || sctp.Transport().ICETransport() == nil {
		return Route{}, false
	}
	pair, err := sctp.Transport().ICETransport().GetSelectedCandidatePair()
	if err != nil || pair == nil || pair.Local == nil || pair.Remote == nil {
		return Route{}, false
	}
	addr := func(c *webrtc.ICECandidate) string {
		return net.JoinHostPort(c.Address, strconv.Itoa(int(c.Port)))
	}
	return Route{
		LocalType: pair.Local.Typ.String(), LocalAddress: addr(pair.Local),
		RemoteType: pair.Remote.Typ.String(), RemoteAddress: addr(pair.Remote),
	}, true
}
