package natlab

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/qrtc/qrtc/internal/netns"
)

// line is one line of a process's output and when the test read it.
type line struct {
	text string
	at   time.Time
}

// lineLog collects the lines of a stream and lets a test wait for one.
type lineLog struct {
	mu      sync.Mutex
	lines   []line
	done    bool
	changed chan struct{}
}

func newLineLog() *lineLog { return &lineLog{changed: make(chan struct{})} }

func (l *lineLog) add(s string) {
	l.update(func() { l.lines = append(l.lines, line{text: s, at: time.Now()}) })
}

func (l *lineLog) finish() { l.update(func() { l.done = true }) }

// update applies change under the lock and wakes the waiters.
func (l *lineLog) update(change func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	change()
	close(l.changed)
	l.changed = make(chan struct{})
}

// all returns the lines' texts so far.
func (l *lineLog) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]string, len(l.lines))
	for i, ln := range l.lines {
		out[i] = ln.text
	}
	return out
}

// errStreamEnded means the stream ended without the line a test waited for.
var errStreamEnded = errors.New("stream ended")

// wait returns the first line that match accepts, waiting for it up to
// limit; it gives up early when the stream ends.
func (l *lineLog) wait(match func(string) bool, limit time.Duration) (line, error) {
	timer := time.NewTimer(limit)
	defer timer.Stop()
	for {
		l.mu.Lock()
		for _, ln := range l.lines {
			if match(ln.text) {
				l.mu.Unlock()
				return ln, nil
			}
		}
		done, changed := l.done, l.changed
		l.mu.Unlock()
		if done {
			return line{}, errStreamEnded
		}
		select {
		case <-changed:
		case <-timer.C:
			return line{}, fmt.Errorf("no such line within %v", limit)
		}
	}
}

// proc is a qrtc process running in a namespace of the lab.
type proc struct {
	name   string // "offer" or "answer", for messages
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stdout *lineLog
	stderr *lineLog
	exited chan struct{} // closed once the process has exited and its streams ended
	err    error         // cmd.Wait's result, valid after exited
}

// startQRTC starts the qrtc binary with args in namespace ns. The process is
// killed (by its process id) when the test ends, if it still runs.
func startQRTC(t testing.TB, ns *netns.Namespace, name string, args ...string) *proc {
	t.Helper()
	// ip netns exec execs qrtc, so cmd.Process is qrtc itself.
	cmd := ns.Command(t.Context(), qrtcBin, args...)
	cmd.Cancel = func() error { return cmd.Process.Kill() }
	p := &proc{name: name, cmd: cmd, stdout: newLineLog(), stderr: newLineLog(), exited: make(chan struct{})}
	var err error
	if p.stdin, err = cmd.StdinPipe(); err != nil {
		t.Fatalf("%s: StdinPipe: %v", name, err)
	}
	outR, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatalf("%s: StdoutPipe: %v", name, err)
	}
	errR, err := cmd.StderrPipe()
	if err != nil {
		t.Fatalf("%s: StderrPipe: %v", name, err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s in %s: %v", strings.Join(cmd.Args, " "), ns.Name, err)
	}
	var streams sync.WaitGroup
	for _, s := range []struct {
		r   io.Reader
		log *lineLog
	}{{outR, p.stdout}, {errR, p.stderr}} {
		streams.Add(1)
		go func() {
			defer streams.Done()
			sc := bufio.NewScanner(s.r)
			sc.Buffer(make([]byte, 64*1024), 1024*1024)
			for sc.Scan() {
				s.log.add(sc.Text())
			}
			s.log.finish()
		}()
	}
	go func() {
		streams.Wait() // Wait closes the pipes: read them to the end first
		p.err = cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		_ = p.stdin.Close()
		select {
		case <-p.exited:
			return
		default:
		}
		_ = cmd.Process.Kill()
		<-p.exited
	})
	return p
}

// exitCode waits up to limit for the process to exit and returns its exit
// code (-1 for a signal), or an error if it still runs.
func (p *proc) exitCode(limit time.Duration) (int, error) {
	select {
	case <-p.exited:
	case <-time.After(limit):
		return 0, fmt.Errorf("qrtc %s still runs after %v", p.name, limit)
	}
	if p.err == nil {
		return 0, nil
	}
	var ee *exec.ExitError
	if errors.As(p.err, &ee) {
		return ee.ExitCode(), nil
	}
	return 0, p.err
}

// terminate ends the process with SIGTERM (qrtc says goodbye to its peer) and
// waits for it, killing it if it lingers.
func (p *proc) terminate() {
	select {
	case <-p.exited:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.exited
	}
}

// write sends text to the process's standard input.
func (p *proc) write(text string) error {
	if _, err := io.WriteString(p.stdin, text); err != nil {
		return fmt.Errorf("write to qrtc %s: %w", p.name, err)
	}
	return nil
}

// transcript returns the process's standard error, for failure messages.
func (p *proc) transcript() string {
	return "  " + p.name + " stderr:\n    " + strings.Join(p.stderr.all(), "\n    ")
}
