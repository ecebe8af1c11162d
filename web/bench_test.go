package web_test

import (
	"bytes"
	"context"
	"io/fs"
	"os/exec"
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
