package web_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/qrtc/qrtc/internal/browser"
	"github.com/qrtc/qrtc/internal/netns"
	"github.com/qrtc/qrtc/qr"
	"github.com/qrtc/qrtc/sdpcompact"
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
		// Chromium takes the screenshot when its virtual time budget is
		// spent, whether or not the page has drawn its answer yet (on a
		// loaded machine it may still say "Answering…"): a screenshot
		// counts only when qr reads the answer code from it.
		var err error
		for try := 0; try < 3; try++ {
			if err = screenshot(t, ns, ps.URL()+"?stun=none#"+string(offer), out, s.w, s.h); err == nil {
				break
			}
			t.Logf("%s, try %d: %v", s.name, try+1, err)
		}
		if err != nil {
			t.Error(err)
		}
	}
}

// screenshot has headless Chromium write a w-by-h screenshot of the page
// at u into out, and checks that it shows the page's answer code.
func screenshot(t *testing.T, ns *netns.Namespace, u, out string, w, h int) error {
	os.Remove(out)
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	b, err := browser.Launch(ctx, ns, browser.Chromium, browser.Options{URL: u, Args: []string{
		"--screenshot=" + out, fmt.Sprintf("--window-size=%d,%d", w, h), "--virtual-time-budget=10000", "--hide-scrollbars"}})
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
	if _, err := os.Stat(out); err != nil {
		return fmt.Errorf("no screenshot %s: %w\n%s", out, err, tail(b.Output(), 1000))
	}
	text, err := qr.DecodeFile(out)
	if err != nil {
		return fmt.Errorf("%s shows no readable code: %w", out, err)
	}
	if d, err := sdpcompact.Decode(text); err != nil || d.Type != sdpcompact.Answer {
		return fmt.Errorf("%s shows a code holding %q, want an answer token (%v)", out, text, err)
	}
	return nil
}
