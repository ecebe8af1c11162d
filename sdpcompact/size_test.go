package sdpcompact_test

import (
	"crypto/rand"
	"fmt"
	"strings"
	"testing"

	qrcode "github.com/skip2/go-qrcode"

	"github.com/qrtc/qrtc/sdpcompact"
)

// The size floors of the issue: token lengths are deterministic, so they
// are asserted here.
func TestSizeFloors(t *testing.T) {
	for _, tc := range []struct {
		file string
		max  int
		qr   int // highest QR version at level M, or 0
	}{
		{"pion-host-offer", 96, 5},
		{"pion-host-answer", 96, 5},
		{"edge-pion-dualstack-offer", 110, 5},
		{"edge-chromium-mdns-srflx-offer", 140, 0},
		{"edge-firefox-mdns-srflx-offer", 140, 0},
		{"safari-offer-mdns-srflx", 140, 0},
		{"chromium-offer-raw-dualstack", 130, 0},
		{"firefox-offer-raw-dualstack", 130, 0},
		{"edge-ipv6-privacy-offer", 160, 0},
	} {
		t.Run(tc.file, func(t *testing.T) {
			tok := realToken(t, tc.file)
			if len(tok) > tc.max {
				t.Errorf("Encode(%s) has %d characters, want at most %d", tc.file, len(tok), tc.max)
			}
			if tc.qr > 0 {
				if v := qrVersion(t, tok); v > tc.qr {
					t.Errorf("QR code of the %s token is version %d at level M, want at most %d", tc.file, v, tc.qr)
				}
			}
		})
	}
}

// Every captured browser offer with at most one UDP mDNS host candidate
// (plus TCP candidates at the same address) and at most one srflx candidate
// must fit 140 characters.
func TestSizeFloorBrowserCorpus(t *testing.T) {
	for _, f := range loadCorpus(t) {
		if !strings.HasPrefix(f.name, "chromium-") && !strings.HasPrefix(f.name, "firefox-") && !strings.HasPrefix(f.name, "safari-") {
			continue
		}
		s, err := sdpcompact.Parse(f.desc.SDP)
		if err != nil {
			t.Fatal(err)
		}
		hosts, srflx, other := 0, 0, 0
		for _, c := range s.Candidates {
			switch {
			case c.Type == "host" && c.Protocol == "udp" && strings.HasSuffix(c.Address, ".local"):
				hosts++
			case c.Type == "host" && c.Protocol == "tcp" && c.Address == s.Candidates[0].Address:
			case c.Type == "srflx" && c.Protocol == "udp" && !strings.Contains(c.Address, ":"):
				srflx++
			default:
				other++
			}
		}
		if hosts != 1 || srflx > 1 || other > 0 {
			continue
		}
		t.Run(f.name, func(t *testing.T) {
			tok, err := sdpcompact.Encode(f.desc)
			if err != nil {
				t.Fatal(err)
			}
			if len(tok) > 140 {
				t.Errorf("Encode(%s) has %d characters, want at most 140", f.name, len(tok))
			}
		})
	}
}

// qrVersion returns the QR version skip2/go-qrcode picks at level M.
func qrVersion(t *testing.T, s string) int {
	t.Helper()
	q, err := qrcode.New(s, qrcode.Medium)
	if err != nil {
		t.Fatal(err)
	}
	return q.VersionNumber
}

// A qrtc offer has the same length whatever its random parts are: check
// many fresh credentials, fingerprints and addresses against the floor.
func TestSizeFloorRandomOffers(t *testing.T) {
	for i := 0; i < 200; i++ {
		ufrag, pwd, err := sdpcompact.NewICECredentials()
		if err != nil {
			t.Fatal(err)
		}
		var fp [32]byte
		var ip [4]byte
		if _, err := rand.Read(fp[:]); err != nil {
			t.Fatal(err)
		}
		if _, err := rand.Read(ip[:]); err != nil {
			t.Fatal(err)
		}
		hexPairs := make([]string, len(fp))
		for j, b := range fp {
			hexPairs[j] = fmt.Sprintf("%02X", b)
		}
		sdp := strings.Join([]string{
			"v=0", "o=- 5410367601293207867 1795565150 IN IP4 0.0.0.0", "s=-", "t=0 0",
			"a=msid-semantic:WMS *", "a=fingerprint:sha-256 " + strings.Join(hexPairs, ":"),
			"a=extmap-allow-mixed", "a=group:BUNDLE 0",
			"m=application 9 UDP/DTLS/SCTP webrtc-datachannel", "c=IN IP4 0.0.0.0",
			"a=setup:actpass", "a=mid:0", "a=sendrecv", "a=sctp-port:5000", "a=max-message-size:1073741823",
			"a=ice-ufrag:" + ufrag, "a=ice-pwd:" + pwd,
			fmt.Sprintf("a=candidate:1 1 udp 2130706431 %d.%d.%d.%d %d typ host ufrag %s generation 0", ip[0], ip[1], ip[2], ip[3], 1024+i*300, ufrag),
			fmt.Sprintf("a=candidate:1 2 udp 2130706431 %d.%d.%d.%d %d typ host ufrag %s generation 0", ip[0], ip[1], ip[2], ip[3], 1024+i*300, ufrag),
			"a=end-of-candidates", "",
		}, "\r\n")
		tok, err := sdpcompact.Encode(sdpcompact.Description{Type: sdpcompact.Offer, SDP: sdp})
		if err != nil {
			t.Fatalf("Encode = %v\n%s", err, sdp)
		}
		if len(tok) > 96 {
			t.Fatalf("Encode of a qrtc offer has %d characters, want at most 96: %s", len(tok), tok)
		}
		d, err := sdpcompact.Decode(tok)
		if err != nil {
			t.Fatalf("Decode(%s) = %v", tok, err)
		}
		if !strings.Contains(d.SDP, "a=ice-pwd:"+pwd+"\r\n") || !strings.Contains(d.SDP, "a=ice-ufrag:"+ufrag+"\r\n") {
			t.Fatalf("Decode lost the credentials %s %s:\n%s", ufrag, pwd, d.SDP)
		}
	}
}

func TestNewICECredentials(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 100; i++ {
		ufrag, pwd, err := sdpcompact.NewICECredentials()
		if err != nil {
			t.Fatal(err)
		}
		if len(ufrag) != 4 || len(pwd) != 22 {
			t.Fatalf("NewICECredentials = %q, %q; want 4 and 22 characters (RFC 8839 minimum)", ufrag, pwd)
		}
		for _, c := range ufrag + pwd {
			if !strings.ContainsRune("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", c) {
				t.Fatalf("NewICECredentials = %q, %q; %q is not an ice-char", ufrag, pwd, c)
			}
		}
		if seen[pwd] {
			t.Fatalf("NewICECredentials returned password %q twice", pwd)
		}
		seen[pwd] = true
	}
}
