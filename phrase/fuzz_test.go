package phrase

import (
	"strings"
	"testing"
)

// FuzzFingerprint: any SDP text gives "" or a normalized fingerprint, and
// Derive on it never fails to give four words or "".
func FuzzFingerprint(f *testing.F) {
	f.Add("v=0\r\na=fingerprint:sha-256 " + fpX[8:] + "\r\n")
	f.Add("a=fingerprint:SHA-1 ab\n")
	f.Add("a=fingerprint:\r\n")
	f.Fuzz(func(t *testing.T, sdp string) {
		fp := Fingerprint(sdp)
		if fp != Normalize(fp) {
			t.Fatalf("Fingerprint(%q) = %q, not normalized (%q)", sdp, fp, Normalize(fp))
		}
		if fp == "" {
			return
		}
		if w := strings.Fields(Derive(fp, fpY)); len(w) != words {
			t.Fatalf("Derive(%q, y) = %q, want %d words", fp, w, words)
		}
	})
}
