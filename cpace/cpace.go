package cpace

import (
	"crypto/sha512"
	"crypto/subtle"
	"fmt"
	"io"

	"github.com/gtank/ristretto255"
)

// DSI is the domain separation identifier of the ristretto255 group
// environment (draft-irtf-cfrg-cpace-21 section 8.3).
const DSI = "CPaceRistretto255"

// ShareSize is the length of a public share: an encoded ristretto255
// element.
const ShareSize = 32

// KeySize is the length of the intermediate session key: a SHA-512 output.
const KeySize = 64

// hashBlockSize is H.s_in_bytes of SHA-512 (section 6.2).
const hashBlockSize = 128

// Role says which side of the initiator-responder setting a party plays; it
// fixes the order of the transcript.
type Role int

const (
	// Initiator is party A, whose share comes first in the transcript.
	Initiator Role = iota
	// Responder is party B.
	Responder
)

// State is one party's run of CPace: its secret scalar and public share.
// It is not safe for concurrent use.
type State struct {
	role  Role
	y     *ristretto255.Scalar
	share []byte
	ad    []byte
	sid   []byte
	done  bool
}

// Start begins a run: it derives the generator from the password prs, the
// channel identifier ci and the session id sid, chooses a secret scalar
// from rand and computes the public share. ad is this party's associated
// data (ADa or ADb), sent in the clear beside the share and bound into the
// key; it may be empty.
func Start(rand io.Reader, role Role, prs, ci, sid, ad []byte) (*State, error) {
	var b [32]byte
	if _, err := io.ReadFull(rand, b[:]); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrRandom, err)
	}
	return start(b, role, prs, ci, sid, ad)
}

// start is Start with the 32 random bytes given, for the test vectors.
func start(random [32]byte, role Role, prs, ci, sid, ad []byte) (*State, error) {
	random[31] &= 0x0f // keep 252 bits: the value is below the group order
	y := ristretto255.NewScalar()
	if err := y.Decode(random[:]); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrRandom, err) // cannot happen below 2^252
	}
	g := generator(prs, ci, sid)
	share := ristretto255.NewElement().ScalarMult(y, g).Encode(nil)
	return &State{role: role, y: y, share: share, ad: append([]byte(nil), ad...), sid: append([]byte(nil), sid...)}, nil
}

// Share returns this party's public share (Ya or Yb), ShareSize bytes, to
// send to the other party with its associated data.
func (s *State) Share() []byte { return append([]byte(nil), s.share...) }

// Finish takes the other party's public share and associated data and
// returns the intermediate session key ISK (KeySize bytes). Both parties get
// the same key if and only if they used the same password, channel
// identifier and session id, and saw the same shares and associated data.
// A share that does not decode, or that makes the shared point the
// identity, is refused with ErrBadShare. The secret scalar is erased: a
// State finishes once.
func (s *State) Finish(peerShare, peerAD []byte) ([]byte, error) {
	if s.done {
		return nil, ErrFinished
	}
	k, err := scalarMultVfy(s.y, peerShare)
	if err != nil {
		return nil, err
	}
	s.done = true
	s.y.Zero()
	var ya, ada, yb, adb []byte
	if s.role == Initiator {
		ya, ada, yb, adb = s.share, s.ad, peerShare, peerAD
	} else {
		ya, ada, yb, adb = peerShare, peerAD, s.share, s.ad
	}
	h := sha512.New()
	h.Write(lvCat([]byte(DSI+"_ISK"), s.sid, k))
	h.Write(lvCat(ya, ada))
	h.Write(lvCat(yb, adb))
	return h.Sum(nil), nil
}

// generator is G.calculate_generator of section 8.3.
func generator(prs, ci, sid []byte) *ristretto255.Element {
	h := sha512.Sum512(generatorString(prs, ci, sid))
	return ristretto255.NewElement().FromUniformBytes(h[:])
}

// generatorString is generator_string(DSI, PRS, CI, sid, H.s_in_bytes) of
// section 8.1.
func generatorString(prs, ci, sid []byte) []byte {
	zpad := hashBlockSize - len(prependLen(prs)) - len(prependLen([]byte(DSI))) - 1
	if zpad < 0 {
		zpad = 0
	}
	return lvCat([]byte(DSI), prs, make([]byte, zpad), ci, sid)
}

// scalarMultVfy is G.scalar_mult_vfy of section 8.3, returning an error
// where the draft returns the identity G.I.
func scalarMultVfy(y *ristretto255.Scalar, encoded []byte) ([]byte, error) {
	if len(encoded) != ShareSize {
		return nil, fmt.Errorf("%w: %d bytes, want %d", ErrBadShare, len(encoded), ShareSize)
	}
	p := ristretto255.NewElement()
	if err := p.Decode(encoded); err != nil {
		return nil, fmt.Errorf("%w: %x does not decode", ErrBadShare, encoded)
	}
	k := ristretto255.NewElement().ScalarMult(y, p).Encode(nil)
	identity := ristretto255.NewElement().Zero().Encode(nil)
	if subtle.ConstantTimeCompare(k, identity) == 1 {
		return nil, fmt.Errorf("%w: the shared point is the identity", ErrBadShare)
	}
	return k, nil
}

// leb128 appends the LEB128 encoding of n (section 6.3).
func leb128(b []byte, n int) []byte {
	for {
		if n < 0x80 {
			return append(b, byte(n))
		}
		b = append(b, byte(n&0x7f)|0x80)
		n >>= 7
	}
}

// prependLen is prepend_len of section 6.3.
func prependLen(s []byte) []byte { return append(leb128(nil, len(s)), s...) }

// lvCat is lv_cat of section 6.3.
func lvCat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(leb128(out, len(p)), p...)
	}
	return out
}
