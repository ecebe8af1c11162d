package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// qrtcBin is the qrtc binary that TestMain builds for the end-to-end tests.
var qrtcBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "qrtc-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "TestMain:", err)
		os.Exit(1)
	}
	qrtcBin = filepath.Join(dir, "qrtc")
	if out, err := exec.Command("go", "build", "-o", qrtcBin, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "TestMain: go build -o %s .: %v\n%s", qrtcBin, err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// waitLimit bounds every wait of the end-to-end tests so that a broken qrtc
// fails a test instead of hanging it. It is not a speed assertion.
const waitLimit = 90 * time.Second

// lineLog collects the lines of a stream and lets a test wait for one.
type lineLog struct {
	mu      sync.Mutex
	lines   []string
	done    bool
	changed chan struct{}
}

func newLineLog() *lineLog { return &lineLog{changed: make(chan struct{})} }

func (l *lineLog) add(s string) { l.update(func() { l.lines = append(l.lines, s) }) }

func (l *lineLog) finish() { l.update(func() { l.done = true }) }

// update applies change under the lock and wakes the waiters.
func (l *lineLog) update(change func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	change()
	close(l.changed)
	l.changed = make(chan struct{})
}

func (l *lineLog) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.lines...)
}

// wait returns the first line that match accepts, waiting for it up to limit.
func (l *lineLog) wait(match func(string) bool, limit time.Duration) (string, error) {
	timer := time.NewTimer(limit)
	defer timer.Stop()
	for {
		l.mu.Lock()
		for _, s := range l.lines {
			if match(s) {
				l.mu.Unlock()
				return s, nil
			}
		}
		done, ch := l.done, l.changed
		l.mu.Unlock()
		if done {
			return "", errors.New("the stream ended without such a line")
		}
		select {
		case <-ch:
		case <-timer.C:
			return "", fmt.Errorf("no such line within %s", limit)
		}
	}
}

// proc is one qrtc process of an end-to-end test.
type proc struct {
	t      *testing.T
	name   string
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stdout *lineLog // nil when stdout goes to a writer of the test
	stderr *lineLog
	exited chan struct{}
	err    error // of Wait, valid once exited is closed
}

// startQRTC runs qrtc with args. Its stdout is collected line by line, or
// copied to out when out is not nil. The process is killed at the end of the
// test if it is still running.
func startQRTC(t *testing.T, name string, out io.Writer, args ...string) *proc {
	t.Helper()
	return startProc(t, name, out, nil, nil, args...)
}

// startProc is startQRTC with, when tty is not nil, a terminal as standard
// input: the process reads tty and the test types into ttyIn.
func startProc(t *testing.T, name string, out io.Writer, tty *os.File, ttyIn io.WriteCloser, args ...string) *proc {
	t.Helper()
	return startCmd(t, name, exec.Command(qrtcBin, args...), out, tty, ttyIn)
}

// startCmd is startProc for a command the caller made (qrtc inside a
// network namespace, say); variables in cmd.Env are added to the test's
// environment.
func startCmd(t *testing.T, name string, cmd *exec.Cmd, out io.Writer, tty *os.File, ttyIn io.WriteCloser) *proc {
	t.Helper()
	p := &proc{t: t, name: name, cmd: cmd, stderr: newLineLog(), exited: make(chan struct{})}
	p.cmd.Env = append(append(os.Environ(), "NO_COLOR=1"), cmd.Env...)
	var err error
	if tty != nil {
		p.cmd.Stdin, p.stdin = tty, ttyIn
	} else if p.stdin, err = p.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	var readers sync.WaitGroup
	if out != nil {
		p.cmd.Stdout = out
	} else {
		p.stdout = newLineLog()
		r, err := p.cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		readers.Add(1)
		go collect(r, p.stdout, &readers)
	}
	r, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	readers.Add(1)
	go collect(r, p.stderr, &readers)
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("starting %q: %v", p.cmd.Args, err)
	}
	go func() {
		readers.Wait()
		p.err = p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-p.exited:
		default:
			p.cmd.Process.Kill()
			<-p.exited
		}
		if t.Failed() {
			t.Logf("%s stderr:\n%s", p.name, strings.Join(p.stderr.all(), "\n"))
		}
	})
	return p
}

func collect(r io.Reader, l *lineLog, wg *sync.WaitGroup) {
	defer wg.Done()
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	for sc.Scan() {
		l.add(sc.Text())
	}
	io.Copy(io.Discard, r)
	l.finish()
}

// write sends text to the process's standard input.
func (p *proc) write(text string) {
	p.t.Helper()
	if _, err := io.WriteString(p.stdin, text); err != nil {
		p.t.Fatalf("%s: writing %q to stdin: %v", p.name, text, err)
	}
}

// closeStdin ends the process's standard input.
func (p *proc) closeStdin() {
	p.t.Helper()
	if err := p.stdin.Close(); err != nil {
		p.t.Fatalf("%s: closing stdin: %v", p.name, err)
	}
}

// token waits for the first stdout line, the process's own token.
func (p *proc) token() string {
	p.t.Helper()
	tok, err := p.stdout.wait(func(string) bool { return true }, waitLimit)
	if err != nil {
		p.t.Fatalf("%s: waiting for its token on stdout: %v", p.name, err)
	}
	return tok
}

// waitStdout waits for a stdout line equal to want.
func (p *proc) waitStdout(want string) {
	p.t.Helper()
	if _, err := p.stdout.wait(func(s string) bool { return s == want }, waitLimit); err != nil {
		p.t.Fatalf("%s: waiting for %q on stdout: %v; stdout so far: %q", p.name, want, err, p.stdout.all())
	}
}

// waitStderr waits for a stderr line that matches re and returns it.
func (p *proc) waitStderr(re *regexp.Regexp) string {
	p.t.Helper()
	s, err := p.stderr.wait(re.MatchString, waitLimit)
	if err != nil {
		p.t.Fatalf("%s: waiting for a stderr line matching %q: %v", p.name, re, err)
	}
	return s
}

var phraseRE = regexp.MustCompile(`^connected; verification phrase: (\S.*)$`)

// phrase waits for "connected" and returns the verification phrase.
func (p *proc) phrase() string {
	p.t.Helper()
	return phraseRE.FindStringSubmatch(p.waitStderr(phraseRE))[1]
}

// wantSamePhrase waits for "connected" on both sides and checks that they
// show the same verification phrase.
func wantSamePhrase(t *testing.T, offerer, answerer *proc) {
	t.Helper()
	if po, pa := offerer.phrase(), answerer.phrase(); po != pa {
		t.Fatalf("verification phrases differ: offerer %q, answerer %q", po, pa)
	}
}

// wait waits for the process to exit, up to limit, and returns its exit code.
func (p *proc) wait(limit time.Duration) int {
	p.t.Helper()
	select {
	case <-p.exited:
	case <-time.After(limit):
		p.t.Fatalf("%s: still running after %s", p.name, limit)
	}
	var ee *exec.ExitError
	switch {
	case p.err == nil:
		return 0
	case errors.As(p.err, &ee):
		return ee.ExitCode()
	}
	p.t.Fatalf("%s: %v", p.name, p.err)
	return -1
}

// kill ends the process with SIGKILL, by its PID.
func (p *proc) kill() {
	p.t.Helper()
	if err := syscall.Kill(p.cmd.Process.Pid, syscall.SIGKILL); err != nil {
		p.t.Fatalf("%s: kill -9 %d: %v", p.name, p.cmd.Process.Pid, err)
	}
}

// errorLineRE matches the lines qrtc reports errors with ("qrtc: ..." or
// "qrtc scan: ..."), not the "qrtc -v: ..." lines of -v.
var errorLineRE = regexp.MustCompile(`^qrtc( [a-z]+)?: `)

// errorLines returns the errors reported on stderr ("qrtc: ..."), each
// with the line that says what to do (indented under it) joined to it.
func (p *proc) errorLines() []string {
	var out []string
	lines := p.stderr.all()
	for i, s := range lines {
		if errorLineRE.MatchString(s) {
			if i+1 < len(lines) && strings.HasPrefix(lines[i+1], indentTodo) {
				s += " " + strings.TrimSpace(lines[i+1])
			}
			out = append(out, s)
		}
	}
	return out
}

// wantExit waits for the process to exit with code want and one error line
// on stderr containing each of the fragments.
func (p *proc) wantExit(want int, fragments ...string) {
	p.t.Helper()
	p.wantExitWithin(waitLimit, want, fragments...)
}

// wantExitWithin is wantExit with its own bound on the wait.
func (p *proc) wantExitWithin(limit time.Duration, want int, fragments ...string) {
	p.t.Helper()
	if got := p.wait(limit); got != want {
		p.t.Fatalf("%s: exit code %d, want %d; stderr:\n%s", p.name, got, want, strings.Join(p.stderr.all(), "\n"))
	}
	if want == 0 {
		return
	}
	errs := p.errorLines()
	if len(errs) != 1 {
		p.t.Fatalf("%s: %d error lines on stderr, want exactly one: %q", p.name, len(errs), errs)
	}
	lines := p.stderr.all()
	for i, l := range lines {
		if errorLineRE.MatchString(l) && i+1 < len(lines) {
			for _, problem := range checkReadable(l + "\n" + lines[i+1] + "\n") {
				p.t.Errorf("%s: the error\n%s\n%s\n%s", p.name, l, lines[i+1], problem)
			}
		}
	}
	p.t.Logf("%s: exit code %d: %s", p.name, want, errs[0])
	for _, f := range fragments {
		if !strings.Contains(strings.ToLower(errs[0]), strings.ToLower(f)) {
			p.t.Errorf("%s: error line %q does not mention %q", p.name, errs[0], f)
		}
	}
}

// wrap breaks a token every n characters with CRLF, as mail clients do.
func wrap(s string, n int) string {
	var b strings.Builder
	for len(s) > n {
		b.WriteString(s[:n] + "\r\n")
		s = s[n:]
	}
	b.WriteString(s + "\r\n")
	return b.String()
}

// sessionArgs are the flags every end-to-end session uses: no STUN server
// (tests never leave the machine), loopback candidates, no terminal drawing,
// and no one-scan, so that the answer token is what connects (one-scan has
// its own tests, with oneScanCmd).
var sessionArgs = []string{"--stun", "none", "--loopback", "--no-qr", "--no-one-scan"}

func sessionCmd(kind string, extra ...string) []string {
	return append(append([]string{kind}, sessionArgs...), extra...)
}

// runInProcess runs qrtc's run function with the given stdin and returns
// stdout, stderr and the exit code.
func runInProcess(t *testing.T, stdin string, argv ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	err := run(ctx, argv, strings.NewReader(stdin), &out, &errb)
	code := report(err, &errb)
	return out.String(), errb.String(), code
}
