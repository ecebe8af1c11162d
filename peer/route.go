package peer

import "github.com/pion/webrtc/v4"

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
