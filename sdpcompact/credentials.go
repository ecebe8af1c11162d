package sdpcompact

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"

	"github.com/qrtc/qrtc/onescan"
)

// credentialSeedSize is the number of random bytes behind qrtc's own ICE
// credentials: 128 bits, the least RFC 8445 section 5.3 allows for the
// password.
const credentialSeedSize = 16

// NewICECredentials returns an ICE username fragment and password drawn
// from crypto/rand that a token stores in exactly 128 bits. The password is
// 16 random bytes in unpadded standard base64 (22 characters, the RFC 8839
// section 5.4 minimum, all ice-chars); the ufrag is 4 characters derived
// from those bytes with SHA-256, so it reveals nothing of the password.
// Give both to pion with SettingEngine.SetICECredentials before creating the
// offer or answer. Credentials from any other source work too; they only
// make a longer token.
func NewICECredentials() (ufrag, pwd string, err error) {
	seed := make([]byte, credentialSeedSize)
	if _, err := rand.Read(seed); err != nil {
		return "", "", fmt.Errorf("sdpcompact: reading random bytes for ICE credentials: %w", err)
	}
	ufrag, pwd = credentialsFromSeed(seed)
	return ufrag, pwd, nil
}

// credentialsFromSeed derives the ufrag and password of a 16-byte seed.
func credentialsFromSeed(seed []byte) (ufrag, pwd string) {
	h := sha256.Sum256(append([]byte("qrtc ufrag v1"), seed...))
	return base64.RawStdEncoding.EncodeToString(h[:3]), base64.RawStdEncoding.EncodeToString(seed)
}

// oneScanSeed returns the 16 bytes behind the password of one-scan
// credentials (package onescan): a ufrag that onescan.Ufrag makes of the
// session's first fingerprint (sha-256) and max-message-size, and a
// password of 22 characters in base64. It returns nil for other sessions.
func oneScanSeed(s *Session) []byte {
	if len(s.ICEUfrag) != onescan.UfragLen || len(s.Fingerprints) == 0 || s.Fingerprints[0].Algorithm != "sha-256" {
		return nil
	}
	if u, err := onescan.Ufrag(s.Fingerprints[0].Value, s.MaxMessageSize); err != nil || u != s.ICEUfrag {
		return nil
	}
	seed, err := base64.RawStdEncoding.Strict().DecodeString(s.ICEPwd)
	if err != nil || len(seed) != credentialSeedSize || len(s.ICEPwd) != 22 {
		return nil
	}
	return seed
}

// oneScanCredentials returns the credentials oneScanSeed read, or false
// when the session cannot have them.
func oneScanCredentials(s *Session, seed []byte) (ufrag, pwd string, ok bool) {
	if len(s.Fingerprints) == 0 || s.Fingerprints[0].Algorithm != "sha-256" {
		return "", "", false
	}
	u, err := onescan.Ufrag(s.Fingerprints[0].Value, s.MaxMessageSize)
	if err != nil {
		return "", "", false
	}
	return u, base64.RawStdEncoding.EncodeToString(seed), true
}

// credentialSeed returns the seed of credentials made by NewICECredentials,
// or nil when ufrag and pwd are not such a pair.
func credentialSeed(ufrag, pwd string) []byte {
	if len(pwd) != 22 || len(ufrag) != 4 {
		return nil
	}
	seed, err := base64.RawStdEncoding.Strict().DecodeString(pwd)
	if err != nil || len(seed) != credentialSeedSize {
		return nil
	}
	if u, _ := credentialsFromSeed(seed); u != ufrag {
		return nil
	}
	return seed
}
