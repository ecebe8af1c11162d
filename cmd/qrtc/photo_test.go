package main

import (
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/image/draw"
	"golang.org/x/image/math/f64"

	_ "image/png" // the codes qrtc writes with --png
)

// photograph turns the QR code image at src into something like a phone's
// photo of a screen: the code scaled up and turned by a few degrees on a
// grey background, lit unevenly, with sensor noise, saved as a JPEG at dst.
func photograph(t *testing.T, src, dst string, seed uint64) {
	t.Helper()
	f, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	code, _, err := image.Decode(f)
	f.Close()
	if err != nil {
		t.Fatalf("decoding %s: %v", src, err)
	}
	const size = 1000
	photo := image.NewRGBA(image.Rect(0, 0, size, size))
	draw.Draw(photo, photo.Bounds(), &image.Uniform{color.RGBA{96, 98, 104, 255}}, image.Point{}, draw.Src)

	// Scale the code to about 60% of the photo, turn it by 6 degrees about
	// its centre and put it a little off the middle.
	b := code.Bounds()
	scale := 0.6 * size / float64(b.Dx())
	angle := 6 * math.Pi / 180
	cos, sin := math.Cos(angle)*scale, math.Sin(angle)*scale
	cx, cy := float64(b.Min.X+b.Max.X)/2, float64(b.Min.Y+b.Max.Y)/2
	tx, ty := size*0.52, size*0.47
	m := f64.Aff3{
		cos, -sin, tx - cos*cx + sin*cy,
		sin, cos, ty - sin*cx - cos*cy,
	}
	draw.BiLinear.Transform(photo, m, code, b, draw.Over, nil)

	// Uneven light and noise.
	rng := rand.New(rand.NewPCG(seed, 1))
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			light := 0.75 + 0.25*float64(x+y)/(2*size)
			i := photo.PixOffset(x, y)
			for c := 0; c < 3; c++ {
				v := float64(photo.Pix[i+c])*light + rng.NormFloat64()*8
				photo.Pix[i+c] = uint8(math.Max(0, math.Min(255, v)))
			}
		}
	}
	out, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	if err := jpeg.Encode(out, photo, &jpeg.Options{Quality: 70}); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestSessionThroughPhotos carries both tokens as JPEG "photos" of the QR
// codes: the way people are meant to use qrtc.
func TestSessionThroughPhotos(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	offerPNG, answerPNG := filepath.Join(dir, "offer.png"), filepath.Join(dir, "answer.png")
	offerJPG, answerJPG := filepath.Join(dir, "offer.jpg"), filepath.Join(dir, "answer.jpg")

	offerer := startQRTC(t, "offer", nil, sessionCmd("offer", "--png", offerPNG)...)
	offerer.token()
	photograph(t, offerPNG, offerJPG, 1)
	answerer := startQRTC(t, "answer", nil, sessionCmd("answer", "--png", answerPNG, offerJPG)...)
	answerer.token()
	photograph(t, answerPNG, answerJPG, 2)
	offerer.write(answerJPG + "\n")
	checkChat(t, offerer, answerer)
}
