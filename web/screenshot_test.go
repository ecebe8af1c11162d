package web_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/qrtc/qrtc/internal/browser"
)

// TestScreenshots writes the README's screenshots of the page into the
// directory QRTC_SCREENSHOTS names: headless Chromium at a phone's and a
// desktop's size, opened at a link holding an offer (so the page shows its
// answer code). It is skipped without QRTC_SCREENSHOTS.
func TestScreenshots(t *testing.T) {
	dir := os.Getenv("QRTC_SCREENSHOTS")
	if dir == "" {
		t.Skip("set QRTC_SCREENSHOTS=DIR to write the page's screenshots")
	}
	require(t, browser.Chromium)
	dir, _ = filepath.Abs(dir)
	offer, err := os.ReadFile(filepath.Join("..", "cmd", "qrtc", "testdata", "offer.token"))
	if err != nil {
		t.Fatal(err)
	}
	ns, _ := twoClients(t)
	ps := newPageServer(t, ns)
	for _, s := range []struct {
		name string
		w, h int
	}{{"page-phone.png", 390, 844}, {"page-desktop.png", 1280, 800}} {
		out := filepath.Join(dir, s.name)
		os.Remove(out)
		ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
		u := ps.URL() + "?stun=none#" + string(offer)
		b, err := browser.Launch(ctx, ns, browser.Chromium, browser.Options{URL: u, Args: []string{
			"--screenshot=" + out, fmt.Sprintf("--window-size=%d,%d", s.w, s.h), "--virtual-time-budget=10000", "--hide-scrollbars"}})
		if err != nil {
			t.Fatal(err)
		}
		for ctx.Err() == nil {
			if fi, err := os.Stat(out); err == nil && fi.Size() > 0 {
				time.Sleep(500 * time.Millisecond) // let Chromium finish writing
				break
			}
			time.Sleep(200 * time.Millisecond)
		}
		b.Close()
		cancel()
		if _, err := os.Stat(out); err != nil {
			t.Errorf("no screenshot %s: %v\n%s", out, err, tail(b.Output(), 1000))
		}
	}
}
