package natlab

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/qrtc/qrtc/internal/netns"
)

// traceEnv names the environment variable that asks for packet traces: when
// it names a directory, every session writes there, in a directory named
// after its test, what tcpdump sees on each router (UDP only), the routers'
// UDP conntrack tables every 5 seconds, and both sides' standard error. It
// needs tcpdump and conntrack (Debian packages tcpdump and conntrack); this is
// for diagnosing a failure by hand, not for CI.
const traceEnv = "QRTC_NATLAB_TRACE"

// trace starts the tracing traceEnv asks for, if it does, and returns a
// function that writes the sessions' transcripts and stops it.
func trace(t testing.TB, top *netns.Topology) func(procs ...*proc) {
	root := os.Getenv(traceEnv)
	if root == "" {
		return func(...*proc) {}
	}
	dir := filepath.Join(root, strings.NewReplacer("/", "_", " ", "_").Replace(t.Name()))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("%s: %v", traceEnv, err)
	}
	var stops []func()
	for i, s := range top.Sides {
		f, err := os.Create(filepath.Join(dir, fmt.Sprintf("tcpdump-router%d.txt", i)))
		if err != nil {
			t.Fatalf("%s: %v", traceEnv, err)
		}
		cmd := s.Router.Command(t.Context(), "tcpdump", "-n", "-l", "-tttt", "-i", "any", "udp")
		cmd.Stdout, cmd.Stderr = f, f
		if err := cmd.Start(); err != nil {
			t.Fatalf("%s: start tcpdump in %s: %v", traceEnv, s.Router.Name, err)
		}
		stops = append(stops, func() { _ = cmd.Process.Kill(); _ = cmd.Wait(); _ = f.Close() })
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		f, err := os.Create(filepath.Join(dir, "conntrack.txt"))
		if err != nil {
			return
		}
		defer f.Close()
		for {
			for i, s := range top.Sides {
				out, _ := s.Router.Command(t.Context(), "conntrack", "-L", "-p", "udp").CombinedOutput()
				fmt.Fprintf(f, "== %s router%d (%s)\n%s", time.Now().Format("15:04:05.000"), i, s.Router.Name, out)
			}
			select {
			case <-done:
				return
			case <-time.After(5 * time.Second):
			}
		}
	}()
	return func(procs ...*proc) {
		close(done)
		<-finished
		for _, stop := range stops {
			stop()
		}
		for _, p := range procs {
			if p == nil {
				continue
			}
			_ = os.WriteFile(filepath.Join(dir, p.name+".txt"), []byte(strings.Join(p.stderr.all(), "\n")+"\n"), 0o644)
		}
		t.Logf("%s: traces in %s", traceEnv, dir)
	}
}
