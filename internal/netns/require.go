package netns

import (
	"errors"
	"os"
	"testing"
)

// Require skips the test when the lab cannot run here (see Check), or fails
// it when the environment variable QRTC_REQUIRE_LAB is "1" (as in CI), where a
// skipped lab test would hide a broken setup.
func Require(t testing.TB) {
	t.Helper()
	err := Check()
	if err == nil {
		return
	}
	if os.Getenv("QRTC_REQUIRE_LAB") == "1" {
		t.Fatalf("QRTC_REQUIRE_LAB=1 but %v", err)
	}
	if errors.Is(err, ErrNoLab) {
		t.Skipf("skipping lab test: %v", err)
	}
	t.Skip(err)
}

// NewTestTopology is NewTopology for tests: it calls Require, fails the test
// on error, and closes the topology in t.Cleanup.
func NewTestTopology(t testing.TB, cfg Config) *Topology {
	t.Helper()
	Require(t)
	top, err := NewTopology(t.Context(), cfg)
	if err != nil {
		t.Fatalf("NewTopology(%+v): %v", cfg, err)
	}
	t.Cleanup(func() {
		if err := top.Close(); err != nil {
			t.Errorf("Topology.Close: %v", err)
		}
	})
	return top
}
