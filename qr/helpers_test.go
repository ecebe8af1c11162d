package qr_test

import (
	"bytes"
	"flag"
	"image"

	"github.com/qrtc/qrtc/qr"
	"github.com/qrtc/qrtc/qr/internal/distort"
)

// update rewrites golden files and fixtures: go test ./qr -run 'Golden|Fixtures' -update
var update = flag.Bool("update", false, "rewrite golden files and fixtures in testdata")

// renderer gives package distort this package's drawing functions.
var renderer = distort.Renderer{
	Image: func(text string, m int) (image.Image, error) {
		return qr.Image(text, qr.PNGOptions{ModuleSize: m})
	},
	Terminal: func(text string, ascii, color, invert bool) (string, error) {
		var b bytes.Buffer
		st := qr.StyleHalfBlock
		if ascii {
			st = qr.StyleASCII
		}
		err := qr.WriteTerminal(&b, text, qr.TerminalOptions{Style: st, Color: color, Invert: invert})
		return b.String(), err
	},
}

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
