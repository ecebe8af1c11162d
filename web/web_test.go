package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/qrtc/qrtc/internal/browser"
	"github.com/qrtc/qrtc/internal/netns"
	"github.com/qrtc/qrtc/phrase"
	"github.com/qrtc/qrtc/sdpcompact"
	"github.com/qrtc/qrtc/web"
	"github.com/qrtc/qrtc/web/internal/wasmbuild"
)

// TestGeneratedFiles rebuilds the WebAssembly modules and wasm_exec.js and
// compares them with the committed copies the binary embeds.
func TestGeneratedFiles(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("the go command is not installed")
	}
	files, err := wasmbuild.Build()
	if err != nil {
		t.Fatalf("wasmbuild.Build() = %v", err)
	}
	for name, want := range files {
		got, err := fs.ReadFile(web.FS(), name)
		if err != nil {
			t.Errorf("%s is not committed: run go generate ./web", name)
			continue
		}
		if !bytes.Equal(got, want) {
			t.Errorf("web/static/%s is stale (%d bytes committed, %d built): run go generate ./web and commit the result", name, len(got), len(want))
		}
	}
}

// codecCase is one input of testdata/codec-node.js.
type codecCase struct {
	Name  string `json:"name"`
	Type  string `json:"type"`
	SDP   string `json:"sdp"`
	Token string `json:"token"`
	Link  string `json:"link,omitempty"`
	FpA   string `json:"fpA,omitempty"`
	FpB   string `json:"fpB,omitempty"`
}

// codecResult is what the page's codec made of it under node.
type codecResult struct {
	Name        string `json:"name"`
	Token       string `json:"token"`
	EncodeError string `json:"encodeError"`
	DecodedType string `json:"decodedType"`
	DecodedSDP  string `json:"decodedSDP"`
	DecodeError string `json:"decodeError"`
	LinkSDP     string `json:"linkSDP"`
	Phrase      string `json:"phrase"`
}

// codecCorpus makes the cases of codec-cases.js from every description of
// sdpcompact's corpus, with the Go codec's answers: its token, and the SDP
// it decodes from that token, by case name. A case also carries the link
// to the token and, every phraseEvery cases, a pair of descriptions to
// derive a phrase from (Argon2: the phrase takes a second or so in wasm).
func codecCorpus(t *testing.T, phraseEvery int) (cases []codecCase, wantSDP map[string]string) {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("..", "sdpcompact", "testdata", "corpus", "*.json"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no corpus: %v", err)
	}
	wantSDP = map[string]string{}
	var prevSDP string
	for i, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		d, err := sdpcompact.ParseDescription(string(b))
		if err != nil {
			t.Fatalf("ParseDescription(%s) = %v", p, err)
		}
		tok, err := sdpcompact.Encode(d)
		if err != nil {
			t.Fatalf("Encode(%s) = %v", p, err)
		}
		back, err := sdpcompact.Decode(tok)
		if err != nil {
			t.Fatalf("Decode(Encode(%s)) = %v", p, err)
		}
		link, err := sdpcompact.Link(web.DefaultURL, tok)
		if err != nil {
			t.Fatal(err)
		}
		c := codecCase{Name: filepath.Base(p), Type: map[sdpcompact.Type]string{sdpcompact.Offer: "offer", sdpcompact.Answer: "answer"}[d.Type], SDP: d.SDP, Token: tok, Link: link}
		if i%phraseEvery == 0 && prevSDP != "" && phrase.Fingerprint(prevSDP) != "" && phrase.Fingerprint(d.SDP) != "" {
			c.FpA, c.FpB = prevSDP, d.SDP
		}
		prevSDP = d.SDP
		cases = append(cases, c)
		wantSDP[c.Name] = back.SDP
	}
	return cases, wantSDP
}

// checkCodec compares what the wasm codec made of the cases (run where:
// under node, in a browser) with the Go codec.
func checkCodec(t *testing.T, where string, cases []codecCase, wantSDP map[string]string, results []codecResult) {
	t.Helper()
	if len(results) != len(cases) {
		t.Fatalf("%s answered %d cases, want %d", where, len(results), len(cases))
	}
	want := map[string]codecCase{}
	for _, c := range cases {
		want[c.Name] = c
	}
	phrases := 0
	for _, r := range results {
		c, ok := want[r.Name]
		if !ok {
			t.Errorf("%s answered a case %q that was not asked", where, r.Name)
			continue
		}
		if r.Token != c.Token {
			t.Errorf("%s: %s: wasm encode = %q (error %q), Go Encode = %q", where, r.Name, r.Token, r.EncodeError, c.Token)
		}
		if r.DecodedSDP != wantSDP[r.Name] || r.DecodedType != c.Type {
			t.Errorf("%s: %s: wasm decode = %s %q (error %q), Go Decode = %s %q", where, r.Name, r.DecodedType, r.DecodedSDP, r.DecodeError, c.Type, wantSDP[r.Name])
		}
		if r.LinkSDP != wantSDP[r.Name] {
			t.Errorf("%s: %s: wasm decode of the link %q gave %q, want the token's SDP", where, r.Name, c.Link, r.LinkSDP)
		}
		if c.FpA != "" {
			phrases++
			if w := phrase.Derive(phrase.Fingerprint(c.FpA), phrase.Fingerprint(c.FpB)); r.Phrase != w {
				t.Errorf("%s: %s: wasm phrase = %q, Go phrase = %q", where, r.Name, r.Phrase, w)
			}
		}
	}
	if phrases < 3 {
		t.Errorf("%s: only %d phrases compared", where, phrases)
	}
	t.Logf("%s: %d corpus descriptions, %d phrases: the wasm codec agrees with Go", where, len(results), phrases)
}

// TestCodecNode runs the committed codec.wasm.gz under node over every
// description of sdpcompact's corpus: the same token from the same SDP, the
// same SDP from the same token, as the Go codec; links read as their token;
// and the same verification phrase as package phrase.
func TestCodecNode(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		netns.SkipUnlessRequired(t, fmt.Errorf("node is not installed (apt-get install nodejs): %w", err))
	}
	cases, wantSDP := codecCorpus(t, 1)
	in := filepath.Join(t.TempDir(), "cases.json")
	b, _ := json.Marshal(cases)
	if err := os.WriteFile(in, b, 0o600); err != nil {
		t.Fatal(err)
	}
	execJS, _ := filepath.Abs(filepath.Join("static", "wasm_exec.js"))
	cmd := exec.Command(node, filepath.Join("testdata", "codec-node.js"), execJS, in, filepath.Join("static", "codec.wasm.gz"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node codec-node.js: %v\n%s", err, stderr.String())
	}
	var results []codecResult
	if err := json.Unmarshal(out, &results); err != nil {
		t.Fatalf("node output (%d bytes): %v", len(out), err)
	}
	checkCodec(t, "node", cases, wantSDP, results)
}

// TestCodecBrowsers is TestCodecNode in headless Chromium and Firefox
// inside a lab namespace: testdata/codec-browser.html, served beside the
// page's files by web.Handler, loads codec.wasm.gz as the page does and
// makes the same calls over the same corpus (phrases of a few: they are
// slow, and every session test compares the page's phrase with another's).
func TestCodecBrowsers(t *testing.T) {
	cases, wantSDP := codecCorpus(t, 10)
	casesJSON, _ := json.Marshal(cases)
	for _, kind := range []browser.Kind{browser.Chromium, browser.Firefox} {
		t.Run(kind.String(), func(t *testing.T) {
			browser.Require(t, kind)
			ns, _ := twoClients(t)
			ctx, cancel := context.WithTimeout(t.Context(), sessionTimeout)
			defer cancel()
			results := make(chan []byte, 1)
			failed := make(chan string, 1)
			mux := http.NewServeMux()
			mux.Handle("/", web.Handler())
			mux.Handle("GET /test/", http.StripPrefix("/test/", http.FileServerFS(os.DirFS("testdata"))))
			mux.HandleFunc("GET /test/cases.json", func(w http.ResponseWriter, r *http.Request) { w.Write(casesJSON) })
			mux.HandleFunc("POST /test/results", func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				results <- b
			})
			mux.HandleFunc("POST /test/error", func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				failed <- string(b)
			})
			ln, err := ns.Listen("tcp4", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
			go srv.Serve(ln)
			defer srv.Close()
			b, err := browser.Launch(ctx, ns, kind, browser.Options{URL: "http://" + ln.Addr().String() + "/test/codec-browser.html"})
			if err != nil {
				t.Fatal(err)
			}
			defer b.Close()
			select {
			case out := <-results:
				var res []codecResult
				if err := json.Unmarshal(out, &res); err != nil {
					t.Fatalf("%v's results (%d bytes): %v", kind, len(out), err)
				}
				checkCodec(t, kind.String(), cases, wantSDP, res)
			case msg := <-failed:
				t.Fatalf("%v: the codec test page failed: %s", kind, msg)
			case <-ctx.Done():
				t.Fatalf("%v: no results from the codec test page: %v\n%s", kind, ctx.Err(), tail(b.Output(), 1500))
			}
		})
	}
}

func TestHandler(t *testing.T) {
	srv := httptest.NewServer(web.Handler())
	defer srv.Close()
	for _, tc := range []struct{ path, ctype, contains string }{
		{"/", "text/html", "<title>qrtc"},
		{"/app.js", "text/javascript", "qrtcCodec"},
		{"/manifest.webmanifest", "application/manifest+json", `"start_url"`},
		{"/codec.wasm.gz", "application/gzip", "\x1f\x8b"},
		{"/sw.js", "text/javascript", "caches"},
	} {
		r, err := http.Get(srv.URL + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(r.Body)
		r.Body.Close()
		if r.StatusCode != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), tc.ctype) || !strings.Contains(string(b), tc.contains) {
			t.Errorf("GET %s = %d %q (%d bytes), want 200 %s holding %q", tc.path, r.StatusCode, r.Header.Get("Content-Type"), len(b), tc.ctype, tc.contains)
		}
	}
	r, err := http.Post(srv.URL+"/", "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST / = %d, want 405", r.StatusCode)
	}
}

// TestSingleFile checks that the single-file page refers to no other file:
// every src and href is inline (data:) or another site.
func TestSingleFile(t *testing.T) {
	b, err := web.SingleFile()
	if err != nil {
		t.Fatalf("SingleFile() = %v", err)
	}
	s := string(b)
	for _, attr := range []string{`src="`, `href="`} {
		for rest := s; ; {
			i := strings.Index(rest, attr)
			if i < 0 {
				break
			}
			rest = rest[i+len(attr):]
			v := rest[:strings.IndexByte(rest, '"')]
			if !strings.HasPrefix(v, "data:") && !strings.HasPrefix(v, "https://") {
				t.Errorf("single-file page refers to %s%s\"", attr, v)
			}
		}
	}
	for _, id := range []string{`id="wasm-codec"`, `id="wasm-scan"`, `id="src-scan-worker"`, `id="src-wasm-exec"`, "<style>"} {
		if !strings.Contains(s, id) {
			t.Errorf("single-file page has no %s", id)
		}
	}
	t.Logf("single-file page: %d bytes", len(b))
}
