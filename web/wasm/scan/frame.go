//go:build js && wasm

package main

import (
	"image"

	"github.com/qrtc/qrtc/qr"
)

// decodeFrame reads one video frame. Until package qr has a fast mode for
// video frames, both modes run qr.Decode; the page hands it small frames.
func decodeFrame(img *image.Gray, thorough bool) (string, error) {
	return qr.Decode(img)
}
