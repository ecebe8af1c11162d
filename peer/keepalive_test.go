package peer

import (
	"net"
	"testing"
	"time"

	"github.com/pion/stun/v4"
)

// stunMessage builds a STUN message or fails the test.
func stunMessage(t *testing.T, setters ...stun.Setter) []byte {
	t.Helper()
	msg, err := stun.Build(append([]stun.Setter{stun.TransactionID}, setters...)...)
	if err != nil {
		t.Fatalf("stun.Build: %v", err)
	}
	return msg.Raw
}

// readSTUN reads the next datagram on conn, which must be STUN, within a
// deadline that only keeps a broken keepalive from hanging the test.
func readSTUN(t *testing.T, conn net.PacketConn, wait time.Duration) (*stun.Message, net.Addr, error) {
	t.Helper()
	if err := conn.SetReadDeadline(time.Now().Add(wait)); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 1500)
	n, from, err := conn.ReadFrom(buf)
	if err != nil {
		return nil, nil, err
	}
	msg := &stun.Message{Raw: buf[:n]}
	if err := msg.Decode(); err != nil {
		t.Fatalf("received % x, not STUN: %v", buf[:n], err)
	}
	return msg, from, nil
}

func TestKeepalive(t *testing.T) {
	t.Parallel()
	const interval = 50 * time.Millisecond
	n, err := newKeepaliveNet(interval, nil)
	if err != nil {
		t.Fatalf("newKeepaliveNet: %v", err)
	}
	check := func(t *testing.T) []byte {
		return stunMessage(t, stun.BindingRequest, stun.NewUsername("remote:local"), stun.Fingerprint)
	}
	tests := []struct {
		name   string
		listen func() (net.PacketConn, error)
		first  func(t *testing.T) []byte
		keep   bool
	}{
		{"STUN server, ListenUDP", func() (net.PacketConn, error) {
			return n.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
		}, func(t *testing.T) []byte { return stunMessage(t, stun.BindingRequest, stun.Fingerprint) }, true},
		{"TURN server, ListenPacket", func() (net.PacketConn, error) {
			return n.ListenPacket("udp4", "127.0.0.1:0")
		}, func(t *testing.T) []byte {
			return stunMessage(t, stun.NewType(stun.MethodAllocate, stun.ClassRequest), stun.Fingerprint)
		}, true},
		{"connectivity check, ListenUDP", func() (net.PacketConn, error) {
			return n.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
		}, check, false},
		{"not STUN, ListenPacket", func() (net.PacketConn, error) {
			return n.ListenPacket("udp4", "127.0.0.1:0")
		}, func(*testing.T) []byte { return []byte{22, 254, 253, 0, 0} }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			server, err := net.ListenPacket("udp4", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer server.Close()
			conn, err := tt.listen()
			if err != nil {
				t.Fatalf("listen: %v", err)
			}
			defer conn.Close()
			first := tt.first(t)
			if _, err := conn.WriteTo(first, server.LocalAddr()); err != nil {
				t.Fatalf("WriteTo: %v", err)
			}
			buf := make([]byte, 1500)
			if err := server.SetReadDeadline(time.Now().Add(10 * time.Second)); err != nil {
				t.Fatal(err)
			}
			if _, _, err := server.ReadFrom(buf); err != nil {
				t.Fatalf("the first datagram did not arrive: %v", err)
			}
			if !tt.keep {
				// Twenty intervals of silence: a keepalive would have come.
				if msg, _, err := readSTUN(t, server, 20*interval); err == nil {
					t.Fatalf("received %v after a datagram that is no server request; want nothing", msg.Type)
				}
				return
			}
			for i := range 3 {
				msg, from, err := readSTUN(t, server, 10*time.Second)
				if err != nil {
					t.Fatalf("keepalive %d did not arrive: %v", i+1, err)
				}
				if want := stun.NewType(stun.MethodBinding, stun.ClassIndication); msg.Type != want {
					t.Errorf("keepalive %d is a %v; want %v", i+1, msg.Type, want)
				}
				if err := stun.Fingerprint.Check(msg); err != nil {
					t.Errorf("keepalive %d FINGERPRINT: %v", i+1, err)
				}
				if from.String() != conn.LocalAddr().String() {
					t.Errorf("keepalive %d came from %v; want the socket's own address %v", i+1, from, conn.LocalAddr())
				}
			}
			// After Close, nothing more.
			if err := conn.Close(); err != nil {
				t.Fatalf("Close: %v", err)
			}
			for {
				msg, _, err := readSTUN(t, server, 20*interval)
				if err != nil {
					break
				}
				// One keepalive may have been on its way as Close ran.
				if msg.Type != stun.NewType(stun.MethodBinding, stun.ClassIndication) {
					t.Fatalf("received %v after Close; want nothing", msg.Type)
				}
			}
		})
	}
}

func TestKeepaliveWaitsForSilence(t *testing.T) {
	t.Parallel()
	const interval = 300 * time.Millisecond
	n, err := newKeepaliveNet(interval, nil)
	if err != nil {
		t.Fatalf("newKeepaliveNet: %v", err)
	}
	server, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer server.Close()
	conn, err := n.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// A busy socket needs no keepalive: while it sends at a tenth of the
	// interval, for three intervals, every datagram the server gets is one
	// of its own.
	for i := range 30 {
		if _, err := conn.WriteTo(stunMessage(t, stun.BindingRequest, stun.Fingerprint), server.LocalAddr()); err != nil {
			t.Fatal(err)
		}
		msg, _, err := readSTUN(t, server, 10*time.Second)
		if err != nil {
			t.Fatalf("request %d did not arrive: %v", i+1, err)
		}
		if msg.Type != stun.BindingRequest {
			t.Fatalf("received %v while the socket was busy; want only its Binding requests", msg.Type)
		}
		time.Sleep(interval / 10)
	}
}

func TestIsServerRequest(t *testing.T) {
	refresh := stunMessage(t, stun.NewType(stun.MethodRefresh, stun.ClassRequest), stun.Fingerprint)
	withUser := stunMessage(t, stun.BindingRequest, stun.NewUsername("a:b"), stun.Fingerprint)
	badLength := stunMessage(t, stun.BindingRequest, stun.Fingerprint)
	badLength[23] = 200 // FINGERPRINT claims more bytes than there are
	tests := []struct {
		name string
		b    []byte
		want bool
	}{
		{"Binding request", stunMessage(t, stun.BindingRequest), true},
		{"Binding request with FINGERPRINT", stunMessage(t, stun.BindingRequest, stun.Fingerprint), true},
		{"Allocate request", stunMessage(t, stun.NewType(stun.MethodAllocate, stun.ClassRequest)), true},
		{"Refresh request", refresh, true},
		{"CreatePermission request", stunMessage(t, stun.NewType(stun.MethodCreatePermission, stun.ClassRequest)), true},
		{"ChannelBind request", stunMessage(t, stun.NewType(stun.MethodChannelBind, stun.ClassRequest)), true},
		{"connectivity check", withUser, false},
		{"attribute longer than the message", badLength, false},
		{"Binding success response", stunMessage(t, stun.BindingSuccess), false},
		{"Send indication", stunMessage(t, stun.NewType(stun.MethodSend, stun.ClassIndication)), false},
		{"Binding indication", stunMessage(t, stun.NewType(stun.MethodBinding, stun.ClassIndication)), false},
		{"ChannelData", []byte{0x40, 0, 0, 4, 1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, false},
		{"DTLS record", []byte{22, 254, 253, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, false},
		{"short", refresh[:19], false},
		{"empty", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := isServerRequest(tt.b); got != tt.want {
				t.Errorf("isServerRequest(% x) = %v; want %v", tt.b, got, tt.want)
			}
		})
	}
}
