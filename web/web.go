package web

import (
	"embed"
	"encoding/base64"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

//go:embed static
var static embed.FS

// DefaultURL is where the page is published (GitHub Pages of the qrtc
// repository, .github/workflows/pages.yml). Offer codes drawn by a copy of
// the page that is not itself served over https link here.
const DefaultURL = "https://qrtc.github.io/qrtc/"

// FS returns the page's files, the static build: index.html, app.js,
// style.css, scan-worker.js, sw.js, manifest.webmanifest, icon.svg,
// wasm_exec.js, codec.wasm.gz and scan.wasm.gz. Any static host can serve
// them as they are.
func FS() fs.FS {
	sub, err := fs.Sub(static, "static")
	if err != nil {
		// fs.Sub fails only for an invalid name; "static" is valid.
		return static
	}
	return sub
}

// Handler serves the page's files. Responses are marked no-cache (the
// browser revalidates; the service worker keeps the offline copy) and carry
// explicit content types, so a host with an old MIME table still serves the
// manifest and the modules right.
func Handler() http.Handler {
	files := http.FileServerFS(FS())
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		h := w.Header()
		h.Set("Cache-Control", "no-cache")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		if t := contentType(path.Base(r.URL.Path)); t != "" {
			h.Set("Content-Type", t)
		}
		files.ServeHTTP(w, r)
	})
}

func contentType(name string) string {
	switch {
	case strings.HasSuffix(name, ".webmanifest"):
		return "application/manifest+json"
	case strings.HasSuffix(name, ".gz"):
		return "application/gzip"
	case strings.HasSuffix(name, ".js"):
		return "text/javascript; charset=utf-8"
	}
	return mime.TypeByExtension(path.Ext(name))
}

// SingleFile returns the page as one self-contained HTML file: the style,
// the scripts and both WebAssembly modules (gzip, base64) inlined, so it
// works opened from disk (file:// is a secure context, with a camera) and
// needs nothing else. It has no service worker (file:// cannot have one)
// and its offer codes link to DefaultURL.
func SingleFile() ([]byte, error) {
	read := func(name string) (string, error) {
		b, err := fs.ReadFile(FS(), name)
		if err != nil {
			return "", fmt.Errorf("web: page file %q: %w", name, err)
		}
		return string(b), nil
	}
	html, err := read("index.html")
	if err != nil {
		return nil, err
	}
	texts := map[string]string{}
	for _, n := range []string{"style.css", "app.js", "wasm_exec.js", "scan-worker.js", "icon.svg"} {
		if texts[n], err = read(n); err != nil {
			return nil, err
		}
	}
	replace := func(old, new string) error {
		if !strings.Contains(html, old) {
			return fmt.Errorf("web: index.html has no %q to inline", old)
		}
		html = strings.Replace(html, old, new, 1)
		return nil
	}
	steps := [][2]string{
		{`<link rel="manifest" href="manifest.webmanifest">` + "\n", ""},
		{`<link rel="icon" href="icon.svg" type="image/svg+xml">`, `<link rel="icon" href="data:image/svg+xml;base64,` + base64.StdEncoding.EncodeToString([]byte(texts["icon.svg"])) + `">`},
		{`<link rel="stylesheet" href="style.css">`, "<style>\n" + texts["style.css"] + "</style>"},
	}
	for _, s := range steps {
		if err := replace(s[0], s[1]); err != nil {
			return nil, err
		}
	}
	var tail strings.Builder
	for _, m := range []string{"codec", "scan"} {
		b, err := fs.ReadFile(FS(), m+".wasm.gz")
		if err != nil {
			return nil, fmt.Errorf("web: page file %q: %w", m+".wasm.gz", err)
		}
		fmt.Fprintf(&tail, "<script type=\"application/octet-stream\" id=\"wasm-%s\">%s</script>\n", m, base64.StdEncoding.EncodeToString(b))
	}
	fmt.Fprintf(&tail, "<script type=\"text/plain\" id=\"src-wasm-exec\">%s</script>\n", scriptText(texts["wasm_exec.js"]))
	fmt.Fprintf(&tail, "<script type=\"text/plain\" id=\"src-scan-worker\">%s</script>\n", scriptText(texts["scan-worker.js"]))
	fmt.Fprintf(&tail, "<script>\n%s</script>\n", scriptText(texts["wasm_exec.js"]))
	fmt.Fprintf(&tail, "<script>\n%s</script>\n", scriptText(texts["app.js"]))
	if err := replace("<script src=\"wasm_exec.js\"></script>\n<script src=\"app.js\"></script>\n", tail.String()); err != nil {
		return nil, err
	}
	return []byte(html), nil
}

// scriptText makes JavaScript safe inside a <script> element: "</script"
// would end it early, and "<!--" changes how it is parsed. Both only occur
// inside strings and comments, where "<\/" and "<\!--" mean the same.
func scriptText(s string) string {
	s = strings.ReplaceAll(s, "</script", `<\/script`)
	return strings.ReplaceAll(s, "<!--", `<\!--`)
}
