package main

import (
	"bytes"
	"crypto/rand"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// startFiles starts qrtc send (which offers) with sendArgs and qrtc
// receive (which answers) with recvArgs, and brings the answer back.
func startFiles(t *testing.T, sendArgs, recvArgs []string) (sender, receiver *proc) {
	t.Helper()
	sender = startQRTC(t, "send", nil, append(sessionCmd("send"), sendArgs...)...)
	tok := sender.token()
	receiver = startQRTC(t, "receive", nil, append(sessionCmd("receive", tok), recvArgs...)...)
	sender.write(receiver.token() + "\n")
	wantSamePhrase(t, sender, receiver)
	return sender, receiver
}

// writeTestFile creates a file with its folders and exactly this mode.
func writeTestFile(t *testing.T, name string, data []byte, mode fs.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, data, mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(name, mode); err != nil {
		t.Fatal(err)
	}
}

func randomData(t testing.TB, n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

// sameFiles fails unless got holds exactly what want holds: names, bytes,
// link targets, and mode 0755 for files executable at the sender, 0644 for
// the others.
func sameFiles(t *testing.T, want, got string) {
	t.Helper()
	seen := map[string]bool{}
	err := filepath.WalkDir(want, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(want, p)
		seen[rel] = true
		wi, _ := os.Lstat(p)
		gi, err := os.Lstat(filepath.Join(got, rel))
		switch {
		case err != nil:
			t.Errorf("%s: missing at the receiver: %v", rel, err)
		case wi.Mode()&fs.ModeSymlink != 0:
			wt, _ := os.Readlink(p)
			if gt, err := os.Readlink(filepath.Join(got, rel)); gt != wt {
				t.Errorf("%s: a link to %q (%v), want %q", rel, gt, err, wt)
			}
		case wi.IsDir():
			if !gi.IsDir() {
				t.Errorf("%s: not a folder at the receiver", rel)
			}
		default:
			wb, _ := os.ReadFile(p)
			gb, _ := os.ReadFile(filepath.Join(got, rel))
			if !bytes.Equal(wb, gb) {
				t.Errorf("%s: %d bytes arrived, they differ from the %d sent", rel, len(gb), len(wb))
			}
			mode := fs.FileMode(0o644)
			if wi.Mode()&0o100 != 0 {
				mode = 0o755
			}
			if gi.Mode().Perm() != mode {
				t.Errorf("%s: mode %v, want %v", rel, gi.Mode().Perm(), mode)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	filepath.WalkDir(got, func(p string, d fs.DirEntry, err error) error {
		if rel, _ := filepath.Rel(got, p); err == nil && !seen[rel] {
			t.Errorf("%s: at the receiver but never sent", rel)
		}
		return nil
	})
}

// TestFilesTree sends a folder tree (empty files, a large file, unicode
// names, an executable, an empty folder, a link) and a single file.
func TestFilesTree(t *testing.T) {
	t.Parallel()
	src, dst := t.TempDir(), t.TempDir()
	tree := filepath.Join(src, "tree")
	writeTestFile(t, filepath.Join(tree, "empty"), nil, 0o644)
	writeTestFile(t, filepath.Join(tree, "large.bin"), randomData(t, 24<<20+3), 0o644)
	writeTestFile(t, filepath.Join(tree, "grüße", "日本語 ✓ ñ.txt"), []byte("unicode\n"), 0o600)
	writeTestFile(t, filepath.Join(tree, "bin", "run.sh"), []byte("#!/bin/sh\necho hi\n"), 0o755)
	writeTestFile(t, filepath.Join(tree, "a", "b", "c", "empty too"), nil, 0o644)
	os.MkdirAll(filepath.Join(tree, "empty folder"), 0o755)
	os.Symlink("bin/run.sh", filepath.Join(tree, "run"))
	writeTestFile(t, filepath.Join(src, "single.txt"), []byte("one\n"), 0o644)

	dst = filepath.Join(dst, "in")
	os.Mkdir(dst, 0o755)
	sender, receiver := startFiles(t, []string{tree, filepath.Join(src, "single.txt")}, []string{"--yes", "--out", dst})
	sender.wantExit(0)
	receiver.wantExit(0)
	sameFiles(t, tree, filepath.Join(dst, "tree"))
	if b, _ := os.ReadFile(filepath.Join(dst, "single.txt")); string(b) != "one\n" {
		t.Errorf("single.txt holds %q", b)
	}
	for _, p := range []*proc{sender, receiver} {
		p.waitStderr(regexp.MustCompile(`^(sent|received) 6 of 6 files, 14 of 14 entries, 25\.2 MB of 25\.2 MB in .*, direct$`))
	}
}

func logStderr(t *testing.T, ps ...*proc) {
	for _, p := range ps {
		t.Logf("%s stderr:\n%s", p.name, strings.Join(p.stderr.all(), "\n"))
	}
}
