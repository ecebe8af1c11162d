package netns

import (
	"os"
	"testing"
)

// Require skips the test when the lab cannot run here (see Check), or fails
// it when the environment variable QRTC_REQUIRE_LAB is "1" (as in CI), where a
// skipped lab test would hide a broken setup.
func Require(t testing.TB) {
	t.Helper()
	if err := Check(); err != nil {
		SkipUnlessRequired(t, err)
	}
}

// SkipUnlessRequired ends a lab test that cannot run here for the reason err
// gives (a missing tool, no root): it skips the test, or fails it when the
// environment variable QRTC_REQUIRE_LAB is "1" (as in CI). Require, and the
// checks of what else a lab test needs, call it.
func SkipUnlessRequired(t testing.TB, err error) {
	t.Helper()
	if os.Getenv("QRTC_REQUIRE_LAB") == "1" {
		t.Fatalf("QRTC_REQUIRE_LAB=1 but %v", err)
	}
	t.Skipf("skipping lab test: %v", err)
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
