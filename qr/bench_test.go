package qr_test

import (
	"bytes"
	"image"
	"image/draw"
	"image/jpeg"
	"math/rand/v2"
	"testing"

	"github.com/qrtc/qrtc/qr"
	"github.com/qrtc/qrtc/qr/internal/distort"
)

// screenshot1000 is a 1000x1000 screenshot of a light-theme terminal
// showing a half-block code (14 px Go Mono, line spacing 1.15) among other
// text-coloured pixels.
func screenshot1000(b *testing.B) (image.Image, string) {
	text := token(200)
	shot := termshot(b, text, qr.TerminalOptions{}, distort.TermOptions{Theme: distort.Light, FontSize: 14, LineSpacing: 1.15, Margin: 12})
	img := image.NewRGBA(image.Rect(0, 0, 1000, 1000))
	draw.Draw(img, img.Bounds(), image.NewUniform(distort.Light.BG), image.Point{}, draw.Src)
	draw.Draw(img, shot.Bounds().Add(image.Pt(180, 150)), shot, image.Point{}, draw.Src)
	return img, text
}

// photo12MP is a 4000x3000 camera picture of a busy scene holding one code
// about 1100 pixels wide, slightly turned, soft and noisy, as a phone's
// JPEG decoder returns it (YCbCr).
func photo12MP(b *testing.B) (image.Image, []byte, string) {
	text := token(200)
	rng := rand.New(rand.NewPCG(12, 12))
	code := codeGray(b, text, 4)
	g := distort.Embed(code, 4000, 3000, 1100/float64(code.Rect.Dx()), 17, rng)
	g = distort.Noise(g, 6, rng)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, g, &jpeg.Options{Quality: 85}); err != nil {
		b.Fatal(err)
	}
	img, err := jpeg.Decode(bytes.NewReader(buf.Bytes()))
	if err != nil {
		b.Fatal(err)
	}
	return img, buf.Bytes(), text
}

func benchDecode(b *testing.B, img image.Image, want string) {
	b.ReportAllocs()
	for b.Loop() {
		got, err := qr.Decode(img)
		if err != nil || got != want {
			b.Fatalf("Decode = %q, %v; want %q", got, err, want)
		}
	}
}

// BenchmarkDecodeScreenshot1000 measures Decode on a 1000x1000 terminal
// screenshot (target: under 50 ms).
func BenchmarkDecodeScreenshot1000(b *testing.B) {
	img, text := screenshot1000(b)
	benchDecode(b, img, text)
}

// BenchmarkDecodePhoto12MP measures Decode on a decoded 12-megapixel photo
// (target: under 500 ms).
func BenchmarkDecodePhoto12MP(b *testing.B) {
	img, _, text := photo12MP(b)
	benchDecode(b, img, text)
}

// BenchmarkDecodeBytesPhoto12MP adds JPEG decoding to
// BenchmarkDecodePhoto12MP: what `qrtc scan photo.jpg` costs.
func BenchmarkDecodeBytesPhoto12MP(b *testing.B) {
	_, data, text := photo12MP(b)
	b.ReportAllocs()
	for b.Loop() {
		got, err := qr.DecodeBytes(data)
		if err != nil || got != text {
			b.Fatalf("DecodeBytes = %q, %v; want %q", got, err, text)
		}
	}
}

// BenchmarkDecodeNoCode measures the worst case: a 12-megapixel picture
// with no code, where every attempt runs.
func BenchmarkDecodeNoCode12MP(b *testing.B) {
	img := distort.Busy(4000, 3000, rand.New(rand.NewPCG(1, 2)))
	for b.Loop() {
		if _, err := qr.Decode(img); err == nil {
			b.Fatal("Decode found a code in a picture without one")
		}
	}
}

// BenchmarkPNG measures rendering a 200-character token as a PNG.
func BenchmarkPNG(b *testing.B) {
	text := token(200)
	for b.Loop() {
		if _, err := qr.PNG(text, qr.PNGOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWriteTerminal measures drawing a 200-character token with
// half blocks and colours.
func BenchmarkWriteTerminal(b *testing.B) {
	text := token(200)
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := qr.WriteTerminal(&buf, text, qr.TerminalOptions{Color: true}); err != nil {
			b.Fatal(err)
		}
	}
}
