//go:build race

package qr_test

// raceEnabled is true under the race detector, which slows decoding about
// tenfold: the largest test matrices then run a fixed subset.
const raceEnabled = true
