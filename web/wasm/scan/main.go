//go:build js && wasm

// Command scan is the page's QR decoder, compiled to WebAssembly and run in
// a Web Worker so that a slow picture never blocks the page: the same qr
// package as the qrtc command, exposed as globalThis.qrtcScan. See package web
// for the calls.
package main

import (
	"image"
	"syscall/js"

	"github.com/qrtc/qrtc/qr"
)

func main() {
	api := map[string]any{
		"frame": js.FuncOf(frame),
		"file":  js.FuncOf(file),
	}
	js.Global().Set("qrtcScan", js.ValueOf(api))
	if ready := js.Global().Get("qrtcScanReady"); ready.Type() == js.TypeFunction {
		ready.Invoke()
	}
	select {}
}

func result(v any, err error) any {
	if err != nil {
		return map[string]any{"error": err.Error()}
	}
	return map[string]any{"value": v}
}

// frame(rgba Uint8Array, width, height, thorough bool) -> {value: text}
// reads a video frame: a single quick attempt, or with thorough every attempt
// qr.Decode makes (for every Nth frame). No code is {value: ""}.
func frame(_ js.Value, args []js.Value) any {
	if len(args) < 4 {
		return result("", nil)
	}
	w, h := args[1].Int(), args[2].Int()
	if w <= 0 || h <= 0 || w*h > 16<<20 || args[0].Get("length").Int() != 4*w*h {
		return result("", nil)
	}
	pix := make([]byte, 4*w*h)
	js.CopyBytesToGo(pix, args[0])
	gray := image.NewGray(image.Rect(0, 0, w, h))
	for i := range w * h {
		r, g, b := int(pix[4*i]), int(pix[4*i+1]), int(pix[4*i+2])
		gray.Pix[i] = uint8((299*r + 587*g + 114*b) / 1000)
	}
	text, err := decodeFrame(gray, args[3].Truthy())
	if err != nil {
		return result("", nil)
	}
	return result(text, nil)
}

// file(bytes Uint8Array) -> {value: text} or {error}: a photo, every attempt.
func file(_ js.Value, args []js.Value) any {
	if len(args) < 1 {
		return result(nil, qr.ErrNotImage)
	}
	n := args[0].Get("length").Int()
	if n > qr.MaxFileSize {
		return result(nil, qr.ErrImageTooLarge)
	}
	data := make([]byte, n)
	js.CopyBytesToGo(data, args[0])
	return result(qr.DecodeBytes(data))
}
