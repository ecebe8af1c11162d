package peer

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestUpdatePionFixtures rewrites testdata/pion-offer.sdp and
// pion-answer.sdp from two live Peers when run with -update.
func TestUpdatePionFixtures(t *testing.T) {
	if !*update {
		t.Skip("run with -update to rewrite the pion fixtures")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cfg := Config{IncludeLoopback: true, InterfaceFilter: func(n string) bool { return n == "lo" }}
	a, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	offer, err := a.Offer(ctx)
	if err != nil {
		t.Fatal(err)
	}
	answer, err := b.Answer(ctx, offer)
	if err != nil {
		t.Fatal(err)
	}
	for name, sdp := range map[string]string{"pion-offer.sdp": offer, "pion-answer.sdp": answer} {
		if err := os.WriteFile(filepath.Join("testdata", name), []byte(sdp), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
