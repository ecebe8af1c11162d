package sdpcompact

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"
)

// Token layout constants; the package documentation explains them.
const (
	// Prefix starts every token: a person sees what it is, a program
	// recognises it (LooksLikeToken).
	Prefix = "QRTC"
	// Version is the token format version this package writes and reads.
	Version = 1

	alphabet      = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	headerLen     = len(Prefix) + 3 // prefix, version, type letter, length letter
	checksumLen   = 3
	checksumPrime = 46649 // largest prime below 36^3
	checksumBase  = 15    // a primitive root modulo checksumPrime
	checksumSalt  = 20741 // makes the checksum of an all-zero body nonzero
	chunkChars    = 6     // a chunk of 6 characters holds 31 bits
	chunkBits     = 31
	maxTokenLen   = 32 << 10
)

// partialBits[k] is the number of bits k < 6 characters hold:
// floor(k*log2(36)).
var partialBits = [chunkChars]int{0, 5, 10, 15, 20, 25}

// Encode turns a complete data-channel description into a token such as
// "QRTC1O...". It returns ErrMediaNotSupported, ErrNoCandidates,
// ErrTooManyCandidates or ErrMalformedSDP for descriptions a token cannot
// carry; it never returns a partial token.
func Encode(d Description) (string, error) {
	return encode(d, nil)
}

// EncodeAnswer is Encode for an answer that also carries a 16-bit tag of the
// offer it answers, so that CheckAnswer can tell the offerer when an answer
// belongs to another (for example an earlier) offer.
func EncodeAnswer(answer, offer Description) (string, error) {
	if answer.Type != Answer || offer.Type != Offer {
		return "", fmt.Errorf("%w: EncodeAnswer needs an answer and an offer, got %s and %s", ErrMalformedSDP, answer.Type, offer.Type)
	}
	tag, err := offerTag(offer)
	if err != nil {
		return "", err
	}
	return encode(answer, &tag)
}

// CheckAnswer returns ErrWrongOffer when the answer token is tagged for
// another offer than offer, ErrWrongType when it is an offer token, nil
// when the tag matches or the token carries no tag, and the Decode error of
// a token that does not decode.
func CheckAnswer(answerToken string, offer Description) error {
	t, _, tag, err := decode(answerToken)
	if err != nil {
		return err
	}
	if t != Answer {
		return fmt.Errorf("%w: expected an answer token (%s%dA...), got an offer (%s...); paste the answer the other side printed, not an offer", ErrWrongType, Prefix, Version, normalize(answerToken)[:headerLen-1])
	}
	if tag == nil {
		return nil
	}
	want, err := offerTag(offer)
	if err != nil {
		return err
	}
	if *tag != want {
		return fmt.Errorf("%w: the answer was made for offer tag %04X, this offer is %04X; give the other side the current offer", ErrWrongOffer, *tag, want)
	}
	return nil
}

// offerTag hashes what identifies an offer: its ICE credentials and
// fingerprints.
func offerTag(offer Description) (uint16, error) {
	s, err := Parse(offer.SDP)
	if err != nil {
		return 0, fmt.Errorf("%w (in the offer)", err)
	}
	msg := fmt.Sprintf("qrtc offer tag v1\x00%s\x00%s", s.ICEUfrag, s.ICEPwd)
	for _, f := range s.Fingerprints {
		msg += fmt.Sprintf("\x00%s\x00%x", f.Algorithm, f.Value)
	}
	sum := sha256.Sum256([]byte(msg))
	return uint16(sum[0])<<8 | uint16(sum[1]), nil
}

// encode is Encode with an optional offer tag.
func encode(d Description, tag *uint16) (string, error) {
	if d.Type != Offer && d.Type != Answer {
		return "", fmt.Errorf("%w: description type %d is neither Offer nor Answer", ErrMalformedSDP, int(d.Type))
	}
	s, err := Parse(d.SDP)
	if err != nil {
		return "", err
	}
	return encodeSession(s, d.Type, tag)
}

// encodeSession writes the token of a session.
func encodeSession(s *Session, t Type, tag *uint16) (string, error) {
	w, err := pack(s, t, tag)
	if err != nil {
		return "", err
	}
	return formatToken(t, w.bits), nil
}

// formatToken writes prefix, version, type, length letter, the bits in
// base 36 and the checksum.
func formatToken(t Type, bits []bool) string {
	var b strings.Builder
	b.WriteString(Prefix)
	b.WriteByte(alphabet[Version])
	b.WriteByte("OA"[t-1])
	b.WriteByte('0') // length letter, set below
	for len(bits) > 0 {
		n := min(len(bits), chunkBits)
		chars, capacity := chunkChars, chunkBits
		if n <= partialBits[chunkChars-1] {
			chars = 1
			for partialBits[chars] < n {
				chars++
			}
			capacity = partialBits[chars]
		}
		var v uint64
		for i := 0; i < n; i++ {
			v <<= 1
			if bits[i] {
				v |= 1
			}
		}
		v <<= uint(capacity - n)
		bits = bits[n:]
		digits := make([]byte, chars)
		for i := chars - 1; i >= 0; i-- {
			digits[i] = alphabet[v%36]
			v /= 36
		}
		b.Write(digits)
	}
	return seal([]byte(b.String()))
}

// seal sets the length letter of tok, a token without its checksum, and
// appends the checksum.
func seal(tok []byte) string {
	tok[headerLen-1] = alphabet[(len(tok)+checksumLen)%36]
	c := checksum(tok)
	return string(tok) + string([]byte{alphabet[c/1296], alphabet[c/36%36], alphabet[c%36]})
}

// checksum is a weighted sum of the characters modulo a prime: any single
// substituted character and any swap of two different characters changes it.
func checksum(tok []byte) int {
	sum, w := checksumSalt, 1
	for _, c := range tok {
		w = w * checksumBase % checksumPrime
		sum = (sum + w*charValue(c)) % checksumPrime
	}
	return sum
}

// charValue returns the value 0 to 35 of a token character, or -1.
func charValue(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 10
	}
	return -1
}

// Decode turns a token back into a description whose SDP real WebRTC
// stacks accept. Case, whitespace and line breaks (as mail clients insert
// them) are ignored, and so are quotes or angle brackets around the token.
// A link made by Link (a URL with "://" whose fragment is the token) is read
// as its fragment.
// Errors say what is wrong: ErrNotToken, ErrUnsupportedVersion,
// ErrInvalidCharacter, ErrTruncated, ErrChecksum or ErrInvalidToken.
func Decode(token string) (Description, error) {
	t, s, _, err := decode(token)
	if err != nil {
		return Description{}, err
	}
	return Description{Type: t, SDP: s.marshal(t)}, nil
}

// normalize removes whitespace, invisible characters and surrounding quotes or angle brackets and
// upper-cases ASCII letters.
func normalize(token string) string {
	var b strings.Builder
	for _, r := range token {
		// Whitespace and invisible format characters (zero-width spaces,
		// byte order marks) that chat and mail programs insert.
		if unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) {
			continue
		}
		if r >= 'a' && r <= 'z' {
			r -= 'a' - 'A'
		}
		b.WriteRune(r)
	}
	s := b.String()
	for _, p := range []string{`""`, "''", "<>", "``"} {
		if len(s) >= 2 && s[0] == p[0] && s[len(s)-1] == p[1] {
			s = s[1 : len(s)-1]
		}
	}
	// A link that opens the page (Link): the token is its fragment.
	if strings.Contains(s, "://") {
		if i := strings.LastIndexByte(s, '#'); i >= 0 {
			s = s[i+1:]
		}
	}
	return s
}

// LooksLikeToken reports whether s looks like a token rather than a file
// name or an SDP: the prefix "QRTC" and a version digit, in any case,
// followed only by letters, digits and whitespace, or a link made by Link
// that ends in such a token. It does not check the
// checksum; Decode does.
func LooksLikeToken(s string) bool {
	n := normalize(s)
	if len(n) < len(Prefix)+1 || !strings.HasPrefix(n, Prefix) || n[len(Prefix)] < '0' || n[len(Prefix)] > '9' {
		return false
	}
	for i := 0; i < len(n); i++ {
		if charValue(n[i]) < 0 {
			return false
		}
	}
	return true
}

// decode checks a token and reads its session and offer tag.
func decode(token string) (Type, *Session, *uint16, error) {
	tok := normalize(token)
	if len(tok) > maxTokenLen {
		return 0, nil, nil, fmt.Errorf("%w: %d characters, more than any token has", ErrNotToken, len(tok))
	}
	if !strings.HasPrefix(tok, Prefix) {
		if strings.HasPrefix(Prefix, tok) && tok != "" {
			return 0, nil, nil, fmt.Errorf("%w: got %d characters; copy the whole token", ErrTruncated, len(tok))
		}
		return 0, nil, nil, fmt.Errorf("%w: text starts with %q, a token starts with %q; paste the token the other side printed", ErrNotToken, clip(tok, 8), Prefix)
	}
	for i := 0; i < len(tok); i++ {
		if charValue(tok[i]) < 0 {
			r := []rune(tok[i:])[0]
			return 0, nil, nil, fmt.Errorf("%w: %q at position %d; a token has only letters and digits, retype that character", ErrInvalidCharacter, r, i+1)
		}
	}
	if len(tok) < headerLen+checksumLen+1 {
		return 0, nil, nil, fmt.Errorf("%w: got %d characters; copy the whole token", ErrTruncated, len(tok))
	}
	if v := charValue(tok[len(Prefix)]); v != Version {
		fixed := []byte(tok)
		fixed[len(Prefix)] = alphabet[Version]
		if len(tok) >= headerLen+checksumLen+1 && validToken(fixed) {
			return 0, nil, nil, fmt.Errorf("%w: character %d %q should be %q; retype it", ErrChecksum, len(Prefix)+1, tok[len(Prefix)], alphabet[Version])
		}
		return 0, nil, nil, fmt.Errorf("%w: token version %q, this qrtc reads version %d; use the same qrtc version on both sides", ErrUnsupportedVersion, tok[len(Prefix)], Version)
	}
	body := []byte(tok[:len(tok)-checksumLen])
	if checksum(body) != checksumValue(tok[len(tok)-checksumLen:]) {
		return 0, nil, nil, checksumError(tok)
	}
	return decodeChecked(tok)
}

// tokenType returns the type a token's type letter names, as formatToken
// writes it, or 0 for another letter.
func tokenType(tok string) Type {
	return Type(strings.IndexByte("OA", tok[len(Prefix)+1]) + 1)
}

// decodeChecked reads a token whose checksum matches.
func decodeChecked(tok string) (Type, *Session, *uint16, error) {
	t := tokenType(tok)
	if t == 0 {
		return 0, nil, nil, fmt.Errorf("%w: type letter %q is neither O (offer) nor A (answer); the token was not made by qrtc", ErrInvalidToken, tok[len(Prefix)+1])
	}
	r := &bitReader{bits: tokenBits([]byte(tok[headerLen : len(tok)-checksumLen]))}
	if r.bits == nil {
		return 0, nil, nil, fmt.Errorf("%w: a character group is out of range; the token was not made by qrtc", ErrInvalidToken)
	}
	s, tag, err := unpack(r, t)
	if err != nil {
		return 0, nil, nil, fmt.Errorf("%w: %v; the token was not made by qrtc %d", ErrInvalidToken, err, Version)
	}
	if again, err := encodeSession(s, t, tag); err != nil || again != tok {
		return 0, nil, nil, fmt.Errorf("%w: the content is not in canonical form; the token was not made by qrtc %d", ErrInvalidToken, Version)
	}
	return t, s, tag, nil
}

// validToken reports whether t is a token that decodes: the checksum
// matches and the content is canonical.
func validToken(t []byte) bool {
	if len(t) <= headerLen+checksumLen || checksum(t[:len(t)-checksumLen]) != checksumValue(string(t[len(t)-checksumLen:])) {
		return false
	}
	_, _, _, err := decodeChecked(string(t))
	return err == nil
}

// checksumValue reads the 3 checksum characters; -1 when out of range.
func checksumValue(c string) int {
	v := charValue(c[0])*1296 + charValue(c[1])*36 + charValue(c[2])
	if v >= checksumPrime {
		return -1
	}
	return v
}

// maxSearch bounds the searches of checksumError (quadratic for a missing
// character); QR codes of longer tokens are unwieldy anyway.
const maxSearch = 400

// checksumError tells a truncated token from a mistyped one. The length
// letter says how long the token should be (modulo 36).
//
// When it agrees, the token is either complete with a wrong character or
// short by a multiple of 36 characters. If changing one character or
// swapping two neighbours makes a token that decodes, a character is wrong.
// Otherwise the payload says: it describes its own length, so the payload
// of a token cut short runs out of bits (truncatedPayload).
//
// When the length letter does not agree and the token is one character
// short or long and inserting or deleting one character makes a token that
// decodes, a character is missing or doubled in the middle; when only
// fixing the length letter itself makes it decode, that letter is mistyped;
// otherwise characters are missing at the end.
func checksumError(tok string) error {
	n := len(tok)
	valid := validToken
	mistyped := fmt.Errorf("%w: a character is mistyped or two are swapped; compare the token character by character or scan its QR code", ErrChecksum)
	missing := n + (charValue(tok[headerLen-1])-n%36+36)%36
	if missing == n {
		// Linear in the length, so not bounded by maxSearch.
		if err := repairHint(tok); err != nil {
			return err
		}
		if truncatedPayload(tok) {
			return fmt.Errorf("%w: got %d characters and 36 or more are missing at the end; copy the whole token", ErrTruncated, n)
		}
		return mistyped
	}
	fixed := []byte(tok)
	fixed[headerLen-1] = alphabet[n%36]
	if valid(fixed) {
		return mistyped
	}
	if missing == n+1 && n <= maxSearch {
		for _, c := range []byte(alphabet) {
			if valid([]byte(tok + string(c))) {
				return fmt.Errorf("%w: got %d of at least %d characters; copy the whole token", ErrTruncated, n, missing)
			}
		}
		for i := headerLen; i < n; i++ {
			for _, c := range []byte(alphabet) {
				if valid([]byte(tok[:i] + string(c) + tok[i:])) {
					return fmt.Errorf("%w: a character is missing near position %d; compare the token character by character or scan its QR code", ErrChecksum, i+1)
				}
			}
		}
	}
	if missing == n+35 && n <= maxSearch {
		for i := headerLen; i < n; i++ {
			if valid([]byte(tok[:i] + tok[i+1:])) {
				return fmt.Errorf("%w: character %d %q is one too many; delete it", ErrChecksum, i+1, tok[i])
			}
		}
	}
	return fmt.Errorf("%w: got %d of at least %d characters; copy the whole token", ErrTruncated, n, missing)
}

// repairHint returns an ErrChecksum error naming the characters to look
// at when changing one character, or swapping two neighbouring ones, of tok
// makes a token that decodes; nil otherwise. The checksum of each change is
// updated in constant time, so only the few changes whose checksum matches
// are decoded. Several changes can fit (a change of one character can be
// balanced by a change of its neighbour), so the error names every
// position that could be wrong, the one fix only when there is one.
func repairHint(tok string) error {
	n := len(tok)
	body := n - checksumLen
	weights := make([]int, body)
	w := 1
	for i := range weights {
		w = w * checksumBase % checksumPrime
		weights[i] = w
	}
	sum := checksum([]byte(tok[:body]))
	want := checksumValue(tok[body:])
	type fix struct {
		i, j int  // positions changed; j == i+1 for a swap
		c    byte // the character that fits at i, for a substitution
	}
	var fixes []fix
	const maxFixes = 4
	try := func(f fix) {
		t := []byte(tok)
		if f.j > f.i {
			t[f.i], t[f.j] = t[f.j], t[f.i]
		} else {
			t[f.i] = f.c
		}
		if validToken(t) {
			fixes = append(fixes, f)
		}
	}
	// One wrong character: the type letter, in the body or the checksum.
	for i := len(Prefix) + 1; i < n && len(fixes) < maxFixes; i++ {
		if i == len(Prefix)+2 {
			i = headerLen // the length letter agrees
		}
		old := charValue(tok[i])
		for v := 0; v < 36; v++ {
			if v == old {
				continue
			}
			if i < body && (sum+weights[i]*(v-old)%checksumPrime+checksumPrime)%checksumPrime != want {
				continue
			}
			if i >= body {
				c := []byte(tok[body:])
				c[i-body] = alphabet[v]
				if checksumValue(string(c)) != sum {
					continue
				}
			}
			try(fix{i, i, alphabet[v]})
		}
	}
	// Two neighbours swapped in the body.
	for i := headerLen; i+1 < body && len(fixes) < maxFixes; i++ {
		a, b := charValue(tok[i]), charValue(tok[i+1])
		if a != b && (sum+(weights[i]-weights[i+1])*(b-a)%checksumPrime+2*checksumPrime)%checksumPrime == want {
			try(fix{i, i + 1, 0})
		}
	}
	const compare = "compare the token character by character or scan its QR code"
	switch {
	case len(fixes) == 0:
		return nil
	case len(fixes) == 1 && fixes[0].j > fixes[0].i:
		f := fixes[0]
		return fmt.Errorf("%w: characters %d and %d (%q and %q) are probably swapped; %s", ErrChecksum, f.i+1, f.j+1, tok[f.i], tok[f.j], compare)
	case len(fixes) == 1:
		f := fixes[0]
		return fmt.Errorf("%w: character %d %q is probably mistyped (%q fits); %s", ErrChecksum, f.i+1, tok[f.i], f.c, compare)
	}
	var at []string
	for _, f := range fixes {
		p := fmt.Sprint(f.i + 1)
		if f.j > f.i {
			p += "-" + fmt.Sprint(f.j+1)
		}
		if !slices.Contains(at, p) {
			at = append(at, p)
		}
	}
	return fmt.Errorf("%w: a character is mistyped or two are swapped, probably at %s; %s", ErrChecksum, strings.Join(at, ", "), compare)
}

// truncatedPayload reports whether the token looks cut short: read as a
// complete token whose checksum is wrong, its payload runs out of bits, or
// fails in its last character group, which in a token cut short holds the
// first characters of a longer group (garbage when read as a short group).
// Read as a token cut short instead, with the last three characters part
// of the body, every group but the last is the sender's, and the payload of
// a token that has lost 36 characters needs over 150 more bits than are
// left.
func truncatedPayload(tok string) bool {
	t := tokenType(tok)
	if t == 0 {
		return false
	}
	body := []byte(tok[headerLen : len(tok)-checksumLen])
	full := len(body) / chunkChars * chunkChars
	var bits []bool
	if full > 0 {
		if bits = tokenBits(body[:full]); bits == nil {
			// A group out of range: a wrong character, not a cut.
			return false
		}
	}
	last := len(bits)
	if full < len(body) {
		if tail := tokenBits(body[full:]); tail != nil {
			bits = append(bits, tail...)
		}
	}
	r := &bitReader{bits: bits}
	_, _, err := unpack(r, t)
	return err != nil && (errors.Is(r.err, errOutOfBits) || r.pos > last)
}

// tokenBits turns the base-36 body into bits; nil when a chunk is out of
// range.
func tokenBits(body []byte) []bool {
	bits := make([]bool, 0, len(body)*chunkBits/chunkChars+chunkBits)
	for len(body) > 0 {
		chars := min(len(body), chunkChars)
		n := chunkBits
		if chars < chunkChars {
			n = partialBits[chars]
		}
		var v uint64
		for _, c := range body[:chars] {
			v = v*36 + uint64(charValue(c))
		}
		if v >= 1<<uint(n) {
			return nil
		}
		for i := n - 1; i >= 0; i-- {
			bits = append(bits, v>>uint(i)&1 == 1)
		}
		body = body[chars:]
	}
	if len(bits) == 0 {
		return nil
	}
	return bits
}

// isDecodeError reports whether err is one of the errors Decode returns for
// a bad token (not an internal one).
func isDecodeError(err error) bool {
	for _, e := range []error{ErrNotToken, ErrUnsupportedVersion, ErrTruncated, ErrChecksum, ErrInvalidCharacter, ErrInvalidToken} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}
