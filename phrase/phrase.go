package phrase

import (
	"slices"
	"strings"

	"golang.org/x/crypto/argon2"
)

// words is how many words a verification phrase has: 4 words from a list of
// 256 carry 32 bits.
const words = 4

// The cost of the argon2id derivation (RFC 9106); see the package
// documentation for the figures.
const (
	memory  = 64 << 10 // KiB: 64 MiB
	passes  = 1
	threads = 1
)

// salt is argon2id's salt: fixed, since both sides must derive the same
// words, and versioned, since changing anything here changes every phrase.
const salt = "qrtc phrase v1"

// Derive returns the verification phrase of a session from its two DTLS
// fingerprints, each in the a=fingerprint form "sha-256 AB:CD:..." (any case;
// Normalize is applied), in either order: both sides get the same four words.
// It returns "" when either fingerprint is empty. It takes tens of
// milliseconds and 64 MiB of memory.
func Derive(a, b string) string {
	a, b = Normalize(a), Normalize(b)
	if a == "" || b == "" {
		return ""
	}
	fps := []string{a, b}
	slices.Sort(fps)
	key := argon2.IDKey([]byte(fps[0]+"\n"+fps[1]+"\n"), []byte(salt), passes, memory, threads, words)
	out := make([]string, words)
	for i := range out {
		out[i] = wordList[key[i]]
	}
	return strings.Join(out, " ")
}

// Normalize turns a fingerprint such as "SHA-256 ab:cd" into "sha-256 AB:CD",
// so the same certificate gives the same text whoever wrote the SDP. It
// returns "" for text without a space between the hash name and the bytes.
func Normalize(fp string) string {
	alg, hex, ok := strings.Cut(strings.TrimSpace(fp), " ")
	if !ok {
		return ""
	}
	return strings.ToLower(alg) + " " + strings.ToUpper(strings.TrimSpace(hex))
}

// Fingerprint returns the first a=fingerprint attribute of SDP text,
// normalized, or "" when it has none. A session-level attribute comes before
// the media sections, so it wins, as in RFC 8122 section 5. For a data
// channel session, whose only media section is the data channel, this is the
// fingerprint peer uses.
func Fingerprint(sdp string) string {
	for line := range strings.Lines(sdp) {
		if v, ok := strings.CutPrefix(strings.TrimRight(line, "\r\n"), "a=fingerprint:"); ok {
			return Normalize(v)
		}
	}
	return ""
}
