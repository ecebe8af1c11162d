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
		if !ok || c.srv.hasAllocation(from) {
			return n, from, nil
		}
		c.srv.logf("relay: answered %s request from %v with 437 Allocation Mismatch: that address holds no allocation (the client's NAT mapping may have changed)", method, from)
		if resp, err := mismatchResponse(p[:n], method); err == nil {
			// A lost answer is like a lost datagram: the client retransmits.
			_, _ = c.PacketConn.WriteTo(resp, from)
		}
	}
}

// STUN header layout (RFC 8489 section 5).
const (
	stunHeaderSize = 20
	stunCookie     = 0x2112A442
)

// allocationRequest reports whether b is a STUN request whose method acts
// on an existing allocation (Refresh, CreatePermission, ChannelBind), and
// returns that method. Allocate and Binding requests, indications, ChannelData
// and anything that is not STUN are left to pion/turn: it ignores
// indications and ChannelData without an allocation, as RFC 8656 section 5
// asks.
func allocationRequest(b []byte) (stun.Method, bool) {
	if len(b) < stunHeaderSize || b[0]&0xC0 != 0 {
		return 0, false
	}
	if binary.BigEndian.Uint32(b[4:8]) != stunCookie {
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

// mismatchResponse builds the 437 Allocation Mismatch error response to the
// request req of the given method: same method and transaction ID, class
// error response, an ERROR-CODE attribute and a FINGERPRINT. It carries no
// MESSAGE-INTEGRITY: the server has no allocation, hence no credentials, to
// tie to this 5-tuple (RFC 8656 section 5 does not ask for one).
func mismatchResponse(req []byte, method stun.Method) ([]byte, error) {
	var id [stun.TransactionIDSize]byte
	copy(id[:], req[8:stunHeaderSize])
	msg, err := stun.Build(
		stun.NewTransactionIDSetter(id),
		stun.NewType(method, stun.ClassErrorResponse),
		stun.CodeAllocMismatch,
		stun.Fingerprint,
	)
	if err != nil {
		return nil, err
	}
	return msg.Raw, nil
}
