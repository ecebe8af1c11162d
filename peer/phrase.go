package peer

import (
	"slices"
	"strings"

	"golang.org/x/crypto/argon2"
)

// phraseWords is how many words a verification phrase has: 4 words from a
// list of 256 carry 32 bits.
const phraseWords = 4

// The cost of the argon2id derivation (RFC 9106) behind the phrase. An
// attacker in the middle must find a certificate whose phrase matches, about
// 2^32 derivations; each one needs phraseMemory KiB of memory filled
// phrasePasses times, so the search costs 2^32 times that instead of 2^32
// SHA-256 evaluations. See the package documentation for the figures.
const (
	phraseMemory  = 64 << 10 // KiB: 64 MiB
	phrasePasses  = 1
	phraseThreads = 1
)

// phraseSalt is argon2id's salt: fixed, since both sides must derive the
// same words, and versioned, since changing anything here changes every
// phrase and old and new versions would disagree.
const phraseSalt = "qrtc phrase v1"

// verificationPhrase derives the phrase both sides show from their two DTLS
// fingerprints (RFC 8122 section 5) with argon2id. The fingerprints are
// sorted first, so the offerer and the answerer compute the same phrase. If
// a QR code was swapped or an attacker sat in the middle, each side sees a
// different fingerprint pair and, with odds of 1 in 2^32 against, a
// different phrase. It takes tens of milliseconds and 64 MiB of memory.
func verificationPhrase(a, b string) string {
	if a == "" || b == "" {
		return ""
	}
	fps := []string{a, b}
	slices.Sort(fps)
	key := argon2.IDKey([]byte(fps[0]+"\n"+fps[1]+"\n"), []byte(phraseSalt), phrasePasses, phraseMemory, phraseThreads, phraseWords)
	words := make([]string, phraseWords)
	for i := range words {
		words[i] = wordList[key[i]]
	}
	return strings.Join(words, " ")
}
