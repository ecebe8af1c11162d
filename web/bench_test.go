package web_test

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qrtc/qrtc/internal/browser"
	"github.com/qrtc/qrtc/web"
)

// firstView are the files a browser fetches before the page is usable; the
// scanner (scan-worker.js, scan.wasm.gz) loads on the first scan.
var firstView = []string{"index.html", "style.css", "wasm_exec.js", "app.js", "codec.wasm.gz"}

// BenchmarkPageWeight reports the bytes a browser fetches for the first view
// (the modules as committed, gzip; the text files brotli-compressed as a host
// would serve them, when the brotli command is installed, else raw) and for
// the lazily loaded scanner. The loop does nothing: the metrics are the
// result.
func BenchmarkPageWeight(b *testing.B) {
	size := func(name string) float64 {
		data, err := fs.ReadFile(web.FS(), name)
		if err != nil {
			b.Fatal(err)
		}
		if strings.HasSuffix(name, ".gz") {
			return float64(len(data))
		}
		if _, err := exec.LookPath("brotli"); err == nil {
			cmd := exec.Command("brotli", "-q", "11", "-c")
			cmd.Stdin = bytes.NewReader(data)
			if out, err := cmd.Output(); err == nil {
				return float64(len(out))
			}
		}
		return float64(len(data))
	}
	var first, lazy float64
	for _, n := range firstView {
		first += size(n)
	}
	for _, n := range []string{"scan-worker.js", "scan.wasm.gz"} {
		lazy += size(n)
	}
	single, err := web.SingleFile()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
	}
	b.ReportMetric(first/1e3, "kB-first-view")
	b.ReportMetric(lazy/1e3, "kB-scanner")
	b.ReportMetric(float64(len(single))/1e3, "kB-single-file")
}

// BenchmarkPageLoad measures time to interactive: from the page's first
// script to the codec ready and the page usable (the "loaded" event), in
// headless Chromium and Firefox inside a lab namespace, each iteration a
// fresh reload.
func BenchmarkPageLoad(b *testing.B) {
	for _, kind := range []browser.Kind{browser.Chromium, browser.Firefox} {
		b.Run(kind.String(), func(b *testing.B) {
			browser.Require(b, kind)
			benchLoad(b, kind)
		})
	}
}

func benchLoad(b *testing.B, kind browser.Kind) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ns, _ := twoClients(b)
	h := newHook(b, ns, kind.String())
	ps := newPageServer(b, ns)
	br, err := browser.Launch(ctx, ns, kind, browser.Options{URL: ps.URL() + "?stun=none&hook=" + h.URL()})
	if err != nil {
		b.Fatal(err)
	}
	defer br.Close()
	var loaded struct{ MS float64 }
	if err := h.next(ctx, "loaded", &loaded); err != nil {
		b.Fatal(err)
	}
	var total float64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		h.do(map[string]any{"reload": true})
		if err := h.next(ctx, "loaded", &loaded); err != nil {
			b.Fatal(err)
		}
		total += loaded.MS
	}
	b.ReportMetric(total/float64(b.N), "ms-to-interactive")
}

// BenchmarkPageScan measures the camera path in headless Chromium (the
// .y4m camera) and Firefox (the test hook's canvas frames) inside a lab
// namespace, on the video TestPageCamera uses (a second without a code,
// then the code through qr's distortions): from the click on "Scan with
// camera" to the code read, including starting the camera and loading the
// scanner, and the frames the page decoded per second of decoding. Each
// iteration is a fresh reload.
func BenchmarkPageScan(b *testing.B) {
	offer, err := os.ReadFile(filepath.Join("..", "cmd", "qrtc", "testdata", "offer.token"))
	if err != nil {
		b.Fatal(err)
	}
	for _, kind := range []browser.Kind{browser.Chromium, browser.Firefox} {
		b.Run(kind.String(), func(b *testing.B) {
			browser.Require(b, kind)
			y4m, frames := cameraVideo(b, strings.TrimSpace(string(offer)))
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			ns, _ := twoClients(b)
			h := newHook(b, ns, kind.String())
			ps := newPageServer(b, ns)
			opt := browser.Options{URL: ps.URL() + "?stun=none&hook=" + h.URL()}
			if kind == browser.Chromium {
				opt.Camera = y4m
			}
			br, err := browser.Launch(ctx, ns, kind, opt)
			if err != nil {
				b.Fatal(err)
			}
			defer br.Close()
			if err := h.next(ctx, "loaded", nil); err != nil {
				b.Fatal(err)
			}
			var ms, fps float64
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if i > 0 {
					h.do(map[string]any{"reload": true})
					if err := h.next(ctx, "loaded", nil); err != nil {
						b.Fatal(err)
					}
				}
				if kind != browser.Chromium {
					h.do(map[string]any{"frames": frames})
				}
				h.do(map[string]any{"click": "camera"})
				var scan scanEvent
				if err := h.next(ctx, "scan", &scan); err != nil {
					b.Fatal(err)
				}
				ms += float64(scan.MS)
				fps += float64(scan.FPS)
			}
			b.ReportMetric(ms/float64(b.N), "ms-camera-to-token")
			b.ReportMetric(fps/float64(b.N), "frames/s")
		})
	}
}
