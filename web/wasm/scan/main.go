//go:build js && wasm

// Command scan is the page's QR code drawing and reading, compiled to WebAssembly and run in
// a Web Worker so that a slow picture never blocks the page: the same qr
// package as the qrtc command, exposed as globalThis.qrtcScan. See package web
// for the calls.
package main

import (
	"fmt"
	"image"
	"image/color"
	"strings"
	"syscall/js"

	"github.com/qrtc/qrtc/qr"
)

func main() {
	api := map[string]any{
		"frame": js.FuncOf(frame),
		"file":  js.FuncOf(file),
		"svg":   js.FuncOf(svg),
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
// reads a video frame (canvas getImageData pixels): qr.DecodeFrameRGBA's one
// cheap attempt, or with thorough every attempt qr.Decode makes (the page
// asks for that on every Nth frame). No code is {value: ""}.
func frame(_ js.Value, args []js.Value) any {
	if len(args) < 4 {
		return result("", nil)
	}
	w, h := args[1].Int(), args[2].Int()
	if w <= 0 || h <= 0 || w*h > qr.MaxPixels || args[0].Get("length").Int() != 4*w*h {
		return result("", nil)
	}
	pix := make([]byte, 4*w*h)
	js.CopyBytesToGo(pix, args[0])
	var text string
	var err error
	if args[3].Truthy() {
		text, err = qr.Decode(&image.NRGBA{Pix: pix, Stride: 4 * w, Rect: image.Rect(0, 0, w, h)})
	} else {
		text, err = qr.DecodeFrameRGBA(pix, w, h, 4*w)
	}
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

// svg(text) -> {value: "<svg ...>"}: the code qr.Image draws (level M, the
// 4-module quiet zone) as an SVG image, one unit per module, the dark
// modules as one path, so it stays sharp at any size.
func svg(_ js.Value, args []js.Value) any {
	text := ""
	if len(args) > 0 && args[0].Type() == js.TypeString {
		text = args[0].String()
	}
	img, err := qr.Image(text, qr.PNGOptions{ModuleSize: 1})
	if err != nil {
		return result(nil, err)
	}
	b := img.Bounds()
	var path strings.Builder
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if color.GrayModel.Convert(img.At(x, y)).(color.Gray).Y < 128 {
				fmt.Fprintf(&path, "M%d %dh1v1h-1z", x-b.Min.X, y-b.Min.Y)
			}
		}
	}
	w, h := b.Dx(), b.Dy()
	return result(fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" shape-rendering="crispEdges" role="img" aria-label="QR code"><rect width="%d" height="%d" fill="#fff"/><path d="%s" fill="#000"/></svg>`, w, h, w, h, path.String()), nil)
}
