package relay

import (
	"bytes"
	"encoding/binary"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pion/stun/v4"
)

// rawClient is a STUN client on its own UDP socket that sends hand-built
// messages and reads the server's answers one by one.
type rawClient struct {
	t    *testing.T
	conn net.PacketConn
	srv  net.Addr
}

func newRawClient(t *testing.T, srv *Server) *rawClient {
	t.Helper()
	conn, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("ListenPacket: %v", err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return &rawClient{t: t, conn: conn, srv: srv.Addr()}
}

// send builds a message from setters and sends it; it returns the message.
func (c *rawClient) send(setters ...stun.Setter) *stun.Message {
	c.t.Helper()
	msg, err := stun.Build(append([]stun.Setter{stun.TransactionID}, setters...)...)
	if err != nil {
		c.t.Fatalf("stun.Build: %v", err)
	}
	if _, err := c.conn.WriteTo(msg.Raw, c.srv); err != nil {
		c.t.Fatalf("WriteTo(%v): %v", c.srv, err)
	}
	return msg
}

// read returns the next message from the server. The deadline only keeps
// a broken server from hanging the test; every expected answer is sent at
// once.
func (c *rawClient) read() *stun.Message {
	c.t.Helper()
	if err := c.conn.SetReadDeadline(time.Now().Add(10 * time.Second)); err != nil {
		c.t.Fatal(err)
	}
	buf := make([]byte, 1500)
	n, _, err := c.conn.ReadFrom(buf)
	if err != nil {
		c.t.Fatalf("reading the server's answer: %v", err)
	}
	msg := &stun.Message{Raw: append([]byte(nil), buf[:n]...)}
	if err := msg.Decode(); err != nil {
		c.t.Fatalf("the server's answer % x is not STUN: %v", buf[:n], err)
	}
	return msg
}

// roundTrip sends a request and returns the answer, checking that it
// carries the request's transaction ID.
func (c *rawClient) roundTrip(setters ...stun.Setter) *stun.Message {
	c.t.Helper()
	req := c.send(setters...)
	resp := c.read()
	if resp.TransactionID != req.TransactionID {
		c.t.Fatalf("answer to %v has transaction ID %x; want the request's %x", req.Type, resp.TransactionID, req.TransactionID)
	}
	return resp
}

// attr is a raw TURN attribute (pion/turn keeps its own types internal).
type attr struct {
	typ   stun.AttrType
	value []byte
}

func (a attr) AddTo(m *stun.Message) error {
	m.Add(a.typ, a.value)
	return nil
}

var (
	udpTransport = attr{stun.AttrRequestedTransport, []byte{17, 0, 0, 0}} // RFC 8656 section 18.13
	zeroLifetime = attr{stun.AttrLifetime, []byte{0, 0, 0, 0}}
)

// asPeer turns an XOR-MAPPED-ADDRESS setter into XOR-PEER-ADDRESS: both
// have the same encoding (RFC 8656 section 18.3).
type asPeer struct{ stun.XORMappedAddress }

func (a asPeer) AddTo(m *stun.Message) error {
	return a.XORMappedAddress.AddToAs(m, stun.AttrXORPeerAddress)
}

// errorCode returns the ERROR-CODE of msg, or 0.
func errorCode(msg *stun.Message) stun.ErrorCode {
	var code stun.ErrorCodeAttribute
	if err := code.GetFrom(msg); err != nil {
		return 0
	}
	return code.Code
}

// aliceKey is the long-term key of the test user alice (RFC 8489 section
// 9.2.2).
var aliceKey = stun.NewLongTermIntegrity("alice", DefaultRealm, "wonderland")

// aliceServer starts a server for fuzz targets whose one user is alice,
// and returns it with the setters that sign a request as alice.
func aliceServer(f *testing.F) (*Server, []stun.Setter) {
	f.Helper()
	srv, err := New(Config{ListenAddr: "127.0.0.1:0", Users: map[string]string{"alice": "wonderland"}})
	if err != nil {
		f.Fatalf("New: %v", err)
	}
	f.Cleanup(func() { _ = srv.Close() })
	return srv, []stun.Setter{stun.NewUsername("alice"), stun.NewRealm(DefaultRealm), stun.NewNonce("nonce"), aliceKey, stun.Fingerprint}
}

// checkMismatch checks that resp is a well-formed 437 answer to a request of
// method, signed with key.
func checkMismatch(t *testing.T, what string, resp *stun.Message, method stun.Method, key stun.MessageIntegrity) {
	t.Helper()
	if want := stun.NewType(method, stun.ClassErrorResponse); resp.Type != want {
		t.Errorf("%s: answer type %v; want %v", what, resp.Type, want)
	}
	if code := errorCode(resp); code != stun.CodeAllocMismatch {
		t.Errorf("%s: ERROR-CODE %d; want 437 Allocation Mismatch", what, code)
	}
	if err := key.Check(resp); err != nil {
		t.Errorf("%s: MESSAGE-INTEGRITY check: %v; want it signed with the requester's key", what, err)
	}
	if err := stun.Fingerprint.Check(resp); err != nil {
		t.Errorf("%s: FINGERPRINT check: %v; want a valid fingerprint", what, err)
	}
}

// credentials asks the server for a realm and nonce with an
// unauthenticated Allocate (RFC 8656 section 7.2) and returns the setters
// that authenticate a request as user with password.
func (c *rawClient) credentials(user, password string) []stun.Setter {
	c.t.Helper()
	resp := c.roundTrip(stun.NewType(stun.MethodAllocate, stun.ClassRequest), udpTransport, stun.Fingerprint)
	if code := errorCode(resp); code != stun.CodeUnauthorized {
		c.t.Fatalf("unauthenticated Allocate: ERROR-CODE %d; want 401", code)
	}
	var realm stun.Realm
	var nonce stun.Nonce
	if err := realm.GetFrom(resp); err != nil {
		c.t.Fatalf("401 answer without REALM: %v", err)
	}
	if err := nonce.GetFrom(resp); err != nil {
		c.t.Fatalf("401 answer without NONCE: %v", err)
	}
	return []stun.Setter{stun.NewUsername(user), realm, nonce, stun.NewLongTermIntegrity(user, realm.String(), password), stun.Fingerprint}
}

func TestAllocationMismatch(t *testing.T) {
	t.Parallel()
	srv, book := startServer(t, Config{
		Users:              map[string]string{"alice": "wonderland"},
		AllowLoopbackPeers: true,
	})
	peer := asPeer{stun.XORMappedAddress{IP: net.IPv4(127, 0, 0, 1), Port: 9}}
	channel := attr{stun.AttrChannelNumber, []byte{0x40, 0x00, 0, 0}}
	requests := []struct {
		name    string
		method  stun.Method
		setters []stun.Setter
	}{
		{"Refresh", stun.MethodRefresh, nil},
		{"Refresh lifetime 0", stun.MethodRefresh, []stun.Setter{zeroLifetime}},
		{"CreatePermission", stun.MethodCreatePermission, []stun.Setter{peer}},
		{"ChannelBind", stun.MethodChannelBind, []stun.Setter{channel, peer}},
	}
	request := func(method stun.Method, setters []stun.Setter, auth []stun.Setter) []stun.Setter {
		out := append([]stun.Setter{stun.NewType(method, stun.ClassRequest)}, setters...)
		if auth == nil {
			return append(out, stun.Fingerprint)
		}
		return append(out, auth...)
	}

	t.Run("no allocation", func(t *testing.T) {
		c := newRawClient(t, srv)
		auth := c.credentials("alice", "wonderland")
		wrong := c.credentials("alice", "looking glass")
		for _, r := range requests {
			// Without credentials, or with wrong ones, pion/turn answers
			// as ever: 401.
			for _, creds := range []struct {
				what string
				auth []stun.Setter
			}{{"without credentials", nil}, {"with a wrong password", wrong}} {
				resp := c.roundTrip(request(r.method, r.setters, creds.auth)...)
				if code := errorCode(resp); resp.Type.Class != stun.ClassErrorResponse || code != stun.CodeUnauthorized {
					t.Errorf("%s %s: answer %v ERROR-CODE %d; want 401 from pion/turn", r.name, creds.what, resp.Type, code)
				}
			}
			checkMismatch(t, r.name, c.roundTrip(request(r.method, r.setters, auth)...), r.method, aliceKey)
		}
		book.waitFor("437 Allocation Mismatch", `"alice"`, c.conn.LocalAddr().String())
	})

	t.Run("indications are ignored", func(t *testing.T) {
		c := newRawClient(t, srv)
		c.send(stun.NewType(stun.MethodSend, stun.ClassIndication), peer, attr{stun.AttrData, []byte("hi")})
		c.send(stun.NewType(stun.MethodRefresh, stun.ClassIndication))
		// The first answer must be the one to this Binding request.
		resp := c.roundTrip(stun.BindingRequest)
		if resp.Type != stun.BindingSuccess {
			t.Errorf("answer %v after two indications and a Binding request; want %v alone", resp.Type, stun.BindingSuccess)
		}
	})

	t.Run("allocation, then none", func(t *testing.T) {
		c := newRawClient(t, srv)
		auth := c.credentials("alice", "wonderland")
		resp := c.roundTrip(request(stun.MethodAllocate, []stun.Setter{udpTransport}, auth)...)
		if resp.Type != stun.NewType(stun.MethodAllocate, stun.ClassSuccessResponse) {
			t.Fatalf("Allocate with credentials: answer %v ERROR-CODE %d; want a success response", resp.Type, errorCode(resp))
		}
		book.waitFor("allocation created", c.conn.LocalAddr().String())

		// With an allocation, requests reach pion/turn: it grants them.
		for _, r := range requests[2:] {
			resp := c.roundTrip(request(r.method, r.setters, auth)...)
			if resp.Type != stun.NewType(r.method, stun.ClassSuccessResponse) {
				t.Errorf("%s from the allocation's address: answer %v ERROR-CODE %d; want a success response from pion/turn", r.name, resp.Type, errorCode(resp))
			}
		}

		// A Refresh with lifetime 0 deletes the allocation; what follows
		// from the same address has nothing to act on.
		resp = c.roundTrip(request(stun.MethodRefresh, []stun.Setter{zeroLifetime}, auth)...)
		if resp.Type != stun.NewType(stun.MethodRefresh, stun.ClassSuccessResponse) {
			t.Fatalf("Refresh lifetime 0: answer %v ERROR-CODE %d; want a success response", resp.Type, errorCode(resp))
		}
		book.waitFor("allocation ended", c.conn.LocalAddr().String())
		for _, r := range requests {
			checkMismatch(t, r.name+" after the allocation ended", c.roundTrip(request(r.method, r.setters, auth)...), r.method, aliceKey)
		}
	})
}

func TestAllocationRequest(t *testing.T) {
	build := func(setters ...stun.Setter) []byte {
		msg, err := stun.Build(append([]stun.Setter{stun.TransactionID}, setters...)...)
		if err != nil {
			t.Fatal(err)
		}
		return msg.Raw
	}
	refresh := build(stun.NewType(stun.MethodRefresh, stun.ClassRequest), stun.Fingerprint)
	badCookie := append([]byte(nil), refresh...)
	binary.BigEndian.PutUint32(badCookie[4:8], 0x2112A443)
	tests := []struct {
		name string
		b    []byte
		want bool
	}{
		{"Refresh request", refresh, true},
		{"CreatePermission request", build(stun.NewType(stun.MethodCreatePermission, stun.ClassRequest)), true},
		{"ChannelBind request", build(stun.NewType(stun.MethodChannelBind, stun.ClassRequest)), true},
		{"Allocate request", build(stun.NewType(stun.MethodAllocate, stun.ClassRequest)), false},
		{"Binding request", build(stun.BindingRequest), false},
		{"Send indication", build(stun.NewType(stun.MethodSend, stun.ClassIndication)), false},
		{"Refresh success response", build(stun.NewType(stun.MethodRefresh, stun.ClassSuccessResponse)), false},
		{"ChannelData", []byte{0x40, 0x00, 0x00, 0x04, 1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, false},
		{"short", refresh[:19], false},
		{"truncated", refresh[:len(refresh)-4], false},
		{"bad magic cookie", badCookie, false},
		{"empty", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, got := allocationRequest(tt.b); got != tt.want {
				t.Errorf("allocationRequest(% x) = %v; want %v", tt.b, got, tt.want)
			}
		})
	}
}

// FuzzMismatchResponse feeds datagrams to the code that decides whether
// the server answers 437, and checks that every answer it builds is a
// well-formed error response to the same transaction, signed with alice's
// key.
func FuzzMismatchResponse(f *testing.F) {
	srv, auth := aliceServer(f)
	for _, method := range []stun.Method{stun.MethodRefresh, stun.MethodCreatePermission, stun.MethodChannelBind, stun.MethodAllocate, stun.MethodBinding} {
		for _, setters := range [][]stun.Setter{{stun.Fingerprint}, auth} {
			msg, err := stun.Build(append([]stun.Setter{stun.TransactionID, stun.NewType(method, stun.ClassRequest), zeroLifetime}, setters...)...)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(msg.Raw)
		}
	}
	f.Add([]byte{0x40, 0x00, 0x00, 0x04, 1, 2, 3, 4})
	f.Fuzz(func(t *testing.T, b []byte) {
		method, ok := allocationRequest(b)
		if !ok {
			return
		}
		raw, user := srv.mismatchResponse(b, method)
		if raw == nil {
			return
		}
		if user != "alice" {
			t.Errorf("mismatchResponse(% x) answered for user %q; only alice exists", b, user)
		}
		resp := &stun.Message{Raw: raw}
		if err := resp.Decode(); err != nil {
			t.Fatalf("mismatchResponse(% x) = % x, which does not decode: %v", b, raw, err)
		}
		if !bytes.Equal(resp.TransactionID[:], b[8:20]) {
			t.Errorf("response transaction ID %x; want the request's %x", resp.TransactionID, b[8:20])
		}
		checkMismatch(t, "response", resp, method, aliceKey)
	})
}

// rebindingNAT stands between a TURN client and the server like a NAT
// router: the server sees the client's datagrams come from the NAT's
// outside socket, and rebind replaces that socket, as a router that forgot
// an idle mapping picks a new port for the next datagram.
type rebindingNAT struct {
	inside net.PacketConn // the client's side
	server net.Addr

	mu      sync.Mutex
	client  net.Addr
	outside net.PacketConn
}

func newRebindingNAT(t *testing.T, server net.Addr) *rebindingNAT {
	t.Helper()
	inside, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	n := &rebindingNAT{inside: inside, server: server}
	t.Cleanup(func() {
		_ = inside.Close()
		n.mu.Lock()
		_ = n.outside.Close()
		n.mu.Unlock()
	})
	n.rebind(t)
	go func() {
		buf := make([]byte, 1500)
		for {
			k, from, err := inside.ReadFrom(buf)
			if err != nil {
				return
			}
			n.mu.Lock()
			n.client = from
			out := n.outside
			n.mu.Unlock()
			_, _ = out.WriteTo(buf[:k], server)
		}
	}()
	return n
}

// rebind gives the client a new outside port.
func (n *rebindingNAT) rebind(t *testing.T) {
	t.Helper()
	out, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	n.mu.Lock()
	if n.outside != nil {
		_ = n.outside.Close() // answers to the old port are lost, as behind a router
	}
	n.outside = out
	n.mu.Unlock()
	go func() {
		buf := make([]byte, 1500)
		for {
			k, _, err := out.ReadFrom(buf)
			if err != nil {
				return
			}
			n.mu.Lock()
			client := n.client
			n.mu.Unlock()
			if client != nil {
				_, _ = n.inside.WriteTo(buf[:k], client)
			}
		}
	}()
}

// TestPionClientAfterRebinding is the failure of issue 5 in one process:
// a pion TURN client whose NAT mapping changed after it allocated asks for
// a permission from the new port. The server answers 437, so the client's
// request fails at once instead of retransmitting for tens of seconds.
func TestPionClientAfterRebinding(t *testing.T) {
	t.Parallel()
	srv, book := startServer(t, Config{
		Users:              map[string]string{"alice": "wonderland"},
		AllowLoopbackPeers: true,
	})
	nat := newRebindingNAT(t, srv.Addr())
	conn, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	client := newClientOn(t, nat.inside.LocalAddr(), conn, "alice", "wonderland")
	relayed, err := client.Allocate()
	if err != nil {
		t.Fatalf("Allocate() through the NAT = %v; want an allocation", err)
	}
	t.Cleanup(func() { _ = relayed.Close() })
	peer := listenPeer(t)
	nat.rebind(t)
	_, err = relayed.WriteTo([]byte("hello"), peer.LocalAddr())
	if err == nil || !strings.Contains(err.Error(), "437") {
		t.Fatalf("WriteTo(peer) after the NAT rebound = %v; want the CreatePermission error 437 Allocation Mismatch", err)
	}
	book.waitFor("CreatePermission", `"alice"`, "437 Allocation Mismatch")
}
