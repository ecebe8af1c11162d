package sdpcompact

import "errors"

// errOutOfBits is returned by bitReader when a field runs past the end of
// the token's bits; Decode turns it into ErrTruncated or ErrInvalidToken.
var errOutOfBits = errors.New("the token ends inside a field")

// bitWriter appends bits, most significant first.
type bitWriter struct {
	bits []bool
}

// write appends the n low bits of v, most significant first.
func (w *bitWriter) write(v uint64, n int) {
	for i := n - 1; i >= 0; i-- {
		w.bits = append(w.bits, v>>uint(i)&1 == 1)
	}
}

// flag appends one bit.
func (w *bitWriter) flag(b bool) {
	w.bits = append(w.bits, b)
}

// bytes appends bytes, 8 bits each.
func (w *bitWriter) bytes(b []byte) {
	for _, c := range b {
		w.write(uint64(c), 8)
	}
}

// expGolomb appends v as an order-k exponential-Golomb code: small values
// take few bits, any value up to 2^40 fits.
func (w *bitWriter) expGolomb(v uint64, k int) {
	x := v + 1<<uint(k)
	n := 0
	for y := x; y > 1; y >>= 1 {
		n++
	}
	w.write(0, n-k)
	w.write(x, n+1)
}

// bitReader reads what a bitWriter wrote.
type bitReader struct {
	bits []bool
	pos  int
	err  error
}

// read returns the next n bits as a number; after the end it returns 0
// and remembers errOutOfBits. The first error sticks: after it, read
// returns 0 and leaves pos where the error happened.
func (r *bitReader) read(n int) uint64 {
	if r.err != nil {
		return 0
	}
	if r.pos+n > len(r.bits) {
		r.err = errOutOfBits
		return 0
	}
	var v uint64
	for i := 0; i < n; i++ {
		v <<= 1
		if r.bits[r.pos+i] {
			v |= 1
		}
	}
	r.pos += n
	return v
}

// flag reads one bit.
func (r *bitReader) flag() bool { return r.read(1) == 1 }

// optionalFlag reads one bit of the extension bits at the end of the
// payload, which the writer leaves out when they are zero: after the end it
// returns false without an error.
func (r *bitReader) optionalFlag() bool {
	if r.err != nil || r.pos >= len(r.bits) {
		return false
	}
	return r.flag()
}

// bytes reads n bytes.
func (r *bitReader) bytes(n int) []byte {
	if r.err != nil {
		return nil
	}
	if r.pos+8*n > len(r.bits) {
		r.err = errOutOfBits
		return nil
	}
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.read(8))
	}
	return b
}

// expGolomb reads an order-k exponential-Golomb code of at most 40 bits of
// value; longer ones set an error.
func (r *bitReader) expGolomb(k int) uint64 {
	n := 0
	for !r.flag() {
		if r.err != nil {
			return 0
		}
		n++
		if n > 40 {
			r.err = errInvalidField
			return 0
		}
	}
	x := uint64(1)<<uint(n+k) | r.read(n+k)
	return x - 1<<uint(k)
}

// errInvalidField is returned for a field value a token never holds.
var errInvalidField = errors.New("a field has a value no encoder writes")
