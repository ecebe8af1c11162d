package phrase

import (
	"strings"
	"testing"
)

// The fingerprints of two real pion certificates, from peer's testdata.
const (
	fpX = "sha-256 D9:7F:E5:99:31:64:63:D0:75:98:7B:6F:12:11:86:D3:BB:89:16:21:46:4F:9F:EF:B9:7F:51:79:31:04:5F:AE"
	fpY = "sha-256 A4:56:FC:1F:35:AF:69:80:02:F3:94:F3:18:FD:A0:E5:76:4F:3F:42:F2:DE:33:2C:47:37:50:38:94:9E:C0:48"
)

// golden pins the word list and the hash input: changing either changes
// every phrase, and old and new versions (the CLI and a cached page) would
// disagree.
const golden = "pencil blossom engine panda"

func TestDerive(t *testing.T) {
	if got := Derive(fpX, fpY); got != golden {
		t.Errorf("Derive(x, y) = %q, want %q", got, golden)
	}
	if got := Derive(fpY, fpX); got != golden {
		t.Errorf("Derive(y, x) = %q, want %q (the order must not matter)", got, golden)
	}
	if got := Derive(strings.ToLower(fpX), " SHA-256 "+fpY[8:]); got != golden {
		t.Errorf("Derive(lower-case x, upper-case y) = %q, want %q (case must not matter)", got, golden)
	}
	for _, tc := range []struct{ a, b string }{{fpX, ""}, {"", fpY}, {"sha-256", fpY}} {
		if got := Derive(tc.a, tc.b); got != "" {
			t.Errorf("Derive(%q, %q) = %q, want \"\"", tc.a, tc.b, got)
		}
	}
}

// TestDeriveCertificates: a different certificate on either side gives a
// different phrase, which is what a man in the middle would have to avoid.
func TestDeriveCertificates(t *testing.T) {
	tests := []struct {
		name string
		a, b string
	}{
		{"other offerer certificate", strings.Replace(fpX, "D9", "D8", 1), fpY},
		{"other answerer certificate", fpX, strings.Replace(fpY, "48", "49", 1)},
		{"both swapped", strings.Replace(fpX, "AE", "AF", 1), strings.Replace(fpY, "A4", "A5", 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Derive(tt.a, tt.b); got == golden {
				t.Errorf("Derive(%q, %q) = %q, the same as for the original pair; want a different phrase", tt.a, tt.b, got)
			}
		})
	}
}

func TestFingerprint(t *testing.T) {
	tests := []struct {
		name, sdp, want string
	}{
		{"media level", "v=0\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\na=fingerprint:SHA-256 d9:7f\r\n", "sha-256 D9:7F"},
		{"session level wins", "v=0\na=fingerprint:sha-1 AA\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\na=fingerprint:sha-256 BB\n", "sha-1 AA"},
		{"none", "v=0\r\nm=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n", ""},
		{"no space", "a=fingerprint:sha-256\r\n", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Fingerprint(tc.sdp); got != tc.want {
				t.Errorf("Fingerprint(%q) = %q, want %q", tc.sdp, got, tc.want)
			}
		})
	}
}

func TestWordList(t *testing.T) {
	seen := map[string]bool{}
	for i, w := range wordList {
		if w == "" || seen[w] || strings.ToLower(w) != w || strings.ContainsAny(w, " -") {
			t.Errorf("wordList[%d] = %q: empty, repeated, or not one lower-case word", i, w)
		}
		seen[w] = true
	}
}

// BenchmarkDerive measures one derivation: the work a man in the middle
// repeats about 2^32 times to find a certificate that keeps the phrase.
func BenchmarkDerive(b *testing.B) {
	for b.Loop() {
		if Derive(fpX, fpY) == "" {
			b.Fatal("Derive() = \"\"")
		}
	}
}
