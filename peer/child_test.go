package peer_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// child is a helper peer (see runHelper) in a child process.
type child struct {
	t     testing.TB
	cmd   *exec.Cmd
	stdin io.Writer
	lines chan string
}

// startChild starts the test binary as a helper peer. cmd may come from a
// network namespace (netns.Namespace.Command); nil runs it here.
func startChild(t testing.TB, cmd *exec.Cmd, mode string, env ...string) *child {
	t.Helper()
	if cmd == nil {
		cmd = exec.Command(os.Args[0], "-test.run=^$")
	}
	cmd.Env = append(append(os.Environ(), helperEnv+"="+mode), env...)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting the helper peer: %v", err)
	}
	c := &child{t: t, cmd: cmd, stdin: stdin, lines: make(chan string, 100)}
	go func() {
		s := bufio.NewScanner(stdout)
		s.Buffer(nil, 1<<20)
		for s.Scan() {
			c.lines <- s.Text()
		}
		close(c.lines)
	}()
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	return c
}

// expect waits for the child's next line, checks its verb and returns its
// unquoted argument.
func (c *child) expect(ctx context.Context, verb string) string {
	c.t.Helper()
	select {
	case line, ok := <-c.lines:
		if !ok {
			c.t.Fatalf("the helper peer exited; want a %q line", verb)
		}
		v, arg, _ := strings.Cut(line, " ")
		s, err := strconv.Unquote(arg)
		if v != verb || err != nil {
			c.t.Fatalf("the helper peer said %.200q, want a %q line", line, verb)
		}
		return s
	case <-ctx.Done():
		c.t.Fatalf("waiting for the helper peer to say %q: %v", verb, ctx.Err())
	}
	return ""
}

// say sends the child a line: a verb and, if arg is not nil, a quoted arg.
func (c *child) say(verb string, arg *string) {
	c.t.Helper()
	line := verb
	if arg != nil {
		line += " " + strconv.Quote(*arg)
	}
	if _, err := fmt.Fprintln(c.stdin, line); err != nil {
		c.t.Fatalf("writing to the helper peer: %v", err)
	}
}
