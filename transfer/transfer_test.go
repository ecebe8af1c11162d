package transfer

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// testLimit bounds every transfer of the tests so that a broken protocol
// fails a test instead of hanging it. It is not a speed assertion.
const testLimit = 2 * time.Minute

// result is what one side of a transfer returned.
type result struct {
	rep *Report
	err error
}

// transferPipe runs Send and Receive over an in-memory pipe.
func transferPipe(t *testing.T, paths []string, ropt ReceiveOptions, sopt SendOptions) (sent, recv result) {
	t.Helper()
	src, err := Scan(paths)
	if err != nil {
		t.Fatalf("Scan(%q): %v", paths, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), testLimit)
	defer cancel()
	a, b := newPipe()
	done := make(chan result, 1)
	go func() {
		rep, err := Receive(ctx, b, ropt)
		done <- result{rep, err}
	}()
	rep, err := Send(ctx, a, src, sopt)
	sent = result{rep, err}
	recv = <-done
	return sent, recv
}

// writeFile creates a file with its folders.
func writeFile(t *testing.T, name string, data []byte, mode fs.FileMode) {
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

func randomBytes(t testing.TB, n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

// makeTree builds the test tree under dir/top and returns its path.
func makeTree(t *testing.T, dir string) string {
	top := filepath.Join(dir, "top")
	writeFile(t, filepath.Join(top, "empty"), nil, 0o644)
	writeFile(t, filepath.Join(top, "big.bin"), randomBytes(t, 3<<20+17), 0o644)
	writeFile(t, filepath.Join(top, "grüße", "日本語 ✓.txt"), []byte("unicode\n"), 0o600)
	writeFile(t, filepath.Join(top, "run.sh"), []byte("#!/bin/sh\necho hi\n"), 0o755)
	writeFile(t, filepath.Join(top, "sub", "deeper", "x"), []byte("x"), 0o644)
	writeFile(t, filepath.Join(top, "sub", "deeper", "empty2"), nil, 0o644)
	if err := os.MkdirAll(filepath.Join(top, "emptydir"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("sub/deeper/x", filepath.Join(top, "link")); err != nil {
		t.Fatal(err)
	}
	return top
}

// sameTree fails unless got holds what want holds: the same names, bytes,
// executable bits and link targets.
func sameTree(t *testing.T, want, got string) {
	t.Helper()
	seen := map[string]bool{}
	err := filepath.WalkDir(want, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(want, p)
		seen[rel] = true
		q := filepath.Join(got, rel)
		wi, _ := os.Lstat(p)
		gi, err := os.Lstat(q)
		if err != nil {
			t.Errorf("%s: missing at the receiver: %v", rel, err)
			return nil
		}
		switch {
		case wi.Mode()&fs.ModeSymlink != 0:
			wt, _ := os.Readlink(p)
			gt, err := os.Readlink(q)
			if err != nil || gt != wt {
				t.Errorf("%s: link to %q, want %q (%v)", rel, gt, wt, err)
			}
		case wi.IsDir():
			if !gi.IsDir() {
				t.Errorf("%s: not a folder at the receiver", rel)
			}
		default:
			wb, _ := os.ReadFile(p)
			gb, err := os.ReadFile(q)
			if err != nil || !bytes.Equal(wb, gb) {
				t.Errorf("%s: %d bytes at the receiver differ from the %d sent (%v)", rel, len(gb), len(wb), err)
			}
			wantMode := fs.FileMode(0o644)
			if wi.Mode()&0o100 != 0 {
				wantMode = 0o755
			}
			if gi.Mode().Perm() != wantMode {
				t.Errorf("%s: mode %v, want %v", rel, gi.Mode().Perm(), wantMode)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	filepath.WalkDir(got, func(p string, d fs.DirEntry, err error) error {
		rel, _ := filepath.Rel(got, p)
		if err == nil && !seen[rel] {
			t.Errorf("%s: at the receiver but not sent", rel)
		}
		return nil
	})
}

func TestTree(t *testing.T) {
	dir := t.TempDir()
	top := makeTree(t, dir)
	writeFile(t, filepath.Join(dir, "single.txt"), []byte("one file\n"), 0o644)
	dst := t.TempDir()
	sent, recv := transferPipe(t, []string{top, filepath.Join(dir, "single.txt")}, ReceiveOptions{Dir: dst}, SendOptions{ChunkSize: 1000})
	if sent.err != nil || recv.err != nil {
		t.Fatalf("Send: %v; Receive: %v", sent.err, recv.err)
	}
	sameTree(t, top, filepath.Join(dst, "top"))
	if b, _ := os.ReadFile(filepath.Join(dst, "single.txt")); string(b) != "one file\n" {
		t.Errorf("single.txt holds %q", b)
	}
	for _, r := range []*Report{sent.rep, recv.rep} {
		if !r.Complete() || r.Entries != 13 || r.Files != 7 || r.DeliveredFiles != 7 || r.Moved != r.Total {
			t.Errorf("report %+v, want 13 entries and 7 files delivered, all bytes moved", *r)
		}
	}
}

func TestDeclined(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "f"), []byte("data"), 0o644)
	dst := t.TempDir()
	var offered *Offer
	sent, recv := transferPipe(t, []string{filepath.Join(dir, "f")}, ReceiveOptions{Dir: dst, Decide: func(_ context.Context, o *Offer) (bool, error) {
		offered = o
		return false, nil
	}}, SendOptions{})
	if !errors.Is(sent.err, ErrDeclined) || !errors.Is(recv.err, ErrDeclined) {
		t.Fatalf("Send: %v; Receive: %v; want ErrDeclined on both sides", sent.err, recv.err)
	}
	if offered == nil || offered.Files != 1 || offered.Total != 4 || offered.Needed != 4 {
		t.Errorf("Decide saw %+v, want 1 file of 4 bytes", offered)
	}
	if list, _ := os.ReadDir(dst); len(list) != 0 {
		t.Errorf("a declined transfer wrote %d entries", len(list))
	}
}

func TestExistingFile(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "f"), []byte("new content"), 0o644)
	writeFile(t, filepath.Join(dir, "g"), []byte("other"), 0o644)
	dst := t.TempDir()
	writeFile(t, filepath.Join(dst, "f"), []byte("old"), 0o644)
	paths := []string{filepath.Join(dir, "f"), filepath.Join(dir, "g")}
	sent, recv := transferPipe(t, paths, ReceiveOptions{Dir: dst}, SendOptions{})
	if !errors.Is(sent.err, ErrIncomplete) || !errors.Is(recv.err, ErrIncomplete) {
		t.Fatalf("Send: %v; Receive: %v; want ErrIncomplete", sent.err, recv.err)
	}
	if b, _ := os.ReadFile(filepath.Join(dst, "f")); string(b) != "old" {
		t.Errorf("the existing file was replaced without Overwrite: %q", b)
	}
	if b, _ := os.ReadFile(filepath.Join(dst, "g")); string(b) != "other" {
		t.Errorf("g: %q", b)
	}
	if len(sent.rep.Problems) != 1 || !strings.Contains(sent.rep.Problems[0].Reason, "exists") || sent.rep.DeliveredFiles != 1 {
		t.Errorf("sender's report %+v: want f refused as existing, g delivered", *sent.rep)
	}
	sent, recv = transferPipe(t, paths, ReceiveOptions{Dir: dst, Overwrite: true}, SendOptions{})
	if sent.err != nil || recv.err != nil {
		t.Fatalf("with Overwrite: Send: %v; Receive: %v", sent.err, recv.err)
	}
	if b, _ := os.ReadFile(filepath.Join(dst, "f")); string(b) != "new content" {
		t.Errorf("with Overwrite, f holds %q", b)
	}
}

// cutConn ends the sending direction after n DATA messages have passed through Send.
type cutConn struct {
	*pipeConn
	n int
}

func (c *cutConn) Send(ctx context.Context, msg []byte) error {
	if len(msg) > 0 && msg[0] == typeData {
		if c.n == 0 {
			c.closeWrite()
			return errPipeClosed
		}
		c.n--
	}
	return c.pipeConn.Send(ctx, msg)
}

func TestResume(t *testing.T) {
	dir := t.TempDir()
	first := randomBytes(t, 100<<10)
	big := randomBytes(t, 1<<20)
	writeFile(t, filepath.Join(dir, "d", "a-first"), first, 0o644)
	writeFile(t, filepath.Join(dir, "d", "b-big"), big, 0o755)
	writeFile(t, filepath.Join(dir, "d", "c-last"), []byte("last"), 0o644)
	dst := t.TempDir()
	src, err := Scan([]string{filepath.Join(dir, "d")})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), testLimit)
	defer cancel()
	a, b := newPipe()
	done := make(chan error, 1)
	go func() {
		_, err := Receive(ctx, b, ReceiveOptions{Dir: dst})
		done <- err
	}()
	// a-first is 4 chunks of 32 KiB; cut after 4 + 14 chunks, 40% into b-big.
	_, serr := Send(ctx, &cutConn{a, 18}, src, SendOptions{ChunkSize: 32 << 10})
	rerr := <-done
	if serr == nil || rerr == nil {
		t.Fatalf("a cut transfer: Send: %v; Receive: %v; want errors", serr, rerr)
	}
	part, err := os.ReadFile(filepath.Join(dst, "d", ".b-big"+partSuffix))
	if err != nil || len(part) != 14*32<<10 || !bytes.Equal(part, big[:len(part)]) {
		t.Fatalf("after the cut the temporary file holds %d bytes (%v), want the first %d", len(part), err, 14*32<<10)
	}
	if _, err := os.Stat(filepath.Join(dst, "d", "b-big")); err == nil {
		t.Fatalf("a cut file is in place")
	}
	// Without Resume the receiver is told that an unfinished file is here.
	var unfinished int
	_, recv := transferPipe(t, []string{filepath.Join(dir, "d")}, ReceiveOptions{Dir: dst, Decide: func(_ context.Context, o *Offer) (bool, error) {
		unfinished = o.Unfinished
		return false, nil
	}}, SendOptions{})
	if !errors.Is(recv.err, ErrDeclined) || unfinished != 1 {
		t.Fatalf("declined: %v, %d unfinished files offered; want ErrDeclined and 1", recv.err, unfinished)
	}
	sent, recv := transferPipe(t, []string{filepath.Join(dir, "d")}, ReceiveOptions{Dir: dst, Resume: true}, SendOptions{ChunkSize: 32 << 10})
	if sent.err != nil || recv.err != nil {
		t.Fatalf("resumed: Send: %v; Receive: %v", sent.err, recv.err)
	}
	sameTree(t, filepath.Join(dir, "d"), filepath.Join(dst, "d"))
	wantPresent := int64(len(first) + len(part))
	if sent.rep.Present != wantPresent || sent.rep.Moved != src.Total-wantPresent || recv.rep.Moved != sent.rep.Moved {
		t.Errorf("resumed: sender moved %d and found %d present, receiver moved %d; want %d moved, %d present",
			sent.rep.Moved, sent.rep.Present, recv.rep.Moved, src.Total-wantPresent, wantPresent)
	}
}

func TestResumeWithChangedPrefix(t *testing.T) {
	dir := t.TempDir()
	data := randomBytes(t, 200<<10)
	writeFile(t, filepath.Join(dir, "f"), data, 0o644)
	dst := t.TempDir()
	bad := append([]byte(nil), data[:50<<10]...)
	bad[1000] ^= 1
	writeFile(t, filepath.Join(dst, "."+"f"+partSuffix), bad, 0o600)
	sent, recv := transferPipe(t, []string{filepath.Join(dir, "f")}, ReceiveOptions{Dir: dst, Resume: true}, SendOptions{})
	if sent.err != nil || recv.err != nil {
		t.Fatalf("Send: %v; Receive: %v", sent.err, recv.err)
	}
	if got, _ := os.ReadFile(filepath.Join(dst, "f")); !bytes.Equal(got, data) {
		t.Fatalf("the file differs after resuming from a damaged prefix")
	}
	if sent.rep.Moved != int64(len(data)) {
		t.Errorf("moved %d bytes, want all %d: the prefix was damaged", sent.rep.Moved, len(data))
	}
	if _, err := os.Stat(filepath.Join(dst, ".f"+partSuffix)); err == nil {
		t.Errorf("the temporary file is left behind")
	}
}

func TestScanRefuses(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "a", "x"), nil, 0o644)
	writeFile(t, filepath.Join(dir, "b", "x"), nil, 0o644)
	for _, paths := range [][]string{
		{filepath.Join(dir, "missing")},
		{filepath.Join(dir, "a", "x"), filepath.Join(dir, "b", "x")},
		{"/"},
	} {
		if _, err := Scan(paths); !errors.Is(err, ErrSource) {
			t.Errorf("Scan(%q) = %v, want ErrSource", paths, err)
		}
	}
	if runtime.GOOS == "linux" {
		if _, err := Scan([]string{"/dev/null"}); !errors.Is(err, ErrSource) {
			t.Errorf("Scan(/dev/null) = %v, want ErrSource", err)
		}
	}
}
