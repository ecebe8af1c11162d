package peer

import (
	"strings"
	"testing"
)

// The fingerprints of two real pion certificates, from testdata.
const (
	phraseX = "sha-256 D9:7F:E5:99:31:64:63:D0:75:98:7B:6F:12:11:86:D3:BB:89:16:21:46:4F:9F:EF:B9:7F:51:79:31:04:5F:AE"
	phraseY = "sha-256 A4:56:FC:1F:35:AF:69:80:02:F3:94:F3:18:FD:A0:E5:76:4F:3F:42:F2:DE:33:2C:47:37:50:38:94:9E:C0:48"
)

// TestPhraseCertificates: a different certificate on either side gives a
// different phrase, which is what a man in the middle would have to avoid.
func TestPhraseCertificates(t *testing.T) {
	base := verificationPhrase(phraseX, phraseY)
	tests := []struct {
		name string
		a, b string
	}{
		{"other offerer certificate", strings.Replace(phraseX, "D9", "D8", 1), phraseY},
		{"other answerer certificate", phraseX, strings.Replace(phraseY, "48", "49", 1)},
		{"both swapped", strings.Replace(phraseX, "AE", "AF", 1), strings.Replace(phraseY, "A4", "A5", 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := verificationPhrase(tt.a, tt.b); got == base {
				t.Errorf("verificationPhrase(%q, %q) = %q, the same as for the original pair; want a different phrase", tt.a, tt.b, got)
			}
		})
	}
}

// BenchmarkPhrase measures one derivation: the work a man in the middle
// repeats about 2^32 times to find a certificate that keeps the phrase.
func BenchmarkPhrase(b *testing.B) {
	for b.Loop() {
		if verificationPhrase(phraseX, phraseY) == "" {
			b.Fatal("verificationPhrase() = \"\"")
		}
	}
}
