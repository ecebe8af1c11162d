package natlab

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// qrtcBin is the qrtc binary that TestMain builds once for every test.
var qrtcBin string

// binEnv names the environment variable that points the lab at an existing
// qrtc binary instead of building one from this tree: to try a release, or to
// check that a test fails with a peer that lacks a fix.
const binEnv = "QRTC_NATLAB_BIN"

// labParallel is how many parallel tests run at once unless -parallel says
// otherwise. The lab's tests spend most of their time waiting on the network
// (ICE timeouts, late answers), not on the CPU, and each has its own topology,
// so several run at once even on 2 cores: the default (GOMAXPROCS) would run
// the matrix's cells two at a time. But every session starts two qrtc
// processes that gather, check and encrypt at the same moment, and CI runs the
// lab under the race detector beside the other packages' tests: 96 (every
// session at once, about 160 processes) made TURN allocations miss their
// deadline. 24 carries all cells of TestNATMatrix and the first of
// TestNATMatrixLateAnswer at once, and the package still ends in a few
// minutes (the late answers' 2-minute waits dominate).
const labParallel = "24"

func TestMain(m *testing.M) {
	flag.Parse()
	explicit := false
	flag.Visit(func(f *flag.Flag) { explicit = explicit || f.Name == "test.parallel" })
	if !explicit {
		if err := flag.Set("test.parallel", labParallel); err != nil {
			fmt.Fprintln(os.Stderr, "TestMain: set -test.parallel:", err)
			os.Exit(1)
		}
	}
	if bin := os.Getenv(binEnv); bin != "" {
		qrtcBin = bin
		os.Exit(m.Run())
	}
	dir, err := os.MkdirTemp("", "qrtc-natlab-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "TestMain:", err)
		os.Exit(1)
	}
	qrtcBin = filepath.Join(dir, "qrtc")
	build := exec.Command("go", "build", "-o", qrtcBin, "github.com/qrtc/qrtc/cmd/qrtc")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "TestMain: go build -o %s github.com/qrtc/qrtc/cmd/qrtc: %v\n%s", qrtcBin, err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
