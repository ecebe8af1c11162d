package relay

import (
	"encoding/binary"
	"net"

	"github.com/pion/stun/v4"
)

// mismatchConn is the server's UDP listening socket as pion/turn sees it.
// It answers the TURN requests that come from a 5-tuple without an
// allocation with 437 Allocation Mismatch (RFC 8656 section 5), as coturn
// does, instead of letting pion/turn drop them without a reply.
//
// Such requests are common: a client behind a NAT that forgot its idle
// mapping sends its next CreatePermission or Refresh from a new public port.
// Without an answer the client retransmits for tens of seconds and, in pion's
// ICE agent, holds up every other connectivity check; with 437 it gives up on
// the allocation at once and uses its other candidates.
//
// Like coturn, the server answers 437 only to a request that authenticates
// (RFC 8656 section 5 puts the allocation check after authentication), and
// signs the answer with the requester's key: pion's TURN client ignores an
// error response without a valid MESSAGE-INTEGRITY unless it is 401 or 438
// (RFC 8489 section 9.2.5 lets clients do so). Requests without credentials,
// or with wrong ones, go to pion/turn, which asks for credentials (401) or
// refuses them as usual.
type mismatchConn struct {
	net.PacketConn
	srv *Server
}

// ReadFrom returns the next datagram for pion/turn, after answering and
// skipping the requests that have no allocation to act on.
func (c *mismatchConn) ReadFrom(p []byte) (int, net.Addr, error) {
	for {
		n, from, err := c.PacketConn.ReadFrom(p)
		if err != nil {
			return n, from, err
		}
		method, ok := allocationRequest(p[:n])
		if !ok {
			return n, from, nil
		}
		if c.srv.hasAllocation(from) {
			if method != stun.MethodChannelBind {
				return n, from, nil
			}
			// pion/turn answers a ChannelBind to a refused peer with 401,
			// which sends clients back to authenticate; RFC 8656 section
			// 11.2 asks for 403 Forbidden.
			resp, user, peer := c.srv.forbiddenChannel(p[:n])
			if resp == nil {
				return n, from, nil
			}
			c.srv.logLimited(logPermission, "relay: refused permission for client %v (user %q) to peer %v: %s", from, user, peer, c.srv.peerRefusal(peer))
			_, _ = c.PacketConn.WriteTo(resp, from) // lost like any datagram: the client retransmits
			continue
		}
		resp, user := c.srv.mismatchResponse(p[:n], method)
		if resp == nil {
			return n, from, nil
		}
		c.srv.logLimited(logMismatch, "relay: answered %s request of %q from %v with 437 Allocation Mismatch: that address holds no allocation (the client's NAT may have forgotten its mapping)", method, user, from)
		// A lost answer is like a lost datagram: the client retransmits.
		_, _ = c.PacketConn.WriteTo(resp, from)
	}
}

// stunHeaderSize is the length of a STUN header (RFC 8489 section 5).
const stunHeaderSize = 20

// allocationRequest reports whether b is a STUN request whose method acts
// on an existing allocation (Refresh, CreatePermission, ChannelBind), and
// returns that method. Allocate and Binding requests, indications, ChannelData
// and anything that is not STUN are left to pion/turn: it ignores
// indications and ChannelData without an allocation, as RFC 8656 section 5
// asks.
func allocationRequest(b []byte) (stun.Method, bool) {
	// stun.IsMessage checks the length and the magic cookie; a STUN
	// message also starts with two zero bits.
	if !stun.IsMessage(b) || b[0]&0xC0 != 0 {
		return 0, false
	}
	length := int(binary.BigEndian.Uint16(b[2:4]))
	if length%4 != 0 || length != len(b)-stunHeaderSize {
		return 0, false
	}
	var typ stun.MessageType
	typ.ReadValue(binary.BigEndian.Uint16(b[0:2]))
	if typ.Class != stun.ClassRequest {
		return 0, false
	}
	switch typ.Method {
	case stun.MethodRefresh, stun.MethodCreatePermission, stun.MethodChannelBind:
		return typ.Method, true
	}
	return 0, false
}

// mismatchResponse returns the signed 437 Allocation Mismatch answer to req
// and its username, or nil (errorResponse).
func (s *Server) mismatchResponse(req []byte, method stun.Method) ([]byte, string) {
	return s.errorResponse(req, method, stun.CodeAllocMismatch)
}

// errorResponse returns the signed error response with code to req, a
// request of the given method, and the TURN username it came with; or nil
// when req does not authenticate. The response has req's method and
// transaction ID, class error response, an ERROR-CODE, a
// MESSAGE-INTEGRITY made with the requester's long-term key and a
// FINGERPRINT. The nonce is not checked: pion/turn keeps its nonces to
// itself, and a replayed request earns the sender nothing but this answer.
func (s *Server) errorResponse(req []byte, method stun.Method, code stun.ErrorCode) ([]byte, string) {
	msg := &stun.Message{Raw: append([]byte(nil), req...)}
	if err := msg.Decode(); err != nil || !msg.Contains(stun.AttrMessageIntegrity) {
		return nil, ""
	}
	var username stun.Username
	var realm stun.Realm
	if username.GetFrom(msg) != nil || realm.GetFrom(msg) != nil || realm.String() != s.cfg.Realm {
		return nil, ""
	}
	_, key, why := s.longTermKey(username.String())
	if why != "" {
		return nil, ""
	}
	integrity := stun.MessageIntegrity(key)
	if integrity.Check(msg) != nil {
		return nil, ""
	}
	resp, err := stun.Build(
		stun.NewTransactionIDSetter(msg.TransactionID),
		stun.NewType(method, stun.ClassErrorResponse),
		code,
		integrity,
		stun.Fingerprint,
	)
	if err != nil {
		return nil, ""
	}
	return resp.Raw, username.String()
}

// forbiddenChannel returns the signed 403 Forbidden answer to req, a
// ChannelBind request, with its username and peer, when its
// XOR-PEER-ADDRESS is a peer the server refuses (peerRefusal); or nil
// when the peer is allowed, the request is malformed (pion/turn answers
// it) or it does not authenticate.
func (s *Server) forbiddenChannel(req []byte) ([]byte, string, net.IP) {
	msg := &stun.Message{Raw: append([]byte(nil), req...)}
	if err := msg.Decode(); err != nil {
		return nil, "", nil
	}
	var peer stun.XORMappedAddress
	if err := peer.GetFromAs(msg, stun.AttrXORPeerAddress); err != nil || s.peerRefusal(peer.IP) == "" {
		return nil, "", nil
	}
	resp, user := s.errorResponse(req, stun.MethodChannelBind, stun.CodeForbidden)
	if resp == nil {
		return nil, "", nil
	}
	return resp, user, peer.IP
}
