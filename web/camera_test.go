package web_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/qrtc/qrtc/internal/browser"
	"github.com/qrtc/qrtc/web"
)

// cameraVideo writes a camera video of a code holding text (command
// qr/internal/camvideo, from qr's distortion set) and returns the .y4m file
// and its frames as PNG data URLs, 10 a second as in the .y4m (camvideo
// writes each distinct frame once, named by its first index: it is
// repeated until the next one's).
func cameraVideo(t testing.TB, text string) (string, []string) {
	t.Helper()
	dir := t.TempDir()
	y4m := filepath.Join(dir, "camera.y4m")
	cmd := exec.Command("go", "run", "github.com/qrtc/qrtc/qr/internal/camvideo", "-text", text, "-o", y4m, "-png", dir, "-w", "960", "-h", "540")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("camvideo: %v\n%s", err, out)
	}
	pngs, err := filepath.Glob(filepath.Join(dir, "frame-*.png"))
	if err != nil || len(pngs) < 2 {
		t.Fatalf("camvideo wrote %d frames: %v", len(pngs), err)
	}
	index := func(p string) int {
		var i int
		if _, err := fmt.Sscanf(filepath.Base(p), "frame-%d.png", &i); err != nil {
			t.Fatalf("camvideo wrote %s: %v", p, err)
		}
		return i
	}
	var urls []string
	for k, p := range pngs {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		n := 4 // the last look, as long as the others
		if k+1 < len(pngs) {
			n = index(pngs[k+1]) - index(p)
		}
		for range n {
			urls = append(urls, "data:image/png;base64,"+base64.StdEncoding.EncodeToString(b))
		}
	}
	return y4m, urls
}

// scanEvent is the value of a "scan" event.
type scanEvent struct {
	MS       int  `json:"ms"`
	Frames   int  `json:"frames"`
	FPS      int  `json:"fps"`
	Detector bool `json:"detector"`
}

// TestPageCamera: the page reads "qrtc offer"'s code with the camera, a
// video of the code through qr's distortions after a second without a
// code: Chromium's file camera, and in Firefox the test hook's canvas
// frames. It answers, and the session connects. The single-file page,
// opened from file://, gets Chromium's camera too.
func TestPageCamera(t *testing.T) {
	single := filepath.Join(t.TempDir(), "qrtc.html")
	page, err := web.SingleFile()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(single, page, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		kind browser.Kind
		file string
	}{
		{"chromium", browser.Chromium, ""},
		{"firefox", browser.Firefox, ""},
		{"chromium-file", browser.Chromium, single},
	} {
		kind := tc.kind
		t.Run(tc.name, func(t *testing.T) {
			require(t, kind)
			nsA, nsB := twoClients(t)
			ctx, cancel := context.WithTimeout(t.Context(), sessionTimeout)
			defer cancel()
			q, offer := qrtcOffers(t, ctx, nsB)
			y4m, frames := cameraVideo(t, offer)
			opt := pageOptions{file: tc.file}
			if kind == browser.Chromium {
				opt.camera = y4m
			}
			h, _ := openPage(t, ctx, nsA, kind, kind.String(), opt)
			if kind != browser.Chromium {
				h.do(map[string]any{"frames": frames})
			}
			h.do(map[string]any{"click": "camera"})
			var scan scanEvent
			if err := h.next(ctx, "scan", &scan); err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: camera start to code %d ms, %d frames decoded, %d frames/s while decoding", tc.name, scan.MS, scan.Frames, scan.FPS)
			var read struct{ Source, Type string }
			if err := h.next(ctx, "read", &read); err != nil {
				t.Fatal(err)
			}
			if read.Source != "camera" || read.Type != "offer" {
				t.Errorf("the page read %+v, want an offer from the camera", read)
			}
			answer := ownToken(t, ctx, h, "answer")
			io.WriteString(q.stdin, answer.Token+"\n")
			chatCLI(t, ctx, h, q)
		})
	}
}
