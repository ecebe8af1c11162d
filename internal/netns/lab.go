package netns

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// namePrefix starts the name of every namespace this package creates.
const namePrefix = "qrtc-"

// labSeq numbers the labs of one process so their names never collide.
var labSeq atomic.Int64

// Lab is a set of network namespaces that live and die together. Create one
// with New and always Close it. A Lab is safe for concurrent use.
type Lab struct {
	id string

	mu     sync.Mutex
	closed bool
	spaces []*Namespace
}

// New checks that the lab can run here and returns an empty Lab. Its
// namespaces are named "qrtc-<pid>-<n>-<role>".
func New() (*Lab, error) {
	if err := Check(); err != nil {
		return nil, err
	}
	id := fmt.Sprintf("%d-%d", os.Getpid(), labSeq.Add(1))
	return &Lab{id: id}, nil
}

// Check reports, as an error wrapping ErrNoLab, why a lab cannot be built on
// this machine, or nil when it can.
func Check() error {
	if os.Geteuid() != 0 {
		return fmt.Errorf("%w: the tests run as uid %d, not root: run them as root", ErrNoLab, os.Geteuid())
	}
	for _, tool := range []string{"ip", "iptables"} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Errorf("%w: command %q not found: install iproute2 and iptables", ErrNoLab, tool)
		}
	}
	return nil
}

// Namespace creates an empty network namespace with its loopback up, no
// IPv6 (see Namespace.EnableIPv6), and a resolv.conf pointing at 127.0.0.1 (so that name lookups from
// inside fail at once instead of timing out). role is a short tag that ends
// the namespace's name, such as "pub" or "a1".
func (l *Lab) Namespace(ctx context.Context, role string) (*Namespace, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil, ErrClosed
	}
	n := &Namespace{Name: namePrefix + l.id + "-" + role}
	if err := run(ctx, "ip", "netns", "add", n.Name); err != nil {
		return nil, err
	}
	l.spaces = append(l.spaces, n)
	etc := filepath.Join("/etc/netns", n.Name)
	if err := os.MkdirAll(etc, 0o755); err != nil {
		return nil, fmt.Errorf("netns: create %q: %w", etc, err)
	}
	if err := os.WriteFile(filepath.Join(etc, "resolv.conf"), []byte("nameserver 127.0.0.1\n"), 0o644); err != nil {
		return nil, fmt.Errorf("netns: write resolv.conf for %q: %w", n.Name, err)
	}
	if err := run(ctx, "ip", "-n", n.Name, "link", "set", "lo", "up"); err != nil {
		return nil, err
	}
	for _, key := range []string{"net.ipv6.conf.all.disable_ipv6", "net.ipv6.conf.default.disable_ipv6"} {
		if err := n.Sysctl(ctx, key, "1"); err != nil {
			return nil, err
		}
	}
	return n, nil
}

// Close deletes every namespace of the lab (and with them their veth
// interfaces and iptables rules) and their /etc/netns directories. It
// returns the first error but always tries everything. Processes still
// running inside a namespace keep it alive: kill them before Close. Close is
// idempotent.
func (l *Lab) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil
	}
	l.closed = true
	var errs []error
	for i := len(l.spaces) - 1; i >= 0; i-- {
		n := l.spaces[i]
		if err := run(context.Background(), "ip", "netns", "del", n.Name); err != nil {
			errs = append(errs, err)
		}
		if err := os.RemoveAll(filepath.Join("/etc/netns", n.Name)); err != nil {
			errs = append(errs, fmt.Errorf("netns: remove /etc/netns/%s: %w", n.Name, err))
		}
	}
	return errors.Join(errs...)
}

// RemoveStale deletes the namespaces that a test process which no longer
// runs left behind (one killed before its cleanup ran). It leaves alone the
// namespaces of live processes, and anything not made by this package.
func RemoveStale(ctx context.Context) error {
	out, err := exec.CommandContext(ctx, "ip", "netns", "list").Output()
	if err != nil {
		return fmt.Errorf("netns: ip netns list: %w", err)
	}
	var errs []error
	for _, line := range strings.Split(string(out), "\n") {
		name, _, _ := strings.Cut(strings.TrimSpace(line), " ")
		rest, ok := strings.CutPrefix(name, namePrefix)
		if !ok {
			continue
		}
		pidText, _, _ := strings.Cut(rest, "-")
		pid, err := strconv.Atoi(pidText)
		if err != nil || pid <= 0 {
			continue
		}
		if _, err := os.Stat(fmt.Sprintf("/proc/%d", pid)); err == nil {
			continue
		}
		if err := run(ctx, "ip", "netns", "del", name); err != nil {
			errs = append(errs, err)
		}
		os.RemoveAll(filepath.Join("/etc/netns", name))
	}
	return errors.Join(errs...)
}

// Link joins namespaces a and b with a veth pair: interface ifA in a,
// interface ifB in b, both brought up. Addresses are up to the caller
// (Namespace.AddAddr).
func (l *Lab) Link(ctx context.Context, a *Namespace, ifA string, b *Namespace, ifB string) error {
	if err := run(ctx, "ip", "link", "add", ifA, "netns", a.Name, "type", "veth", "peer", "name", ifB, "netns", b.Name); err != nil {
		return err
	}
	if err := run(ctx, "ip", "-n", a.Name, "link", "set", ifA, "up"); err != nil {
		return err
	}
	return run(ctx, "ip", "-n", b.Name, "link", "set", ifB, "up")
}

// run runs a command to completion and turns a failure into an error that
// carries the command line and its output.
func run(ctx context.Context, args ...string) error {
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("netns: %q failed: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(out.String()))
	}
	return nil
}
