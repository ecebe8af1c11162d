package peer_test

import (
	"testing"
	"time"
)

// TestPhraseStable: with real pion peers, the phrase is the same on both
// sides, the same on every call (it is derived once and cached), and
// different for another pair of Peers, whose certificates differ.
func TestPhraseStable(t *testing.T) {
	t.Parallel()
	ctx := testContext(t, time.Minute)
	a, b := newPeer(t, loopback()), newPeer(t, loopback())
	exchange(t, ctx, a, b)
	first := a.Phrase()
	if first == "" {
		t.Fatal("Phrase() = \"\" after offer and answer, want four words")
	}
	for i := range 3 {
		if got := a.Phrase(); got != first {
			t.Errorf("Phrase() call %d = %q, first call %q; want the same", i+2, got, first)
		}
	}
	if got := b.Phrase(); got != first {
		t.Errorf("Phrase() = %q on the answerer, %q on the offerer; want the same", got, first)
	}
	c, d := newPeer(t, loopback()), newPeer(t, loopback())
	exchange(t, ctx, c, d)
	if got := c.Phrase(); got == first {
		t.Errorf("Phrase() = %q for two pairs of Peers with different certificates; want different phrases", got)
	}
}
