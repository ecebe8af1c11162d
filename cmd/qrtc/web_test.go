package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWebWrite: qrtc web --write writes the single-file page.
func TestWebWrite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "qrtc.html")
	out, errOut, code := runInProcess(t, "", "web", "--write", path)
	if code != 0 || out != "" {
		t.Fatalf("qrtc web --write: exit %d, stdout %q, stderr %q; want exit 0 and nothing on stdout", code, out, errOut)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(b), "<!DOCTYPE html>") || !strings.Contains(string(b), `id="wasm-codec"`) {
		t.Errorf("qrtc web --write wrote %d bytes that are not the single-file page", len(b))
	}
	if _, _, code := runInProcess(t, "", "web", "--write", filepath.Join(t.TempDir(), "no", "such", "dir.html")); code != exitBadInput {
		t.Errorf("qrtc web --write into a missing directory: exit %d, want %d", code, exitBadInput)
	}
}

// TestWebServe: qrtc web prints the page's URL on stdout and serves the
// page there until its context ends.
func TestWebServe(t *testing.T) {
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"web", "--listen", "127.0.0.1:0", "--no-open"}, strings.NewReader(""), pw, io.Discard)
		pw.Close()
	}()
	url, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the URL from qrtc web: %v", err)
	}
	url = strings.TrimSpace(url)
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Fatalf("qrtc web printed %q, want an http://127.0.0.1 URL", url)
	}
	go io.Copy(io.Discard, pr)
	r, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if r.StatusCode != 200 || !strings.Contains(string(b), "<title>qrtc") {
		t.Errorf("GET %s = %d (%d bytes), want the page", url, r.StatusCode, len(b))
	}
	cancel(errInterrupted)
	if err := <-done; !errors.Is(err, errInterrupted) {
		t.Errorf("qrtc web after interruption returned %v, want errInterrupted", err)
	}
}
