package web_test

import (
	"bytes"
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

// TestCodecNode runs the committed codec.wasm.gz under node over every
// description of sdpcompact's corpus: the same token from the same SDP, the
// same SDP from the same token, as the Go codec; links read as their token;
// and the same verification phrase as package phrase.
func TestCodecNode(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		netns.SkipUnlessRequired(t, fmt.Errorf("node is not installed (apt-get install nodejs): %w", err))
	}
	paths, err := filepath.Glob(filepath.Join("..", "sdpcompact", "testdata", "corpus", "*.json"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no corpus: %v", err)
	}
	var cases []codecCase
	want := map[string]codecCase{}
	wantSDP := map[string]string{}
	var prevSDP string
	for _, p := range paths {
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
		if prevSDP != "" && phrase.Fingerprint(prevSDP) != "" && phrase.Fingerprint(d.SDP) != "" {
			c.FpA, c.FpB = prevSDP, d.SDP
		}
		prevSDP = d.SDP
		cases = append(cases, c)
		want[c.Name] = c
		wantSDP[c.Name] = back.SDP
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "cases.json")
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
	if len(results) != len(cases) {
		t.Fatalf("node answered %d cases, want %d", len(results), len(cases))
	}
	phrases := 0
	for _, r := range results {
		c := want[r.Name]
		if r.Token != c.Token {
			t.Errorf("%s: wasm encode = %q (error %q), Go Encode = %q", r.Name, r.Token, r.EncodeError, c.Token)
		}
		if r.DecodedSDP != wantSDP[r.Name] || r.DecodedType != c.Type {
			t.Errorf("%s: wasm decode = %s %q (error %q), Go Decode = %s %q", r.Name, r.DecodedType, r.DecodedSDP, r.DecodeError, c.Type, wantSDP[r.Name])
		}
		if r.LinkSDP != wantSDP[r.Name] {
			t.Errorf("%s: wasm decode of the link %q gave %q, want the token's SDP", r.Name, c.Link, r.LinkSDP)
		}
		if c.FpA != "" {
			phrases++
			if w := phrase.Derive(phrase.Fingerprint(c.FpA), phrase.Fingerprint(c.FpB)); r.Phrase != w {
				t.Errorf("%s: wasm phrase = %q, Go phrase = %q", r.Name, r.Phrase, w)
			}
		}
	}
	if phrases < 3 {
		t.Errorf("only %d phrases compared", phrases)
	}
	t.Logf("%d corpus descriptions, %d phrases: the wasm codec under node agrees with Go", len(results), phrases)
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
