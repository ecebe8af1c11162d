package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/qrtc/qrtc/qr"
	"github.com/qrtc/qrtc/sdpcompact"
	"github.com/qrtc/qrtc/web"
)

// TestOfferLink: qrtc offer --link draws the link that opens the page with
// the offer (lower-case scheme and host, the token in the fragment); stdout
// keeps the token; a link that is no URL is refused before anything starts.
func TestOfferLink(t *testing.T) {
	for _, tc := range []struct{ flag, base string }{
		{"default", web.DefaultURL},
		{"HTTPS://Example.ORG/qrtc/", "https://example.org/qrtc/"},
	} {
		t.Run(tc.flag, func(t *testing.T) {
			png := filepath.Join(t.TempDir(), "offer.png")
			out, errOut, _ := runInProcess(t, "\n", "offer", "--stun", "none", "--no-qr", "--png", png, "--link", tc.flag)
			token := strings.TrimSpace(strings.SplitN(out, "\n", 2)[0])
			if !sdpcompact.LooksLikeToken(token) || strings.Contains(token, "#") {
				t.Fatalf("qrtc offer --link printed %q on stdout (stderr %q), want the token", token, errOut)
			}
			got, err := qr.DecodeFile(png)
			if err != nil {
				t.Fatal(err)
			}
			if want := tc.base + "#" + token; got != want {
				t.Errorf("the --png code holds %q, want %q", got, want)
			}
		})
	}
	_, errOut, code := runInProcess(t, "", "offer", "--stun", "none", "--no-qr", "--link", "qrtc.github.io")
	if code != exitBadInput || !strings.Contains(errOut, "--link") {
		t.Errorf("qrtc offer --link qrtc.github.io: exit %d, stderr %q; want %d and a word on --link", code, errOut, exitBadInput)
	}
}
