package peer

import (
	"crypto/sha256"
	"slices"
	"strings"
)

// phraseWords is how many words a verification phrase has: 4 words from a
// list of 256 carry 32 bits of the hash.
const phraseWords = 4

// verificationPhrase derives the phrase both sides show from their two DTLS
// fingerprints (RFC 8122 section 5). The fingerprints are sorted first, so
// the offerer and the answerer compute the same phrase. If a QR code was
// swapped or an attacker sat in the middle, each side sees a different
// fingerprint pair and, with odds of 1 in 2^32 against, a different phrase.
func verificationPhrase(a, b string) string {
	if a == "" || b == "" {
		return ""
	}
	fps := []string{a, b}
	slices.Sort(fps)
	sum := sha256.Sum256([]byte("qrtc phrase v1\n" + fps[0] + "\n" + fps[1] + "\n"))
	words := make([]string, phraseWords)
	for i := range words {
		words[i] = wordList[sum[i]]
	}
	return strings.Join(words, " ")
}
