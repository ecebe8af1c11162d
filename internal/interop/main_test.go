package interop

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/qrtc/qrtc/internal/netns"
)

// qrtcBinary is the qrtc command built once by TestMain, or "" when the lab
// is unavailable (the tests then skip or fail through netns.Require).
var qrtcBinary string

func TestMain(m *testing.M) {
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	if netns.Check() == nil {
		// Namespaces a killed earlier run left behind.
		if err := netns.RemoveStale(context.Background()); err != nil {
			fmt.Fprintln(os.Stderr, "interop: removing stale namespaces:", err)
		}
		dir, err := os.MkdirTemp("", "qrtc-interop-")
		if err != nil {
			fmt.Fprintln(os.Stderr, "interop: temporary directory:", err)
			return 1
		}
		defer os.RemoveAll(dir)
		bin := filepath.Join(dir, "qrtc")
		build := exec.Command("go", "build", "-o", bin, "github.com/qrtc/qrtc/cmd/qrtc")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "interop: go build ./cmd/qrtc:", err)
			return 1
		}
		qrtcBinary = bin
	}
	return m.Run()
}
