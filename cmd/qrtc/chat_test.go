package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/qrtc/qrtc/internal/netns"
)

// screenLog is everything a process wrote to its terminal, as the master
// side of the pseudo-terminal reads it.
type screenLog struct {
	mu      sync.Mutex
	buf     []byte
	changed chan struct{}
}

// wait waits for text matching re after byte offset from, and returns the
// offset just after the match.
func (s *screenLog) wait(t *testing.T, re *regexp.Regexp, from int) int {
	t.Helper()
	deadline := time.After(waitLimit)
	for {
		s.mu.Lock()
		text, ch := string(s.buf), s.changed
		s.mu.Unlock()
		if from > len(text) {
			from = len(text)
		}
		if loc := re.FindStringIndex(text[from:]); loc != nil {
			return from + loc[1]
		}
		select {
		case <-ch:
		case <-deadline:
			t.Fatalf("no %q on the screen after %s; the screen from byte %d:\n%q", re, waitLimit, from, text[from:])
		}
	}
}

func (s *screenLog) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return string(s.buf)
}

// ptyProc is a qrtc process whose standard input, output and error are one
// pseudo-terminal, as when a person runs it.
type ptyProc struct {
	t      *testing.T
	name   string
	cmd    *exec.Cmd
	master *os.File
	screen *screenLog
	exited chan struct{}
}

// startOnTerminal runs qrtc with args on a new pseudo-terminal, with
// NO_COLOR set.
func startOnTerminal(t *testing.T, name string, args ...string) *ptyProc {
	t.Helper()
	return startOnTerminalEnv(t, name, []string{"NO_COLOR=1"}, args...)
}

// startOnTerminalEnv is startOnTerminal with env added to the test's
// environment instead of NO_COLOR=1.
func startOnTerminalEnv(t *testing.T, name string, env []string, args ...string) *ptyProc {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		netns.SkipUnlessRequired(t, fmt.Errorf("no pseudo-terminals here (opening /dev/ptmx: %w)", err))
	}
	unlock := int32(0)
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, master.Fd(), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); errno != 0 {
		t.Fatalf("unlocking the pseudo-terminal: %v", errno)
	}
	var n uint32
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, master.Fd(), syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n))); errno != 0 {
		t.Fatalf("asking for the pseudo-terminal's number: %v", errno)
	}
	terminal, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatalf("opening /dev/pts/%d: %v", n, err)
	}
	size := struct{ rows, cols, x, y uint16 }{rows: 40, cols: 120}
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, master.Fd(), syscall.TIOCSWINSZ, uintptr(unsafe.Pointer(&size))); errno != 0 {
		t.Fatalf("setting the pseudo-terminal's size: %v", errno)
	}
	p := &ptyProc{t: t, name: name, cmd: exec.Command(qrtcBin, args...), master: master,
		screen: &screenLog{changed: make(chan struct{})}, exited: make(chan struct{})}
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.Stdin, p.cmd.Stdout, p.cmd.Stderr = terminal, terminal, terminal
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("starting %s %q: %v", qrtcBin, args, err)
	}
	terminal.Close()
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := master.Read(buf)
			p.screen.mu.Lock()
			p.screen.buf = append(p.screen.buf, buf[:n]...)
			close(p.screen.changed)
			p.screen.changed = make(chan struct{})
			p.screen.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	go func() {
		p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-p.exited:
		default:
			p.cmd.Process.Kill()
			<-p.exited
		}
		master.Close()
		if t.Failed() {
			t.Logf("%s screen:\n%s", p.name, p.screen.String())
			if dir := os.Getenv("QRTC_SCREEN_DIR"); dir != "" {
				os.WriteFile(filepath.Join(dir, p.name+".screen"), []byte(p.screen.String()), 0o644)
			}
		}
	})
	return p
}

// typeKeys types text at the terminal.
func (p *ptyProc) typeKeys(text string) {
	p.t.Helper()
	if _, err := p.master.WriteString(text); err != nil {
		p.t.Fatalf("%s: typing %q: %v", p.name, text, err)
	}
}

// wantExit waits for the process to exit with code want.
func (p *ptyProc) wantExit(want int) {
	p.t.Helper()
	select {
	case <-p.exited:
	case <-time.After(waitLimit):
		p.t.Fatalf("%s: still running after %s", p.name, waitLimit)
	}
	got := 0
	var ee *exec.ExitError
	if err := p.cmd.Wait(); errors.As(err, &ee) {
		got = ee.ExitCode()
	} else if p.cmd.ProcessState != nil {
		got = p.cmd.ProcessState.ExitCode()
	}
	if got != want {
		p.t.Fatalf("%s: exit code %d, want %d; screen:\n%s", p.name, got, want, p.screen.String())
	}
}

// terminalPair starts an offerer on a terminal and an answerer (on a
// terminal too when both is set, else with pipes), and connects them. The
// answer token is typed at the offerer's prompt, followed by typed, when
// typed is not empty: text typed while the session connects.
func terminalPair(t *testing.T, both bool, typed string, offerArgs ...string) (*ptyProc, *ptyProc, *proc) {
	t.Helper()
	dir := t.TempDir()
	offerFile, answerFile := filepath.Join(dir, "offer"), filepath.Join(dir, "answer")
	offerer := startOnTerminal(t, "offer", append(sessionCmd("offer", "--token-out", offerFile), offerArgs...)...)
	offerer.screen.wait(t, regexp.MustCompile(`Paste the answer`), 0)
	offerTok, err := os.ReadFile(offerFile)
	if err != nil {
		t.Fatal(err)
	}
	args := sessionCmd("answer", "--token-out", answerFile, strings.TrimSpace(string(offerTok)))
	var ptyAnswerer *ptyProc
	var pipeAnswerer *proc
	if both {
		ptyAnswerer = startOnTerminal(t, "answer", args...)
		ptyAnswerer.screen.wait(t, regexp.MustCompile(`is your answer`), 0)
	} else {
		pipeAnswerer = startQRTC(t, "answer", nil, args...)
		pipeAnswerer.waitStderr(regexp.MustCompile(`^This is your answer`))
	}
	answerTok, err := os.ReadFile(answerFile)
	if err != nil {
		t.Fatal(err)
	}
	offerer.typeKeys(strings.TrimSpace(string(answerTok)) + "\r" + typed)
	offerer.screen.wait(t, regexp.MustCompile(`connected; verification phrase`), 0)
	return offerer, ptyAnswerer, pipeAnswerer
}

// TestChatOnTerminals: both people at terminals. Text typed while the
// session connects is held on the input line, not sent; received lines are
// marked as the other side's; a message that arrives while a line is being
// typed is written above it and the line is drawn again; Ctrl-D on one
// side tells both people what happens next, and Ctrl-D on the other ends
// the session for both with exit code 0.
func TestChatOnTerminals(t *testing.T) {
	t.Parallel()
	a, b, _ := terminalPair(t, true, "typed early\r")
	at := a.screen.wait(t, regexp.MustCompile(`typed before the connection opened was not sent`), 0)
	bt := b.screen.wait(t, regexp.MustCompile(`Type lines to send them`), 0) // B's chat reads its terminal

	// B speaks first: the held line must not have gone out.
	b.typeKeys("hello from b\r")
	at = a.screen.wait(t, regexp.MustCompile(`them: hello from b`), at)
	if strings.Contains(b.screen.String(), "them: typed early") {
		t.Fatalf("the text typed before connecting was sent without Enter")
	}
	a.typeKeys("\r") // now it goes
	bt = b.screen.wait(t, regexp.MustCompile(`them: typed early`), bt)

	// A message arrives while A types: A's half-typed line is drawn again below it.
	a.typeKeys("half typed")
	at = a.screen.wait(t, regexp.MustCompile(`you: half typed`), at)
	b.typeKeys("interrupting\r")
	at = a.screen.wait(t, regexp.MustCompile(`them: interrupting`), at)
	at = a.screen.wait(t, regexp.MustCompile(`you: half typed`), at)
	a.typeKeys(" and finished\r")
	bt = b.screen.wait(t, regexp.MustCompile(`them: half typed and finished`), bt)

	// A line far longer than the terminal driver's 4,095-byte canonical limit.
	long := strings.Repeat("0123456789", 700)
	a.typeKeys(long + "\r")
	bt = b.screen.wait(t, regexp.MustCompile(`them: `+long), bt)

	a.typeKeys("\x04")
	a.screen.wait(t, regexp.MustCompile(`You have finished sending; the other side is told`), at)
	bt = b.screen.wait(t, regexp.MustCompile(`The other side has finished sending\. Press Ctrl-D when you have finished too`), bt)
	b.typeKeys("one more after your Ctrl-D\r")
	at = a.screen.wait(t, regexp.MustCompile(`them: one more after your Ctrl-D`), at)
	b.typeKeys("\x04")
	b.screen.wait(t, regexp.MustCompile(`You have finished sending too; ending the session`), bt)
	a.screen.wait(t, regexp.MustCompile(`The other side has finished sending too`), at)
	a.wantExit(0)
	b.wantExit(0)
	for _, p := range []*ptyProc{a, b} {
		p.screen.wait(t, regexp.MustCompile(`Session ended: everything sent was delivered`), 0)
	}
}

// TestVerify: with --verify, nothing is sent or shown before the person
// confirms the phrase; "n" ends the session for both.
func TestVerify(t *testing.T) {
	t.Parallel()
	for _, answer := range []string{"y", "n"} {
		t.Run(answer, func(t *testing.T) {
			t.Parallel()
			a, _, b := terminalPair(t, false, "", "--verify")
			at := a.screen.wait(t, regexp.MustCompile(`Same phrase on both screens\? \[y/N\]`), 0)
			b.write("sent before the phrase was confirmed\n")
			if answer == "n" {
				a.typeKeys("n\r")
				a.wantExit(1)
				a.screen.wait(t, regexp.MustCompile(`the phrase was not confirmed, so nothing was sent or shown`), at)
				if strings.Contains(a.screen.String(), "sent before the phrase") {
					t.Errorf("a message was shown although the phrase was not confirmed")
				}
				b.wantExit(1, "left before the session ended")
				return
			}
			a.typeKeys("y\r")
			at = a.screen.wait(t, regexp.MustCompile(`Phrase confirmed`), at)
			a.screen.wait(t, regexp.MustCompile(`them: sent before the phrase was confirmed`), at)
			a.typeKeys("confirmed\r")
			b.waitStdout("confirmed")
			a.typeKeys("\x04")
			b.closeStdin()
			a.wantExit(0)
			b.wantExit(0)
		})
	}
}

// TestCtrlDBeforeConnecting: Ctrl-D typed while the session still connects
// is not acted on later, nor dropped silently: the person is told it was
// ignored, the chat goes on, and Ctrl-D on both sides then ends it.
func TestCtrlDBeforeConnecting(t *testing.T) {
	t.Parallel()
	a, b, _ := terminalPair(t, true, "\x04")
	at := a.screen.wait(t, regexp.MustCompile(`Ctrl-D typed before the connection opened was ignored`), 0)
	bt := b.screen.wait(t, regexp.MustCompile(`Type lines to send them`), 0)
	b.typeKeys("still there?\r")
	at = a.screen.wait(t, regexp.MustCompile(`them: still there\?`), at)
	a.typeKeys("yes\r")
	bt = b.screen.wait(t, regexp.MustCompile(`them: yes`), bt)
	if strings.Contains(b.screen.String(), "finished sending") {
		t.Fatalf("the Ctrl-D typed before connecting ended the offer side's sending:\n%s", b.screen.String())
	}
	a.typeKeys("\x04")
	b.screen.wait(t, regexp.MustCompile(`The other side has finished sending`), bt)
	b.typeKeys("\x04")
	a.wantExit(0)
	b.wantExit(0)
}
