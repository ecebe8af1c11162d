package onescan

import (
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"
)

// Attribute is the name of the SDP attribute (a=qrtc-one-scan) by which an
// offer says that its maker accepts one-scan answers.
const Attribute = "qrtc-one-scan"

// Layout of a version 1 one-scan ufrag; doc.go describes it.
const (
	prefix          = "QS1"
	fingerprintSize = sha256.Size
	// UfragLen is the length of a version 1 one-scan ufrag.
	UfragLen = len(prefix) + 1 + 43
	// passwordSalt is the HKDF salt of the password derivation.
	passwordSalt = "qrtc one-scan v1"
	passwordSize = 16
)

// sizes are the max-message-size values a ufrag can state, with their
// letters.
var sizes = [...]struct {
	letter byte
	size   uint64
}{{'A', 65536}, {'B', 262144}, {'C', 1073741823}}

// Answer is what a one-scan ufrag says about the answer.
type Answer struct {
	// Fingerprint is the SHA-256 fingerprint of the answerer's DTLS
	// certificate, 32 bytes.
	Fingerprint []byte
	// MaxMessageSize is the largest message the answerer accepts, at
	// least: 65536, 262144 or 1073741823.
	MaxMessageSize uint64
}

// Ufrag returns the one-scan ufrag of an answerer whose DTLS certificate
// has the SHA-256 fingerprint fp (32 bytes) and that accepts messages of
// maxMessageSize bytes (its a=max-message-size; 0 means no limit). It
// returns ErrNotDescribable when fp is not 32 bytes or maxMessageSize is
// below 65536.
func Ufrag(fp []byte, maxMessageSize uint64) (string, error) {
	if len(fp) != fingerprintSize {
		return "", fmt.Errorf("%w: fingerprint of %d bytes, want the 32 of SHA-256", ErrNotDescribable, len(fp))
	}
	if maxMessageSize != 0 && maxMessageSize < sizes[0].size {
		return "", fmt.Errorf("%w: max-message-size \"%d\" is below 65536", ErrNotDescribable, maxMessageSize)
	}
	letter := sizes[0].letter
	for _, s := range sizes {
		if maxMessageSize == 0 || maxMessageSize >= s.size {
			letter = s.letter
		}
	}
	return prefix + string(letter) + base64.RawStdEncoding.EncodeToString(fp), nil
}

// ParseUfrag reads a one-scan ufrag. It returns ErrNotOneScan for any
// other ufrag.
func ParseUfrag(ufrag string) (Answer, error) {
	if len(ufrag) != UfragLen || !strings.HasPrefix(ufrag, prefix) {
		return Answer{}, fmt.Errorf("%w: ufrag %q is not %d characters starting %q", ErrNotOneScan, clip(ufrag), UfragLen, prefix)
	}
	var a Answer
	for _, s := range sizes {
		if ufrag[len(prefix)] == s.letter {
			a.MaxMessageSize = s.size
		}
	}
	if a.MaxMessageSize == 0 {
		return Answer{}, fmt.Errorf("%w: ufrag %q has size letter %q, not A, B or C", ErrNotOneScan, clip(ufrag), ufrag[len(prefix)])
	}
	fp, err := base64.RawStdEncoding.Strict().DecodeString(ufrag[len(prefix)+1:])
	if err != nil || len(fp) != fingerprintSize {
		return Answer{}, fmt.Errorf("%w: ufrag %q does not end in 43 base64 characters of a SHA-256 fingerprint", ErrNotOneScan, clip(ufrag))
	}
	a.Fingerprint = fp
	return a, nil
}

// ParseUsername reads the USERNAME of a STUN Binding request that arrived
// at the offerer whose ufrag is offerUfrag: "<offerUfrag>:<answer ufrag>"
// (RFC 8445 section 7.2.2). It returns the answer ufrag and what it says,
// or ErrNotOneScan when the USERNAME is addressed to another ufrag or the
// answer ufrag is not a one-scan ufrag. It checks no integrity: the caller
// checks MESSAGE-INTEGRITY with the offer's password first.
func ParseUsername(username, offerUfrag string) (string, Answer, error) {
	local, remote, ok := strings.Cut(username, ":")
	if !ok || local != offerUfrag {
		return "", Answer{}, fmt.Errorf("%w: USERNAME %q is not \"%s:<answer ufrag>\"", ErrNotOneScan, clip(username), clip(offerUfrag))
	}
	a, err := ParseUfrag(remote)
	if err != nil {
		return "", Answer{}, err
	}
	return remote, a, nil
}

// Password returns the ICE password of the one-scan answer whose ufrag is
// answerUfrag, to the offer with ICE credentials offerUfrag and offerPwd:
// HKDF-SHA-256 (RFC 5869) as doc.go describes, 22 characters.
func Password(offerUfrag, offerPwd, answerUfrag string) string {
	key, err := hkdf.Key(sha256.New, []byte(offerPwd), []byte(passwordSalt), offerUfrag+":"+answerUfrag, passwordSize)
	if err != nil {
		// hkdf.Key fails only for a length beyond 255 hash sizes or outside
		// FIPS 140 rules; 16 bytes of SHA-256 is within both. An empty
		// password never matches a real check.
		return ""
	}
	return base64.RawStdEncoding.EncodeToString(key)
}

// clip shortens s for error messages.
func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}
