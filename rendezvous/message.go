package rendezvous

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/ed25519"
	"crypto/hkdf"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"fmt"
	"strconv"
)

// version is the first byte of every message.
const version = 1

// Message types (the second byte).
const (
	typeHello  = 1 // offering side: sidA, Ya
	typeJoin   = 2 // joining side: sidA, sidB, Yb, confirmation tag
	typeOffer  = 3 // offering side: sidA, sidB, sealed offer token
	typeAnswer = 4 // joining side: sidA, sidB, sealed answer token
	typeBurned = 5 // either side: sidA, sidB; this session's code is burned
)

const (
	sidSize    = 16
	shareSize  = 32
	tagSize    = 16 // AES-GCM tag
	helloSize  = 2 + sidSize + shareSize
	headerSize = 2 + 2*sidSize
	joinSize   = headerSize + shareSize + tagSize
	// maxMessage keeps a message inside a BEP 44 item: v is at most 1000
	// bytes of bencoding, "996:" plus 996 bytes.
	maxMessage = 996
	// MaxTokenSize is the longest token a message can carry.
	MaxTokenSize = maxMessage - headerSize - tagSize
)

// role names a slot: the offering side writes one, the joining side the
// other.
type role byte

const (
	roleOffer role = 'o'
	roleJoin  role = 'j'
)

// slot is where one side of a number publishes: a BEP 44 mutable item.
type slot struct {
	key    ed25519.PrivateKey
	pub    [32]byte
	salt   []byte
	target [20]byte // SHA-1(public key || salt), BEP 44
}

// slotFor derives the slot of a number and a role from public data only:
// the ed25519 key from SHA-256("qrtc rendezvous v1 key " || number) and
// the salt "qrtc1" || role. Nothing of the secret words goes in.
func slotFor(number int, r role) slot {
	seed := sha256.Sum256([]byte("qrtc rendezvous v1 key " + strconv.Itoa(number)))
	key := ed25519.NewKeyFromSeed(seed[:])
	s := slot{key: key, salt: []byte{'q', 'r', 't', 'c', '1', byte(r)}}
	copy(s.pub[:], key.Public().(ed25519.PublicKey))
	s.target = sha1.Sum(append(append([]byte(nil), s.pub[:]...), s.salt...))
	return s
}

// message is a parsed rendezvous message.
type message struct {
	typ    byte
	sidA   [sidSize]byte
	sidB   [sidSize]byte // not in hello
	share  []byte        // hello, join
	sealed []byte        // join (the tag), offer and answer (token + tag)
}

// header returns the bytes before the share or the sealed part, which are
// the associated data of the seal.
func (m *message) header() []byte {
	h := []byte{version, m.typ}
	h = append(h, m.sidA[:]...)
	if m.typ != typeHello {
		h = append(h, m.sidB[:]...)
	}
	return h
}

// marshal writes the message.
func (m *message) marshal() []byte {
	b := m.header()
	b = append(b, m.share...)
	return append(b, m.sealed...)
}

// parseMessage reads a message, checking its version, type and length.
func parseMessage(b []byte) (*message, error) {
	if len(b) < 2 {
		return nil, fmt.Errorf("%w: %d bytes", ErrBadMessage, len(b))
	}
	if b[0] != version {
		return nil, fmt.Errorf("%w: version %d, this qrtc speaks %d: both sides need the same qrtc version", ErrBadMessage, b[0], version)
	}
	if len(b) > maxMessage {
		return nil, fmt.Errorf("%w: %d bytes, at most %d", ErrBadMessage, len(b), maxMessage)
	}
	m := &message{typ: b[1]}
	switch m.typ {
	case typeHello:
		if len(b) != helloSize {
			return nil, fmt.Errorf("%w: hello of %d bytes, want %d", ErrBadMessage, len(b), helloSize)
		}
	case typeJoin:
		if len(b) != joinSize {
			return nil, fmt.Errorf("%w: join of %d bytes, want %d", ErrBadMessage, len(b), joinSize)
		}
	case typeBurned:
		if len(b) != headerSize {
			return nil, fmt.Errorf("%w: burn notice of %d bytes, want %d", ErrBadMessage, len(b), headerSize)
		}
	case typeOffer, typeAnswer:
		if len(b) < headerSize+tagSize+1 {
			return nil, fmt.Errorf("%w: token message of %d bytes, want at least %d", ErrBadMessage, len(b), headerSize+tagSize+1)
		}
	default:
		return nil, fmt.Errorf("%w: unknown type %d", ErrBadMessage, m.typ)
	}
	copy(m.sidA[:], b[2:])
	rest := b[2+sidSize:]
	if m.typ != typeHello {
		copy(m.sidB[:], rest)
		rest = rest[sidSize:]
	}
	switch m.typ {
	case typeHello:
		m.share = append([]byte(nil), rest...)
	case typeJoin:
		m.share = append([]byte(nil), rest[:shareSize]...)
		m.sealed = append([]byte(nil), rest[shareSize:]...)
	default:
		m.sealed = append([]byte(nil), rest...)
	}
	return m, nil
}

// keys are the three single-use AEAD keys of a session, derived from the
// CPace key.
type keys struct {
	join, offer, answer cipher.AEAD
}

// deriveKeys expands the CPace intermediate session key with HKDF-SHA512
// (RFC 5869), salt sidA || sidB, info "qrtc rendezvous v1 " and the
// purpose, into three AES-256-GCM keys.
func deriveKeys(isk []byte, sidA, sidB [sidSize]byte) (*keys, error) {
	salt := append(append([]byte(nil), sidA[:]...), sidB[:]...)
	var k keys
	for _, p := range []struct {
		label string
		dst   *cipher.AEAD
	}{{"join", &k.join}, {"offer", &k.offer}, {"answer", &k.answer}} {
		key, err := hkdf.Key(sha512.New, isk, salt, "qrtc rendezvous v1 "+p.label, 32)
		if err != nil {
			return nil, err
		}
		block, err := aes.NewCipher(key)
		if err != nil {
			return nil, err
		}
		if *p.dst, err = cipher.NewGCM(block); err != nil {
			return nil, err
		}
	}
	return &k, nil
}

// zeroNonce is the nonce of every seal: each key seals one plaintext only
// (republishing sends the same bytes again).
var zeroNonce = make([]byte, 12)

// seal fills m.sealed with plaintext sealed under aead, bound to the header
// and the share.
func seal(aead cipher.AEAD, m *message, plaintext []byte) {
	ad := append(m.header(), m.share...)
	m.sealed = aead.Seal(nil, zeroNonce, plaintext, ad)
}

// open opens m.sealed; a failure burns the code.
func open(aead cipher.AEAD, m *message) ([]byte, error) {
	ad := append(m.header(), m.share...)
	p, err := aead.Open(nil, zeroNonce, m.sealed, ad)
	if err != nil {
		return nil, ErrBurned
	}
	return p, nil
}
