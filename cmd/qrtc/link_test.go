package main

import (
	"os"
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

// TestLinkRead: a link that opens the page with an offer (what --link
// draws) is read as its token wherever qrtc reads one: as an argument, in
// upper case as a camera app may hand it on, pasted on stdin, in a file, and
// in a picture of the code.
func TestLinkRead(t *testing.T) {
	offerTok := fixtureToken(t, "offer")
	want := readFixture(t, "offer.decoded.json")
	link, err := sdpcompact.Link(web.DefaultURL, offerTok)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	png, file := filepath.Join(dir, "link.png"), filepath.Join(dir, "link.txt")
	if err := qr.WritePNGFile(png, link, qr.PNGOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte(link+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, stdin string
		args        []string
	}{
		{"argument", "", []string{"decode", link}},
		{"upper case", "", []string{"decode", strings.ToUpper(link)}},
		{"stdin", link + "\n", []string{"decode"}},
		{"file", "", []string{"decode", file}},
		{"picture", "", []string{"decode", png}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := runInProcess(t, tc.stdin, tc.args...)
			if code != 0 || out != want {
				t.Errorf("qrtc %q: exit %d, stdout %q, stderr %q; want the offer", tc.args, code, out, errOut)
			}
		})
	}
}
