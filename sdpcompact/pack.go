package sdpcompact

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
)

// Field codes of token format version 1; doc.go describes the layout.
const (
	setupActpass = iota
	setupActive
	setupPassive
	setupHoldconn
)

var setupNames = [...]string{"actpass", "active", "passive", "holdconn"}

// maxMessageSizes are the max-message-size values with a 2-bit code; code 3
// means an explicit value.
var maxMessageSizes = [...]uint64{1073741823, 262144, 65536}

// transports are the candidate transports with their 2-bit code.
var transports = [...]struct{ protocol, tcpType string }{
	{"udp", ""}, {"tcp", "active"}, {"tcp", "passive"}, {"tcp", "so"},
}

// candidateTypes are the candidate types with their 2-bit code.
var candidateTypes = [...]string{"host", "srflx", "prflx", "relay"}

// Credential alphabets in a token.
const (
	credHexLower = iota // 0-9a-f, 4 bits a char
	credHexUpper        // 0-9A-F, 4 bits a char
	credICE             // ice-char, 6 bits a char
)

// defaultSetup is the DTLS role qrtc's peer uses for each type (RFC 8842
// section 5.2 and 5.3).
func defaultSetup(t Type) string {
	if t == Offer {
		return "actpass"
	}
	return "active"
}

// isProfile reports whether s is exactly what qrtc's own peer emits, which
// a token stores with a single flag bit.
func isProfile(s *Session, t Type) bool {
	seed, _ := sessionSeed(s)
	return seed != nil && isCommon(s, t) &&
		s.ICEOptions == "" && s.MaxMessageSize == maxMessageSizes[0]
}

// sessionSeed returns the 16 bytes a token stores for credentials made by
// NewICECredentials or for one-scan credentials (then oneScan is true), or
// nil for other credentials.
func sessionSeed(s *Session) (seed []byte, oneScan bool) {
	if seed := credentialSeed(s.ICEUfrag, s.ICEPwd); seed != nil {
		return seed, false
	}
	if seed := oneScanSeed(s); seed != nil {
		return seed, true
	}
	return nil, false
}

// pack writes the payload bits of a session. tag is the offer tag of an
// answer, or nil.
func pack(s *Session, t Type, tag *uint16) (*bitWriter, error) {
	if len(s.Candidates) == 0 {
		return nil, fmt.Errorf("%w: wait for ICE gathering to complete before taking the description", ErrNoCandidates)
	}
	if len(s.Candidates) > MaxCandidates {
		return nil, fmt.Errorf("%w: %d candidates, more than the %d a token carries; use fewer network interfaces or ICE servers", ErrTooManyCandidates, len(s.Candidates), MaxCandidates)
	}
	w := &bitWriter{}
	if t == Answer {
		w.flag(tag != nil)
		if tag != nil {
			w.write(uint64(*tag), 16)
		}
	}
	if isProfile(s, t) {
		w.flag(true)
		seed, _ := sessionSeed(s)
		w.bytes(seed)
		w.bytes(s.Fingerprints[0].Value)
	} else {
		w.flag(false)
		if err := packSettings(w, s, t); err != nil {
			return nil, err
		}
	}
	w.expGolomb(uint64(len(s.Candidates)-1), 0)
	for j, c := range s.Candidates {
		if j > 0 && typePreference(c.Type) > typePreference(s.Candidates[j-1].Type) {
			return nil, fmt.Errorf("%w: candidate %d (%s) comes after a less preferred %s candidate; Parse orders candidates by preference", ErrMalformedSDP, j+1, c.Type, s.Candidates[j-1].Type)
		}
		if err := packCandidate(w, s.Candidates[:j], c); err != nil {
			return nil, fmt.Errorf("%w (candidate %d)", err, j+1)
		}
	}
	// The extension bits; trailing zeros are left out.
	if _, oneScanCreds := sessionSeed(s); oneScanCreds {
		w.flag(s.OneScan)
		w.flag(true)
	} else if s.OneScan {
		w.flag(true)
	}
	return w, nil
}

// packSettings writes the fields a non-profile session spells out.
func packSettings(w *bitWriter, s *Session, t Type) error {
	if seed, _ := sessionSeed(s); seed != nil {
		w.flag(true)
		w.bytes(seed)
	} else {
		w.flag(false)
		shape := credentialShape(s.ICEUfrag, s.ICEPwd)
		w.write(uint64(shape), 2)
		if shape == shapeExplicit {
			if err := packCredential(w, s.ICEUfrag, 4, 2); err != nil {
				return err
			}
			if err := packCredential(w, s.ICEPwd, 22, 3); err != nil {
				return err
			}
		} else {
			packShaped(w, s.ICEUfrag+s.ICEPwd, credentialShapes[shape].alphabet)
		}
	}
	common := isCommon(s, t)
	w.flag(common)
	if common {
		w.bytes(s.Fingerprints[0].Value)
	} else if err := packUncommon(w, s, t); err != nil {
		return err
	}
	switch s.ICEOptions {
	case "":
		w.write(0, 2)
	case "trickle":
		w.write(1, 2)
	default:
		w.write(2, 2)
		if err := checkText("ice-options", s.ICEOptions, true); err != nil {
			return err
		}
		if s.ICEOptions != strings.Join(strings.Fields(s.ICEOptions), " ") {
			return fmt.Errorf("%w: ice-options %q must be tags separated by single spaces", ErrMalformedSDP, s.ICEOptions)
		}
		packString(w, s.ICEOptions)
	}
	code := 3
	for i, v := range maxMessageSizes {
		if v == s.MaxMessageSize {
			code = i
		}
	}
	w.write(uint64(code), 2)
	if code == 3 {
		if s.MaxMessageSize > 1<<32-1 {
			return fmt.Errorf("%w: max-message-size %d is larger than 4294967295", ErrMalformedSDP, s.MaxMessageSize)
		}
		w.expGolomb(s.MaxMessageSize, 16)
	}
	return nil
}

// isCommon reports whether the settings of s other than credentials,
// ice-options and max-message-size are what browsers and pion use: one
// sha-256 fingerprint, no ICE lite, the default DTLS role, mid "0" and SCTP
// port 5000.
func isCommon(s *Session, t Type) bool {
	return len(s.Fingerprints) == 1 && s.Fingerprints[0].Algorithm == "sha-256" &&
		!s.ICELite && s.Setup == defaultSetup(t) && s.MID == "0" && s.SCTPPort == 5000
}

// packUncommon writes the settings isCommon covers.
func packUncommon(w *bitWriter, s *Session, t Type) error {
	w.flag(s.ICELite)
	if len(s.Fingerprints) == 0 || len(s.Fingerprints) > maxFingerprints {
		return fmt.Errorf("%w: %d fingerprints; a token carries 1 to %d", ErrMalformedSDP, len(s.Fingerprints), maxFingerprints)
	}
	w.expGolomb(uint64(len(s.Fingerprints)-1), 0)
	for _, f := range s.Fingerprints {
		code := hashCode(f.Algorithm)
		if code < 0 || len(f.Value) != hashAlgorithms[code].size {
			return fmt.Errorf("%w: fingerprint algorithm %q with %d bytes is not supported", ErrMalformedSDP, f.Algorithm, len(f.Value))
		}
		w.write(uint64(code), 3)
		w.bytes(f.Value)
	}
	setup := -1
	for i, n := range setupNames {
		if n == s.Setup {
			setup = i
		}
	}
	if setup < 0 {
		return fmt.Errorf("%w: setup %q is not actpass, active, passive or holdconn", ErrMalformedSDP, s.Setup)
	}
	w.flag(s.Setup == defaultSetup(t))
	if s.Setup != defaultSetup(t) {
		w.write(uint64(setup), 2)
	}
	w.flag(s.MID == "0")
	if s.MID != "0" {
		if err := checkText("mid", s.MID, false); err != nil {
			return err
		}
		packString(w, s.MID)
	}
	if s.SCTPPort < 0 || s.SCTPPort > 65535 {
		return fmt.Errorf("%w: sctp-port %d is not a port number", ErrMalformedSDP, s.SCTPPort)
	}
	w.flag(s.SCTPPort == 5000)
	if s.SCTPPort != 5000 {
		w.write(uint64(s.SCTPPort), 16)
	}
	return nil
}

// Credential shapes: the ufrag and password lengths and alphabet of common
// stacks, stored in 2 bits instead of alphabets and lengths.
const (
	shapeLibWebRTC = iota // Chromium, Safari: 4 + 24 ice-chars
	shapeFirefox          // 8 + 32 lower-case hex digits
	shapePion             // pion's default: 16 + 32 ice-chars
	shapeExplicit         // alphabets and lengths spelled out
)

var credentialShapes = [...]struct {
	ufrag, pwd int
	alphabet   int
}{
	shapeLibWebRTC: {4, 24, credICE},
	shapeFirefox:   {8, 32, credHexLower},
	shapePion:      {16, 32, credICE},
}

// credentialShape returns the shape of a ufrag and password.
func credentialShape(ufrag, pwd string) int {
	for i, sh := range credentialShapes[:shapeExplicit] {
		if len(ufrag) == sh.ufrag && len(pwd) == sh.pwd && credentialAlphabet(ufrag+pwd) <= sh.alphabet {
			if sh.alphabet == credHexLower && credentialAlphabet(ufrag+pwd) != credHexLower {
				continue
			}
			return i
		}
	}
	return shapeExplicit
}

// credentialAlphabet returns the smallest alphabet v fits.
func credentialAlphabet(v string) int {
	switch {
	case strings.Trim(v, "0123456789abcdef") == "":
		return credHexLower
	case strings.Trim(v, "0123456789ABCDEF") == "":
		return credHexUpper
	}
	return credICE
}

// packShaped writes credential characters in an alphabet.
func packShaped(w *bitWriter, v string, alphabet int) {
	for i := 0; i < len(v); i++ {
		if alphabet == credICE {
			w.write(uint64(iceCharValue(v[i])), 6)
		} else {
			w.write(uint64(strings.IndexByte("0123456789abcdef", v[i]|0x20)), 4)
		}
	}
}

// unpackShaped reads n credential characters in an alphabet.
func unpackShaped(r *bitReader, n, alphabet int) string {
	b := make([]byte, n)
	for i := range b {
		switch alphabet {
		case credICE:
			b[i] = iceChars[r.read(6)]
		case credHexLower:
			b[i] = "0123456789abcdef"[r.read(4)]
		default:
			b[i] = "0123456789ABCDEF"[r.read(4)]
		}
	}
	return string(b)
}

// packCredential writes an ICE ufrag or password: alphabet, length above
// min, characters.
func packCredential(w *bitWriter, v string, min, k int) error {
	if err := checkCredential("ice credential", v, min); err != nil {
		return err
	}
	alphabet := credentialAlphabet(v)
	w.write(uint64(alphabet), 2)
	w.expGolomb(uint64(len(v)-min), k)
	packShaped(w, v, alphabet)
	return nil
}

// packString writes a length and bytes.
func packString(w *bitWriter, v string) {
	w.expGolomb(uint64(len(v)-1), 0)
	w.bytes([]byte(v))
}

// packCandidate writes one candidate; earlier are the ones before it.
func packCandidate(w *bitWriter, earlier []Candidate, c Candidate) error {
	typ, tr := -1, -1
	for i, n := range candidateTypes {
		if n == c.Type {
			typ = i
		}
	}
	for i, x := range transports {
		if x.protocol == c.Protocol && x.tcpType == c.TCPType {
			tr = i
		}
	}
	if typ < 0 || tr < 0 {
		return fmt.Errorf("%w: candidate type %q, protocol %q, tcptype %q are not supported", ErrMalformedSDP, c.Type, c.Protocol, c.TCPType)
	}
	w.flag(typ == 0 && tr == 0)
	if typ != 0 || tr != 0 {
		w.write(uint64(typ), 2)
		w.write(uint64(tr), 2)
	}
	if err := packAddress(w, earlier, c.Address); err != nil {
		return err
	}
	if c.Port < 0 || c.Port > 65535 || c.RelatedPort < 0 || c.RelatedPort > 65535 {
		return fmt.Errorf("%w: port %d or %d is not a port number", ErrMalformedSDP, c.Port, c.RelatedPort)
	}
	if tr == 1 {
		// RFC 6544 section 4.5: active candidates have port 9.
		w.flag(c.Port == 9)
		if c.Port != 9 {
			w.write(uint64(c.Port), 16)
		}
	} else {
		w.write(uint64(c.Port), 16)
	}
	if typ == 0 {
		if c.RelatedAddress != "" || c.RelatedPort != 0 {
			return fmt.Errorf("%w: host candidate with a related address", ErrMalformedSDP)
		}
		return nil
	}
	if c.RelatedAddress == "0.0.0.0" && c.RelatedPort == 0 {
		w.flag(false)
		return nil
	}
	w.flag(true)
	for i, e := range earlier {
		if e.Address == c.RelatedAddress && e.Port == c.RelatedPort {
			w.flag(false)
			w.write(uint64(i), refBits(len(earlier)))
			return nil
		}
	}
	w.flag(true)
	if err := packAddress(w, earlier, c.RelatedAddress); err != nil {
		return err
	}
	w.write(uint64(c.RelatedPort), 16)
	return nil
}

// refBits is the number of bits of an index below n.
func refBits(n int) int {
	b := 0
	for 1<<uint(b) < n {
		b++
	}
	return b
}

// mdnsUUID returns the bytes of a "<uuid>.local" name whose UUID is a
// lower-case RFC 9562 version 4 UUID, or nil.
func mdnsUUID(a string) []byte {
	if len(a) != 42 || !strings.HasSuffix(a, ".local") {
		return nil
	}
	s := a[:36]
	for i, c := range []byte(s) {
		dash := i == 8 || i == 13 || i == 18 || i == 23
		if dash != (c == '-') || (!dash && !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
			return nil
		}
	}
	b, err := hex.DecodeString(strings.ReplaceAll(s, "-", ""))
	if err != nil || b[6]>>4 != 4 || b[8]>>6 != 2 {
		return nil
	}
	return b
}

// formatUUID writes 16 bytes as a lower-case UUID.
func formatUUID(b []byte) string {
	h := hex.EncodeToString(b)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// unpack reads the payload bits of a session; it returns the offer tag of
// an answer, or nil.
func unpack(r *bitReader, t Type) (*Session, *uint16, error) {
	var tag *uint16
	if t == Answer && r.flag() {
		v := uint16(r.read(16))
		tag = &v
	}
	s := &Session{}
	if r.flag() {
		s.ICEUfrag, s.ICEPwd = credentialsFromSeed(r.bytes(credentialSeedSize))
		s.Fingerprints = []Fingerprint{{Algorithm: "sha-256", Value: r.bytes(32)}}
		s.Setup, s.MID, s.SCTPPort, s.MaxMessageSize = defaultSetup(t), "0", 5000, maxMessageSizes[0]
	} else if err := unpackSettings(r, s, t); err != nil {
		return nil, nil, err
	}
	n := r.expGolomb(0)
	if r.err != nil {
		return nil, nil, r.err
	}
	if n >= MaxCandidates {
		return nil, nil, errInvalidField
	}
	s.Candidates = make([]Candidate, 0, n+1)
	for j := 0; j <= int(n); j++ {
		c, err := unpackCandidate(r, s.Candidates)
		if err != nil {
			return nil, nil, err
		}
		s.Candidates = append(s.Candidates, c)
	}
	s.OneScan = r.optionalFlag()
	if r.optionalFlag() {
		// One-scan credentials: the 128 bits read as a seed are the
		// password's bytes, the ufrag comes from the fingerprint.
		seed, err := base64.RawStdEncoding.Strict().DecodeString(s.ICEPwd)
		if err != nil || len(seed) != credentialSeedSize {
			return nil, nil, errInvalidField
		}
		var ok bool
		if s.ICEUfrag, s.ICEPwd, ok = oneScanCredentials(s, seed); !ok {
			return nil, nil, errInvalidField
		}
	}
	return s, tag, r.err
}

// unpackSettings reads what packSettings wrote.
func unpackSettings(r *bitReader, s *Session, t Type) error {
	if r.flag() {
		s.ICEUfrag, s.ICEPwd = credentialsFromSeed(r.bytes(credentialSeedSize))
	} else if shape := r.read(2); shape == shapeExplicit {
		var err error
		if s.ICEUfrag, err = unpackCredential(r, 4, 2); err != nil {
			return err
		}
		if s.ICEPwd, err = unpackCredential(r, 22, 3); err != nil {
			return err
		}
	} else {
		sh := credentialShapes[shape]
		s.ICEUfrag = unpackShaped(r, sh.ufrag, sh.alphabet)
		s.ICEPwd = unpackShaped(r, sh.pwd, sh.alphabet)
	}
	if r.flag() {
		s.Fingerprints = []Fingerprint{{Algorithm: "sha-256", Value: r.bytes(32)}}
		s.Setup, s.MID, s.SCTPPort = defaultSetup(t), "0", 5000
	} else if err := unpackUncommon(r, s, t); err != nil {
		return err
	}
	switch r.read(2) {
	case 1:
		s.ICEOptions = "trickle"
	case 2:
		v, err := unpackString(r)
		if err != nil {
			return err
		}
		s.ICEOptions = v
	case 3:
		return errInvalidField
	}
	if code := r.read(2); code < 3 {
		s.MaxMessageSize = maxMessageSizes[code]
	} else {
		s.MaxMessageSize = r.expGolomb(16)
		if s.MaxMessageSize > 1<<32-1 {
			return errInvalidField
		}
	}
	return r.err
}

// unpackUncommon reads what packUncommon wrote.
func unpackUncommon(r *bitReader, s *Session, t Type) error {
	s.ICELite = r.flag()
	n := r.expGolomb(0)
	if r.err != nil || n >= maxFingerprints {
		return orInvalid(r.err)
	}
	for i := 0; i <= int(n); i++ {
		code := int(r.read(3))
		if code >= len(hashAlgorithms) {
			return errInvalidField
		}
		s.Fingerprints = append(s.Fingerprints, Fingerprint{Algorithm: hashAlgorithms[code].name, Value: r.bytes(hashAlgorithms[code].size)})
	}
	s.Setup = defaultSetup(t)
	if !r.flag() {
		s.Setup = setupNames[r.read(2)]
	}
	s.MID = "0"
	if !r.flag() {
		v, err := unpackString(r)
		if err != nil {
			return err
		}
		s.MID = v
	}
	s.SCTPPort = 5000
	if !r.flag() {
		s.SCTPPort = int(r.read(16))
	}
	return r.err
}

// orInvalid returns err, or errInvalidField when err is nil.
func orInvalid(err error) error {
	if err != nil {
		return err
	}
	return errInvalidField
}

// unpackCredential reads what packCredential wrote.
func unpackCredential(r *bitReader, min, k int) (string, error) {
	alphabet := r.read(2)
	n := r.expGolomb(k)
	if r.err != nil || alphabet > credICE || n > maxCredLen-uint64(min) {
		return "", orInvalid(r.err)
	}
	v := unpackShaped(r, int(n)+min, int(alphabet))
	return v, r.err
}

// unpackString reads what packString wrote.
func unpackString(r *bitReader) (string, error) {
	n := r.expGolomb(0)
	if r.err != nil || n >= maxStringLen {
		return "", orInvalid(r.err)
	}
	b := r.bytes(int(n) + 1)
	return string(b), r.err
}

// unpackCandidate reads what packCandidate wrote.
func unpackCandidate(r *bitReader, earlier []Candidate) (Candidate, error) {
	var c Candidate
	typ, tr := uint64(0), uint64(0)
	if !r.flag() {
		typ, tr = r.read(2), r.read(2)
	}
	c.Type, c.Protocol, c.TCPType = candidateTypes[typ], transports[tr].protocol, transports[tr].tcpType
	var err error
	if c.Address, err = unpackAddress(r, earlier); err != nil {
		return c, err
	}
	if tr == 1 && r.flag() {
		c.Port = 9
	} else {
		c.Port = int(r.read(16))
	}
	if typ == 0 {
		return c, r.err
	}
	c.RelatedAddress = "0.0.0.0"
	if !r.flag() {
		return c, r.err
	}
	if !r.flag() {
		i := r.read(refBits(len(earlier)))
		if r.err != nil || i >= uint64(len(earlier)) {
			return c, orInvalid(r.err)
		}
		c.RelatedAddress, c.RelatedPort = earlier[i].Address, earlier[i].Port
		return c, nil
	}
	if c.RelatedAddress, err = unpackAddress(r, earlier); err != nil {
		return c, err
	}
	c.RelatedPort = int(r.read(16))
	return c, r.err
}
