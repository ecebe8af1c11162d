package peer

import (
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pion/stun/v4"
	"github.com/pion/webrtc/v4"
)

// ConnectError says why the two sides did not connect: the candidate types
// each side offered and the candidate pairs ICE tried (RFC 8445 section
// 6.1.2). errors.Is(err, ErrICEFailed) is true for it.
type ConnectError struct {
	// Reason is what happened, e.g. "no candidate pair connected within 30s".
	Reason string
	// LocalTypes and RemoteTypes are the candidate types ("host", "srflx",
	// "relay") of this side and of the other side, sorted, without repeats.
	LocalTypes, RemoteTypes []string
	// Pairs describes each candidate pair tried, from pion's statistics,
	// e.g. "host 192.0.2.2:5000 -> host 10.0.0.1:6000: failed, 8 checks sent, 0 answered".
	Pairs []string
}

// Error reports what happened and what to try next.
func (e *ConnectError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%v: %s; this side offered %s candidates, the other side %s",
		ErrICEFailed, e.Reason, typesText(e.LocalTypes), typesText(e.RemoteTypes))
	switch {
	case len(e.Pairs) == 0:
		b.WriteString("; no candidate pair was tried")
	default:
		fmt.Fprintf(&b, "; %d pairs tried: %s", len(e.Pairs), strings.Join(e.Pairs, "; "))
	}
	b.WriteString(". ")
	b.WriteString(e.advice())
	return b.String()
}

func (e *ConnectError) advice() string {
	has := func(types []string, t string) bool { return slices.Contains(types, t) }
	switch {
	case has(e.LocalTypes, "relay") || has(e.RemoteTypes, "relay"):
		return "Even the relay was not reachable: check that the TURN server is reachable from both sides and that its credentials are right"
	case has(e.LocalTypes, "srflx") && has(e.RemoteTypes, "srflx"):
		return "Both sides know their public addresses, so a NAT or firewall blocks direct traffic: use a TURN relay (qrtc --turn)"
	default:
		return "If the two computers are not on the same network, add a STUN server (qrtc --stun) so that each side learns its public address, or a TURN relay (qrtc --turn)"
	}
}

// Unwrap makes errors.Is(err, ErrICEFailed) true.
func (e *ConnectError) Unwrap() error { return ErrICEFailed }

func typesText(types []string) string {
	if len(types) == 0 {
		return "no"
	}
	return strings.Join(types, "+")
}

// candidateTypes returns the sorted distinct "typ" values of candidate lines.
func candidateTypes(lines []string) []string {
	var types []string
	for _, l := range lines {
		f := strings.Fields(l)
		for i := 0; i+1 < len(f); i++ {
			if f[i] == "typ" && !slices.Contains(types, f[i+1]) {
				types = append(types, f[i+1])
			}
		}
	}
	slices.Sort(types)
	return types
}

// connectError builds a *ConnectError from the descriptions and pion's
// statistics.
func (p *Peer) connectError(reason string) *ConnectError {
	p.mu.Lock()
	e := &ConnectError{
		Reason:      reason,
		LocalTypes:  candidateTypes(p.local.candidates),
		RemoteTypes: candidateTypes(p.remote.candidates),
	}
	p.mu.Unlock()
	report := p.conn().GetStats()
	cands := map[string]webrtc.ICECandidateStats{}
	for _, s := range report {
		if c, ok := s.(webrtc.ICECandidateStats); ok {
			cands[c.ID] = c
			// Candidates learnt during the checks (prflx) or gathered late
			// count too.
			t := c.CandidateType.String()
			if c.Type == webrtc.StatsTypeLocalCandidate && !slices.Contains(e.LocalTypes, t) {
				e.LocalTypes = append(e.LocalTypes, t)
			}
			if c.Type == webrtc.StatsTypeRemoteCandidate && !slices.Contains(e.RemoteTypes, t) {
				e.RemoteTypes = append(e.RemoteTypes, t)
			}
		}
	}
	slices.Sort(e.LocalTypes)
	slices.Sort(e.RemoteTypes)
	for _, s := range report {
		pair, ok := s.(webrtc.ICECandidatePairStats)
		if !ok {
			continue
		}
		e.Pairs = append(e.Pairs, fmt.Sprintf("%s -> %s: %s, %d checks sent, %d answered, %d received",
			candidateText(cands[pair.LocalCandidateID]), candidateText(cands[pair.RemoteCandidateID]),
			pair.State, pair.RequestsSent, pair.ResponsesReceived, pair.RequestsReceived))
	}
	slices.Sort(e.Pairs)
	return e
}

func candidateText(c webrtc.ICECandidateStats) string {
	if c.ID == "" {
		return "unknown"
	}
	return fmt.Sprintf("%s %s:%d", c.CandidateType, c.IP, c.Port)
}

// gatherWarnings reports ICE servers that contributed no candidate.
// refusal tells why a TURN server ("host:port") refused an allocation, or
// "" when it did not say.
func gatherWarnings(servers []webrtc.ICEServer, candidates []string, timeout time.Duration, complete bool, refusal func(addr string) string) []string {
	types := candidateTypes(candidates)
	var w []string
	for _, s := range servers {
		for _, u := range s.URLs {
			scheme, _, _ := strings.Cut(strings.ToLower(u), ":")
			switch scheme {
			case "stun", "stuns":
				if !slices.Contains(types, "srflx") {
					w = append(w, fmt.Sprintf("STUN server %q did not answer within %s", u, timeout))
				}
			case "turn", "turns":
				if slices.Contains(types, "relay") {
					break
				}
				if why := refusal(turnAddr(u)); why != "" {
					w = append(w, fmt.Sprintf("TURN server %q rejected the request (%s): check the user name and password", u, why))
					break
				}
				w = append(w, fmt.Sprintf("TURN server %q gave no relay address within %s; check its address and credentials", u, timeout))
			}
		}
	}
	if !complete {
		w = append(w, fmt.Sprintf("gathering candidates took longer than %s; the description lists those found so far", timeout))
	}
	return w
}

// turnAddr returns the "host:port" pion dials for a TURN URL, with the
// default ports of RFC 8656 section 3.5 (3478, 5349 for turns).
func turnAddr(u string) string {
	uri, err := stun.ParseURI(u)
	if err != nil {
		return ""
	}
	return net.JoinHostPort(uri.Host, strconv.Itoa(uri.Port))
}
