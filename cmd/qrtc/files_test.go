package main

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/qrtc/qrtc/internal/netns"
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

// treeOf lists the names beneath dir, for messages and checks.
func treeOf(t *testing.T, dir string) []string {
	t.Helper()
	var names []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if rel, _ := filepath.Rel(dir, p); err == nil && rel != "." {
			names = append(names, rel)
		}
		return nil
	})
	return names
}

// TestFilesDeclined answers n at the [Y/n] question on a terminal: both
// sides exit 1 and nothing is written.
func TestFilesDeclined(t *testing.T) {
	t.Parallel()
	src, dst := t.TempDir(), t.TempDir()
	writeTestFile(t, filepath.Join(src, "secret.txt"), []byte("no thanks"), 0o644)
	sender := startQRTC(t, "send", nil, append(sessionCmd("send"), filepath.Join(src, "secret.txt"))...)
	master, terminal := openPTY(t)
	receiver := startProc(t, "receive", nil, terminal, master, sessionCmd("receive", "--out", dst, sender.token())...)
	sender.write(receiver.token() + "\n")
	receiver.waitStderr(regexp.MustCompile(`^  secret\.txt \(9 B\)$`))
	receiver.waitStderr(regexp.MustCompile(`^Accept\? \[Y/n\]$`))
	receiver.write("maybe\n")
	receiver.waitStderr(regexp.MustCompile(`^Please answer y or n\.$`))
	receiver.write("n\n")
	receiver.wantExit(1, "declined", "nothing was transferred")
	sender.wantExit(1, "declined", "said no")
	if names := treeOf(t, dst); len(names) != 0 {
		t.Errorf("a declined transfer wrote %q", names)
	}
}

// TestFilesExisting sends a file that exists at the receiver, which has no
// --overwrite: it is kept, the other file arrives, and both sides say so
// with numbers and exit 1 (the question is answered on a pipe). Then again
// with --overwrite: it is replaced.
func TestFilesExisting(t *testing.T) {
	t.Parallel()
	src, dst := t.TempDir(), t.TempDir()
	writeTestFile(t, filepath.Join(src, "report.txt"), []byte("new report"), 0o644)
	writeTestFile(t, filepath.Join(src, "other.txt"), []byte("other"), 0o644)
	writeTestFile(t, filepath.Join(dst, "report.txt"), []byte("old report"), 0o600)
	sender, receiver := startFiles(t, []string{filepath.Join(src, "report.txt"), filepath.Join(src, "other.txt")}, []string{"--out", dst})
	receiver.waitStderr(regexp.MustCompile(`^  refused "report\.txt": a file of that name exists \(--overwrite replaces it\)$`))
	receiver.write("y\n")
	receiver.wantExit(1, "not everything was delivered", "1 of 2 files delivered")
	sender.wantExit(1, "not everything was delivered", "1 of 2 files delivered")
	sender.waitStderr(regexp.MustCompile(`^  not delivered: "report\.txt": the receiver refused it: a file of that name exists`))
	if b, _ := os.ReadFile(filepath.Join(dst, "report.txt")); string(b) != "old report" {
		t.Errorf("the existing file holds %q after the transfer", b)
	}
	if names := treeOf(t, dst); strings.Join(names, ",") != "other.txt,report.txt" {
		t.Errorf("the folder holds %q, want other.txt and report.txt", names)
	}

	// With --overwrite the new report replaces the old one.
	sender, receiver = startFiles(t, []string{filepath.Join(src, "report.txt")}, []string{"--yes", "--overwrite", "--out", dst})
	sender.wantExit(0)
	receiver.wantExit(0)
	if b, _ := os.ReadFile(filepath.Join(dst, "report.txt")); string(b) != "new report" {
		t.Errorf("with --overwrite the file holds %q", b)
	}
	if fi, err := os.Stat(filepath.Join(dst, "report.txt")); err != nil {
		t.Errorf("with --overwrite: %v", err)
	} else if fi.Mode().Perm() != 0o644 {
		t.Errorf("with --overwrite the file has mode %v, want 0644", fi.Mode())
	}
}

// waitSize waits until the file at path holds at least n bytes.
func waitSize(t *testing.T, path string, n int64) {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for {
		if fi, err := os.Stat(path); err == nil && fi.Size() >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not reach %d bytes within %s", path, n, waitLimit)
		}
		time.Sleep(10 * time.Millisecond) // polls the file system, which sends no signal
	}
}

// TestFilesResume kills the receiver at 40% of a large file, then runs both
// sides again with --resume: only the rest is sent, and the whole file is
// checked by SHA-256.
func TestFilesResume(t *testing.T) {
	t.Parallel()
	src, dst := t.TempDir(), t.TempDir()
	const size = 48 << 20
	data := randomData(t, size)
	writeTestFile(t, filepath.Join(src, "d", "small"), []byte("done before the cut"), 0o644)
	writeTestFile(t, filepath.Join(src, "d", "z-big.bin"), data, 0o755)
	part := filepath.Join(dst, "d", ".z-big.bin.qrtc-part")

	sender, receiver := startFiles(t, []string{filepath.Join(src, "d")}, []string{"--yes", "--out", dst})
	waitSize(t, part, size*4/10)
	receiver.kill()
	receiver.wait(waitLimit)
	sender.wantExit(1, "vanished", "1 of 2 files delivered", "--resume")
	fi, err := os.Stat(part)
	if err != nil {
		t.Fatalf("the temporary file is gone after the receiver was killed: %v", err)
	}
	kept := fi.Size()
	t.Logf("the receiver was killed with %d of %d bytes in %s", kept, size, part)
	if _, err := os.Stat(filepath.Join(dst, "d", "z-big.bin")); err == nil {
		t.Fatalf("the cut file is in place")
	}

	resumeFiles(t, filepath.Join(src, "d"), filepath.Join(dst, "d"), part, size-kept)
}

// resumeFiles runs both sides again, the receiver with --resume, after a
// transfer of path into the folder that holds got was cut with missing
// bytes not yet in the temporary file part: everything arrives and
// matches, part is gone, and the sender moved little more than what was
// missing (plus the chunks that were on their way when the cut came).
func resumeFiles(t *testing.T, path, got, part string, missing int64) {
	t.Helper()
	sender, receiver := startFiles(t, []string{path}, []string{"--yes", "--resume", "--out", filepath.Dir(got)})
	sender.wantExit(0)
	receiver.wantExit(0)
	line := sender.waitStderr(regexp.MustCompile(`^sent \d+ of \d+ files, \d+ of \d+ entries, .* \(.* were already there\) in`))
	t.Logf("resumed: %s", line)
	sameFiles(t, path, got)
	if _, err := os.Stat(part); err == nil {
		t.Errorf("the temporary file is left behind after the resumed transfer")
	}
	m := regexp.MustCompile(`, ([0-9.]+) MB of [0-9.]+ MB \(`).FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("cannot read the bytes moved from %q", line)
	}
	if moved, _ := strconv.ParseFloat(m[1], 64); moved*1e6 > float64(missing)+2e6 {
		t.Errorf("the resumed transfer moved %s MB; %d bytes were missing", m[1], missing)
	}
}

// bigSize is the size of the file that startBig sends.
const bigSize = 48 << 20

// startBig starts sending big.bin, bigSize random bytes, from the new
// folder src into the new folder dst, and waits until the receiver's
// temporary file part holds at least cutAt bytes: the moment to cut.
func startBig(t *testing.T, cutAt int64) (sender, receiver *proc, src, dst, part string) {
	t.Helper()
	src, dst = t.TempDir(), t.TempDir()
	writeTestFile(t, filepath.Join(src, "big.bin"), randomData(t, bigSize), 0o644)
	sender, receiver = startFiles(t, []string{filepath.Join(src, "big.bin")}, []string{"--yes", "--out", dst})
	part = filepath.Join(dst, ".big.bin.qrtc-part")
	waitSize(t, part, cutAt)
	return sender, receiver, src, dst, part
}

// resumeBig checks that the cut transfer of startBig kept its temporary
// file part and runs both sides again with --resume (see resumeFiles).
func resumeBig(t *testing.T, src, dst, part string) {
	t.Helper()
	fi, err := os.Stat(part)
	if err != nil {
		t.Fatalf("the temporary file is gone: %v", err)
	}
	resumeFiles(t, filepath.Join(src, "big.bin"), filepath.Join(dst, "big.bin"), part, bigSize-fi.Size())
}

// TestFilesSenderKilled kills the sender in the middle: the receiver says
// how much arrived, exits 1, keeps the temporary file for --resume and puts
// nothing unverified in place; both sides run again with --resume.
func TestFilesSenderKilled(t *testing.T) {
	t.Parallel()
	sender, receiver, src, dst, part := startBig(t, bigSize*4/10)
	sender.kill()
	receiver.wantExit(1, "vanished", "0 of 1 files delivered", "--resume")
	if names := treeOf(t, dst); len(names) != 1 {
		t.Errorf("the folder holds %q, want only the temporary file", names)
	}
	resumeBig(t, src, dst, part)
}

// TestFilesNetworkLost stops the sender (SIGSTOP) in the middle: to the
// receiver that is a lost network, nothing arrives and nothing answers. It
// gives up, says how much arrived and keeps it; the sender, let go on
// after that, finds the other side gone. Both run again with --resume.
func TestFilesNetworkLost(t *testing.T) {
	t.Parallel()
	sender, receiver, src, dst, part := startBig(t, bigSize*4/10)
	if err := syscall.Kill(sender.cmd.Process.Pid, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	receiver.wantExit(1, "vanished", "0 of 1 files delivered", "--resume")
	if err := syscall.Kill(sender.cmd.Process.Pid, syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	sender.wantExit(1, "0 of 1 files delivered", "--resume")
	resumeBig(t, src, dst, part)
}

// TestFilesMany sends 10,000 small files in 100 folders.
func TestFilesMany(t *testing.T) {
	t.Parallel()
	src, dst := t.TempDir(), t.TempDir()
	tree := filepath.Join(src, "many")
	for d := 0; d < 100; d++ {
		dir := filepath.Join(tree, fmt.Sprintf("dir%03d", d))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for f := 0; f < 100; f++ {
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("file%03d.txt", f)), []byte(fmt.Sprintf("file %d of folder %d\n", f, d)), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	start := time.Now()
	sender, receiver := startFiles(t, []string{tree}, []string{"--yes", "--out", dst})
	sender.wantExit(0)
	receiver.wantExit(0)
	t.Logf("10,000 files: %s from start to exit; %s", time.Since(start).Round(10*time.Millisecond),
		sender.waitStderr(regexp.MustCompile(`^sent 10000 of 10000 files, 10101 of 10101 entries`)))
	sameFiles(t, tree, filepath.Join(dst, "many"))
}

// TestFilesLarge sends one large file and checks its SHA-256: 1 GiB with
// QRTC_LONG=1, 256 MiB otherwise (CI time on 2 cores), QRTC_LARGE_MIB
// mebibytes when set (README's 4 GiB run). It logs the peak memory (RSS)
// of both processes.
func TestFilesLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("moves 256 MiB; skipped with -short")
	}
	t.Parallel()
	size := int64(256 << 20)
	if os.Getenv("QRTC_LONG") == "1" {
		size = 1 << 30
	}
	if mib, err := strconv.Atoi(os.Getenv("QRTC_LARGE_MIB")); err == nil && mib > 0 {
		size = int64(mib) << 20
	}
	src, dst := t.TempDir(), t.TempDir()
	f, err := os.Create(filepath.Join(src, "large.bin"))
	if err != nil {
		t.Fatal(err)
	}
	want := sha256.New()
	if _, err := io.CopyN(io.MultiWriter(f, want), rand.Reader, size); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	sender, receiver := startFiles(t, []string{filepath.Join(src, "large.bin")}, []string{"--yes", "--out", dst})
	senderRSS, receiverRSS := peakRSS(sender), peakRSS(receiver)
	sender.wantExitWithin(10*time.Minute, 0)
	receiver.wantExitWithin(time.Minute, 0)
	t.Logf("%d MiB: %s from start to exit; %s; peak RSS: sender %d MiB, receiver %d MiB", size>>20, time.Since(start).Round(10*time.Millisecond),
		sender.waitStderr(regexp.MustCompile(`^sent 1 of 1 files`)), senderRSS()>>20, receiverRSS()>>20)
	g, err := os.Open(filepath.Join(dst, "large.bin"))
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	got := sha256.New()
	if _, err := io.Copy(got, g); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Sum(nil), want.Sum(nil)) {
		t.Fatalf("the received file's SHA-256 is %x, want %x", got.Sum(nil), want.Sum(nil))
	}
}

// smallDisk mounts a file system of about 8 MB (ext4 in a file, on a loop
// device) on a new folder and unmounts it when the test ends. It skips,
// or fails under QRTC_REQUIRE_LAB, without root or mkfs.ext4.
func smallDisk(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	img, mnt := filepath.Join(dir, "disk.img"), filepath.Join(dir, "mnt")
	if os.Geteuid() != 0 {
		netns.SkipUnlessRequired(t, fmt.Errorf("mounting a small file system needs root"))
	}
	if _, err := exec.LookPath("mkfs.ext4"); err != nil {
		netns.SkipUnlessRequired(t, fmt.Errorf("mkfs.ext4 is not installed (apt-get install e2fsprogs)"))
	}
	if err := os.Mkdir(mnt, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, argv := range [][]string{
		{"truncate", "-s", "8M", img},
		{"mkfs.ext4", "-q", "-m", "0", "-F", img},
		{"mount", "-o", "loop", img, mnt},
	} {
		if out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput(); err != nil {
			netns.SkipUnlessRequired(t, fmt.Errorf("%q: %v: %s", argv, err, out))
		}
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", mnt).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", mnt, err, out)
		}
	})
	os.RemoveAll(filepath.Join(mnt, "lost+found"))
	return mnt
}

// TestFilesDiskFull offers more than the receiver's disk holds: it
// declines before writing. Then it fills the disk while a transfer that
// fitted is running: the receiver stops with a clear error.
func TestFilesDiskFull(t *testing.T) {
	t.Parallel()
	mnt := smallDisk(t)
	src := t.TempDir()
	writeTestFile(t, filepath.Join(src, "too-big.bin"), randomData(t, 12<<20), 0o644)
	sender, receiver := startFiles(t, []string{filepath.Join(src, "too-big.bin")}, []string{"--yes", "--out", mnt})
	receiver.wantExit(1, "not enough free space", "12582912 bytes needed")
	sender.wantExit(1, "declined", "not enough free space")
	if names := treeOf(t, mnt); len(names) != 0 {
		t.Errorf("a transfer refused for space wrote %q", names)
	}

	// 4 MB fit; a file written beside them takes the room while they come.
	writeTestFile(t, filepath.Join(src, "fits.bin"), randomData(t, 4<<20), 0o644)
	sender, receiver = startFiles(t, []string{filepath.Join(src, "fits.bin")}, []string{"--yes", "--out", mnt})
	receiver.waitStderr(regexp.MustCompile(`^Accepted \(--yes\)\.$`))
	filler, err := os.Create(filepath.Join(mnt, "filler"))
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(filler, io.LimitReader(zeros{}, 8<<20)) // stops at ENOSPC
	filler.Close()
	receiver.wantExit(1, "the disk filled up")
	sender.wantExit(1, "the other side stopped", "the disk filled up")
	if _, err := os.Stat(filepath.Join(mnt, "fits.bin")); err == nil {
		t.Errorf("a file that did not fit is in place")
	}
}

// zeros reads as an endless stream of zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// vmHWM finds the peak resident memory in /proc/PID/status.
var vmHWM = regexp.MustCompile(`(?m)^VmHWM:\s+(\d+) kB$`)

// peakRSS follows the peak resident memory of a running process (VmHWM
// in /proc/PID/status, read every 50 ms until it exits) and returns a
// function that gives it in bytes once the process has exited, or -1
// when it could not be read. Not the exited process's rusage: Linux
// counts in it the peak of the memory image exec replaced, which for a
// child of this (large, parallel) test process is the test's own memory.
func peakRSS(p *proc) func() int64 {
	var peak atomic.Int64
	peak.Store(-1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		status := fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid)
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			if b, err := os.ReadFile(status); err == nil {
				if m := vmHWM.FindSubmatch(b); m != nil {
					kb, _ := strconv.ParseInt(string(m[1]), 10, 64)
					peak.Store(max(peak.Load(), kb<<10))
				}
			}
			select {
			case <-p.exited:
				return
			case <-tick.C:
			}
		}
	}()
	return func() int64 {
		<-done
		return peak.Load()
	}
}

// TestFilesInterrupted presses Ctrl-C (SIGINT) at the receiver in the
// middle: it exits 130 saying how much arrived, keeps the temporary file
// for --resume, and the sender learns that the receiver left.
func TestFilesInterrupted(t *testing.T) {
	t.Parallel()
	sender, receiver, _, dst, part := startBig(t, bigSize/4)
	if err := syscall.Kill(receiver.cmd.Process.Pid, syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	receiver.wantExit(130, "interrupted", "0 of 1 files delivered", "--resume")
	sender.wantExit(1, "the receiver was interrupted", "0 of 1 files delivered", "--resume")
	if _, err := os.Stat(part); err != nil {
		t.Errorf("the temporary file is gone after Ctrl-C: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dst, "big.bin")); err == nil {
		t.Errorf("an unfinished file is in place")
	}
}

// TestFilesReceiverOffers swaps the roles: qrtc receive makes the offer and
// reads the answer from standard input, qrtc send --to answers it.
func TestFilesReceiverOffers(t *testing.T) {
	t.Parallel()
	src, dst := t.TempDir(), t.TempDir()
	writeTestFile(t, filepath.Join(src, "d", "tool"), []byte("#!/bin/sh\n"), 0o755)
	writeTestFile(t, filepath.Join(src, "d", "empty"), nil, 0o644)
	receiver := startQRTC(t, "receive", nil, sessionCmd("receive", "--out", dst)...)
	sender := startQRTC(t, "send", nil, sessionCmd("send", "--to", receiver.token(), filepath.Join(src, "d"))...)
	receiver.write(sender.token() + "\n")
	wantSamePhrase(t, receiver, sender)
	receiver.waitStderr(regexp.MustCompile(`^Accept\? \[Y/n\]$`))
	receiver.write("\n") // Enter: yes
	sender.wantExit(0)
	receiver.wantExit(0)
	sameFiles(t, filepath.Join(src, "d"), filepath.Join(dst, "d"))
}

// TestFilesWithAChat pairs file commands with chats: qrtc receive or qrtc
// send --to given the offer of qrtc offer, and qrtc answer given the offer
// of qrtc send or qrtc receive. The side that answers says at once what
// the other side runs and what to run instead, rather than waiting for
// files or lines that never come.
func TestFilesWithAChat(t *testing.T) {
	t.Parallel()
	for _, answerer := range []string{"receive", "send"} {
		t.Run(answerer+" answers a chat", func(t *testing.T) {
			t.Parallel()
			chat := startQRTC(t, "offer", nil, sessionCmd("offer")...)
			offer := chat.token()
			args, instead := []string{"--yes", "--out", t.TempDir(), offer}, "run qrtc send PATH... there"
			if answerer == "send" {
				args, instead = []string{"--to", offer, t.TempDir()}, "run qrtc receive there"
			}
			files := startQRTC(t, answerer, nil, sessionCmd(answerer, args...)...)
			chat.write(files.token() + "\n")
			files.wantExit(2, `runs "qrtc offer", a chat`, instead)
			chat.wantExit(1)
		})
	}
	for _, offerer := range []string{"send", "receive"} {
		t.Run("a chat answers "+offerer, func(t *testing.T) {
			t.Parallel()
			args := []string{"--out", t.TempDir()}
			if offerer == "send" {
				args = []string{t.TempDir()}
			}
			files := startQRTC(t, offerer, nil, sessionCmd(offerer, args...)...)
			chat := startQRTC(t, "answer", nil, sessionCmd("answer", files.token())...)
			files.write(chat.token() + "\n")
			chat.wantExit(2, `runs "qrtc send" or "qrtc receive", which move files`, "qrtc receive OFFER", "qrtc send --to OFFER")
			files.wantExit(1)
		})
	}
}
