package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
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

// TestWebOpens: without --no-open, qrtc web hands the URL it printed to the
// desktop's opener (xdg-open here; a stand-in on PATH records what it was
// given).
func TestWebOpens(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the stand-in opener is xdg-open, the opener on Linux")
	}
	dir := t.TempDir()
	opened := filepath.Join(dir, "opened")
	script := "#!/bin/sh\nprintf '%s\\n' \"$1\" > " + opened + ".tmp && mv " + opened + ".tmp " + opened + "\n"
	if err := os.WriteFile(filepath.Join(dir, "xdg-open"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	ctx, cancel := context.WithCancelCause(context.Background())
	defer cancel(nil)
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"web", "--listen", "127.0.0.1:0"}, strings.NewReader(""), pw, io.Discard)
		pw.Close()
	}()
	url, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the URL from qrtc web: %v", err)
	}
	go io.Copy(io.Discard, pr)
	var got []byte
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if got, err = os.ReadFile(opened); err == nil {
			break
		}
	}
	if string(got) != url {
		t.Errorf("qrtc web printed %q and opened %q (%v), want the same", url, got, err)
	}
	cancel(errInterrupted)
	if err := <-done; !errors.Is(err, errInterrupted) {
		t.Errorf("qrtc web after interruption returned %v, want errInterrupted", err)
	}
}
