package netns

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"runtime"
	"strings"

	"golang.org/x/sys/unix"
)

// Namespace is one network namespace of a Lab.
type Namespace struct {
	// Name is the namespace's name for "ip netns", such as
	// "qrtc-1234-1-pub".
	Name string
	// Addr is the namespace's main IPv4 address, set by NewTopology (the
	// zero Addr for a namespace built by hand).
	Addr netip.Addr
	// Addr6 is the namespace's IPv6 address in a dual-stack topology
	// (Config.IPv6), the zero Addr otherwise.
	Addr6 netip.Addr
}

// Command returns a command that runs name with args inside the namespace
// ("ip netns exec NAME name args..."). ip execs the program, so the
// command's process id is the program's own: kill it by that id.
func (n *Namespace) Command(ctx context.Context, name string, args ...string) *exec.Cmd {
	return exec.CommandContext(ctx, "ip", append([]string{"netns", "exec", n.Name, name}, args...)...)
}

// Run runs name with args inside the namespace and waits for it to finish.
func (n *Namespace) Run(ctx context.Context, name string, args ...string) error {
	return run(ctx, append([]string{"ip", "netns", "exec", n.Name, name}, args...)...)
}

// AddAddr assigns prefix (such as 10.0.1.2/24) to interface dev. IPv6
// addresses skip duplicate address detection, so they are usable at once.
func (n *Namespace) AddAddr(ctx context.Context, dev string, prefix netip.Prefix) error {
	args := []string{"ip", "-n", n.Name, "addr", "add", prefix.String(), "dev", dev}
	if prefix.Addr().Is6() {
		args = append(args, "nodad")
	}
	return run(ctx, args...)
}

// DefaultRoute sets the namespace's default route via gateway.
func (n *Namespace) DefaultRoute(ctx context.Context, gateway netip.Addr) error {
	return run(ctx, "ip", "-n", n.Name, family(gateway), "route", "replace", "default", "via", gateway.String())
}

// Route sends traffic for dst via gateway.
func (n *Namespace) Route(ctx context.Context, dst netip.Prefix, gateway netip.Addr) error {
	return run(ctx, "ip", "-n", n.Name, family(gateway), "route", "replace", dst.String(), "via", gateway.String())
}

// family is ip's address family flag for a.
func family(a netip.Addr) string {
	if a.Is6() && !a.Is4In6() {
		return "-6"
	}
	return "-4"
}

// EnableIPv6 turns IPv6 on in the namespace (Lab.Namespace turns it off),
// without duplicate address detection. Call it before adding interfaces.
func (n *Namespace) EnableIPv6(ctx context.Context) error {
	for _, key := range []string{"net.ipv6.conf.all.disable_ipv6", "net.ipv6.conf.default.disable_ipv6", "net.ipv6.conf.lo.disable_ipv6",
		// No duplicate address detection on interfaces made later, so
		// their link-local addresses work at once too.
		"net.ipv6.conf.all.accept_dad", "net.ipv6.conf.default.accept_dad"} {
		if err := n.Sysctl(ctx, key, "0"); err != nil {
			return err
		}
	}
	return nil
}

// Sysctl sets a sysctl inside the namespace, such as
// "net.netfilter.nf_conntrack_udp_timeout" to "30", by writing its file under
// /proc/sys from a thread inside the namespace (no sysctl command needed).
func (n *Namespace) Sysctl(ctx context.Context, key, value string) error {
	if strings.Contains(key, "/") || strings.Contains(key, "..") || key == "" {
		return fmt.Errorf("netns: sysctl key %q is not of the form a.b.c", key)
	}
	path := "/proc/sys/" + strings.ReplaceAll(key, ".", "/")
	err := n.Do(func() error { return os.WriteFile(path, []byte(value), 0o644) })
	if err != nil {
		return fmt.Errorf("netns: set %s=%s in %q: %w", key, value, n.Name, err)
	}
	return nil
}

// Do runs f on an OS thread that has joined the namespace, so that every
// socket f creates belongs to the namespace and stays in it afterwards: a
// listener made here serves the lab while its handlers run in the test
// process. f must not start goroutines that create sockets (they would run
// elsewhere). If the thread cannot return to its original namespace, it is
// thrown away rather than reused.
func (n *Namespace) Do(f func() error) error {
	type result struct{ err error }
	done := make(chan result, 1)
	go func() {
		runtime.LockOSThread()
		// No UnlockOSThread unless the thread is back home: a goroutine
		// that exits while locked takes its thread with it.
		orig, err := os.Open("/proc/thread-self/ns/net")
		if err != nil {
			runtime.UnlockOSThread()
			done <- result{fmt.Errorf("netns: open own namespace: %w", err)}
			return
		}
		defer orig.Close()
		target, err := os.Open("/var/run/netns/" + n.Name)
		if err != nil {
			runtime.UnlockOSThread()
			done <- result{fmt.Errorf("netns: open namespace %q: %w", n.Name, err)}
			return
		}
		defer target.Close()
		if err := unix.Setns(int(target.Fd()), unix.CLONE_NEWNET); err != nil {
			runtime.UnlockOSThread()
			done <- result{fmt.Errorf("netns: enter namespace %q: %w", n.Name, err)}
			return
		}
		ferr := f()
		if err := unix.Setns(int(orig.Fd()), unix.CLONE_NEWNET); err != nil {
			done <- result{fmt.Errorf("netns: leave namespace %q: %w", n.Name, err)}
			return
		}
		runtime.UnlockOSThread()
		done <- result{ferr}
	}()
	return (<-done).err
}

// Listen announces on the local network address inside the namespace, like
// net.Listen.
func (n *Namespace) Listen(network, address string) (net.Listener, error) {
	var l net.Listener
	err := n.Do(func() (err error) {
		l, err = net.Listen(network, address)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("netns: listen on %s %q in %q: %w", network, address, n.Name, err)
	}
	return l, nil
}

// ListenPacket announces on the local packet address inside the namespace,
// like net.ListenPacket.
func (n *Namespace) ListenPacket(network, address string) (net.PacketConn, error) {
	var c net.PacketConn
	err := n.Do(func() (err error) {
		c, err = net.ListenPacket(network, address)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("netns: listen on %s %q in %q: %w", network, address, n.Name, err)
	}
	return c, nil
}

// Dial connects from inside the namespace, like net.Dialer.DialContext.
func (n *Namespace) Dial(ctx context.Context, network, address string) (net.Conn, error) {
	var c net.Conn
	err := n.Do(func() (err error) {
		var d net.Dialer
		c, err = d.DialContext(ctx, network, address)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("netns: dial %s %q from %q: %w", network, address, n.Name, err)
	}
	return c, nil
}
