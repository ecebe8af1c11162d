package rendezvous

import (
	"strings"
	"testing"
)

// TestWordsArePrefixFree checks what typing a code relies on: no word is
// the start of another, so a unique start always names one word.
func TestWordsArePrefixFree(t *testing.T) {
	for i, a := range words {
		for j, b := range words {
			if i != j && strings.HasPrefix(b, a) {
				t.Errorf("words[%d] = %q is the start of words[%d] = %q: a code typed as %q would be ambiguous", i, a, j, b, a)
			}
		}
	}
}
