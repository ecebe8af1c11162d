package qr_test

import "flag"

// update rewrites golden files and fixtures: go test ./qr -run 'Golden|Fixtures' -update
var update = flag.Bool("update", false, "rewrite golden files and fixtures in testdata")

// token is a payload shaped like a qrtc token: upper-case base32.
func token(n int) string {
	const alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	b := make([]byte, n)
	x := uint32(2463534242)
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = alpha[x%32]
	}
	return string(b)
}
