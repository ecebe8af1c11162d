package relay

import (
	"errors"
	"testing"
)

func TestConfigErrors(t *testing.T) {
	users := map[string]string{"alice": "pw"}
	tests := []struct {
		name string
		cfg  Config
		want error
	}{
		{"every interface without public IP", Config{ListenAddr: ":0", Users: users}, ErrPublicIP},
		{"zero config", Config{}, ErrPublicIP},
		{"public IP not an IP", Config{ListenAddr: ":0", PublicIP: "relay.example"}, ErrPublicIP},
		{"public IP is IPv6", Config{ListenAddr: ":0", PublicIP: "2001:db8::1"}, ErrPublicIP},
		{"public IP unspecified", Config{ListenAddr: ":0", PublicIP: "0.0.0.0"}, ErrPublicIP},
		{"no port", Config{ListenAddr: "127.0.0.1"}, ErrListenAddr},
		{"port too big", Config{ListenAddr: "127.0.0.1:70000"}, ErrListenAddr},
		{"host name", Config{ListenAddr: "localhost:0"}, ErrListenAddr},
		{"IPv6", Config{ListenAddr: "[::1]:0"}, ErrListenAddr},
		{"empty password", Config{ListenAddr: "127.0.0.1:0", Users: map[string]string{"alice": ""}}, ErrUser},
		{"empty name", Config{ListenAddr: "127.0.0.1:0", Users: map[string]string{"": "pw"}}, ErrUser},
		{"negative quota", Config{ListenAddr: "127.0.0.1:0", MaxAllocationsPerUser: -1}, ErrQuota},
		{"negative bandwidth", Config{ListenAddr: "127.0.0.1:0", BandwidthPerAllocation: -1}, ErrQuota},
		{"half a port range", Config{ListenAddr: "127.0.0.1:0", RelayPortMin: 50000}, ErrPortRange},
		{"reversed port range", Config{ListenAddr: "127.0.0.1:0", RelayPortMin: 50010, RelayPortMax: 50000}, ErrPortRange},
		{"port range too high", Config{ListenAddr: "127.0.0.1:0", RelayPortMin: 50000, RelayPortMax: 70000}, ErrPortRange},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, err := New(tt.cfg)
			if err == nil {
				_ = srv.Close()
			}
			if !errors.Is(err, tt.want) {
				t.Errorf("New(%+v) = %v; want an error wrapping %v", tt.cfg, err, tt.want)
			}
		})
	}
}

func TestListenError(t *testing.T) {
	first, _ := startServer(t, Config{})
	_, err := New(Config{ListenAddr: first.Addr().String()})
	if !errors.Is(err, ErrListen) {
		t.Errorf("New on the address %v already in use = %v; want an error wrapping %v", first.Addr(), err, ErrListen)
	}
}

func TestURLs(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want []string
	}{
		{"STUN only", Config{}, []string{"stun:127.0.0.1:PORT"}},
		{"static user", Config{Users: map[string]string{"a": "b"}}, []string{"stun:127.0.0.1:PORT", "turn:127.0.0.1:PORT?transport=udp"}},
		{"secret and TCP", Config{Secret: "s", TCP: true}, []string{"stun:127.0.0.1:PORT", "turn:127.0.0.1:PORT?transport=udp", "turn:127.0.0.1:PORT?transport=tcp"}},
		{"public IP", Config{PublicIP: "192.0.2.7", Secret: "s"}, []string{"stun:192.0.2.7:PORT", "turn:192.0.2.7:PORT?transport=udp"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv, _ := startServer(t, tt.cfg)
			port := portOf(srv.Addr())
			got := srv.URLs()
			if len(got) != len(tt.want) {
				t.Fatalf("URLs() = %q; want %q with PORT = %s", got, tt.want, port)
			}
			for i := range got {
				if want := replacePort(tt.want[i], port); got[i] != want {
					t.Errorf("URLs()[%d] = %q; want %q", i, got[i], want)
				}
			}
		})
	}
}
