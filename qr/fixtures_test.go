package qr_test

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"

	"github.com/qrtc/qrtc/qr"
	"github.com/qrtc/qrtc/qr/internal/distort"
)

// fixture is one image in testdata/images, made by make when -update is
// given. text is what it holds; "" means it holds no code.
type fixture struct {
	name string
	text string
	make func(t *testing.T, text string, rng *rand.Rand) []byte
}

func encodePNG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encodeJPEG(t testing.TB, img image.Image, q int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: q}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func codeGray(t testing.TB, text string, m int) *image.Gray {
	t.Helper()
	img, err := qr.Image(text, qr.PNGOptions{ModuleSize: m})
	if err != nil {
		t.Fatal(err)
	}
	return distort.Gray(img)
}

func termshot(t testing.TB, text string, opt qr.TerminalOptions, to distort.TermOptions) *image.RGBA {
	t.Helper()
	var b bytes.Buffer
	if err := qr.WriteTerminal(&b, text, opt); err != nil {
		t.Fatal(err)
	}
	img, err := distort.Termshot(b.String(), to)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// cwebp converts a PNG to WebP with Debian's webp tool.
func cwebp(t *testing.T, pngData []byte, args ...string) []byte {
	t.Helper()
	dir := t.TempDir()
	in, out := filepath.Join(dir, "in.png"), filepath.Join(dir, "out.webp")
	if err := os.WriteFile(in, pngData, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("cwebp", append(args, "-quiet", in, "-o", out)...)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("cwebp (apt-get install webp): %v: %s", err, msg)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

var fixtures = []fixture{
	{"clean.png", token(150), func(t *testing.T, s string, _ *rand.Rand) []byte {
		d, err := qr.PNG(s, qr.PNGOptions{ModuleSize: 3})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}},
	{"clean.gif", token(90), func(t *testing.T, s string, _ *rand.Rand) []byte {
		img, err := qr.Image(s, qr.PNGOptions{ModuleSize: 3})
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := gif.Encode(&b, img, nil); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}},
	{"clean.bmp", token(40), func(t *testing.T, s string, _ *rand.Rand) []byte {
		var b bytes.Buffer
		if err := bmp.Encode(&b, codeGray(t, s, 2)); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}},
	{"clean.tiff", token(40), func(t *testing.T, s string, _ *rand.Rand) []byte {
		var b bytes.Buffer
		if err := tiff.Encode(&b, codeGray(t, s, 2), &tiff.Options{Compression: tiff.Deflate}); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}},
	{"clean.webp", token(120), func(t *testing.T, s string, _ *rand.Rand) []byte {
		return cwebp(t, encodePNG(t, codeGray(t, s, 3)), "-lossless")
	}},
	{"photo.webp", token(200), func(t *testing.T, s string, rng *rand.Rand) []byte {
		g := distort.Perspective(codeGray(t, s, 6), 0.15, rng, 230)
		g = distort.Noise(distort.Blur(distort.Uneven(g, 0.3, rng), 1.5), 6, rng)
		return cwebp(t, encodePNG(t, g), "-q", "60")
	}},
	{"utf8.png", "grüße, 世界 ✓", func(t *testing.T, s string, _ *rand.Rand) []byte {
		d, err := qr.PNG(s, qr.PNGOptions{ModuleSize: 4})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}},
	{"transparent.png", token(60), func(t *testing.T, s string, _ *rand.Rand) []byte {
		g := codeGray(t, s, 4)
		img := image.NewNRGBA(g.Rect)
		for i, v := range g.Pix {
			if v < 128 {
				img.Set(i%g.Stride, i/g.Stride, color.NRGBA{0, 0, 0, 255})
			}
		}
		return encodePNG(t, img)
	}},
	{"rotated.png", token(180), func(t *testing.T, s string, _ *rand.Rand) []byte {
		return encodePNG(t, distort.Rotate(codeGray(t, s, 4), 33, 255))
	}},
	{"perspective.jpg", token(220), func(t *testing.T, s string, rng *rand.Rand) []byte {
		return encodeJPEG(t, distort.Perspective(codeGray(t, s, 6), 0.18, rng, 255), 85)
	}},
	{"blurred.jpg", token(160), func(t *testing.T, s string, _ *rand.Rand) []byte {
		return encodeJPEG(t, distort.Blur(codeGray(t, s, 6), 2.5), 85)
	}},
	{"noisy.png", token(160), func(t *testing.T, s string, rng *rand.Rand) []byte {
		return encodePNG(t, distort.Noise(distort.Rotate(codeGray(t, s, 5), 100, 255), 45, rng))
	}},
	{"low-contrast.png", token(160), func(t *testing.T, s string, rng *rand.Rand) []byte {
		return encodePNG(t, distort.Noise(distort.Contrast(codeGray(t, s, 5), 110, 150), 2, rng))
	}},
	{"uneven-light.jpg", token(160), func(t *testing.T, s string, rng *rand.Rand) []byte {
		return encodeJPEG(t, distort.Uneven(distort.Rotate(codeGray(t, s, 5), 200, 255), 0.7, rng), 80)
	}},
	{"inverted.jpg", token(160), func(t *testing.T, s string, _ *rand.Rand) []byte {
		return encodeJPEG(t, distort.Invert(distort.Rotate(codeGray(t, s, 5), 12, 255)), 80)
	}},
	{"mirrored.jpg", token(160), func(t *testing.T, s string, _ *rand.Rand) []byte {
		return encodeJPEG(t, distort.Mirror(distort.Rotate(codeGray(t, s, 5), 290, 255)), 80)
	}},
	{"jpeg-q10.jpg", token(160), func(t *testing.T, s string, _ *rand.Rand) []byte {
		return encodeJPEG(t, distort.Rotate(codeGray(t, s, 4), 70, 255), 10)
	}},
	{"small-in-busy.jpg", token(160), func(t *testing.T, s string, rng *rand.Rand) []byte {
		g := codeGray(t, s, 4)
		return encodeJPEG(t, distort.Noise(distort.Embed(g, 1600, 1200, 0.15*1600/float64(g.Rect.Dx()), 25, rng), 4, rng), 80)
	}},
	{"photo-of-screen.jpg", token(200), func(t *testing.T, s string, rng *rand.Rand) []byte {
		g := distort.Perspective(codeGray(t, s, 9), 0.15, rng, 240)
		g = distort.Uneven(distort.Contrast(g, 40, 230), 0.3, rng)
		return encodeJPEG(t, distort.Noise(distort.Blur(g, 2.2), 8, rng), 75)
	}},
	{"terminal-light.png", token(120), func(t *testing.T, s string, _ *rand.Rand) []byte {
		return encodePNG(t, termshot(t, s, qr.TerminalOptions{}, distort.TermOptions{Theme: distort.Light, FontSize: 13, LineSpacing: 1.15, Margin: 20}))
	}},
	{"terminal-dark-plain.png", token(120), func(t *testing.T, s string, _ *rand.Rand) []byte {
		return encodePNG(t, termshot(t, s, qr.TerminalOptions{Invert: true}, distort.TermOptions{Theme: distort.Dark, FontSize: 15, LineSpacing: 1.2, Margin: 20}))
	}},
	{"terminal-dark-uninverted.png", token(120), func(t *testing.T, s string, _ *rand.Rand) []byte {
		return encodePNG(t, termshot(t, s, qr.TerminalOptions{}, distort.TermOptions{Theme: distort.Dark, FontSize: 11, LineSpacing: 1.1, Margin: 20}))
	}},
	{"terminal-dark-color.png", token(120), func(t *testing.T, s string, _ *rand.Rand) []byte {
		return encodePNG(t, termshot(t, s, qr.TerminalOptions{Color: true}, distort.TermOptions{Theme: distort.Dark, FontSize: 12, LineSpacing: 1.25, Margin: 20}))
	}},
	{"terminal-ascii.png", token(60), func(t *testing.T, s string, _ *rand.Rand) []byte {
		return encodePNG(t, termshot(t, s, qr.TerminalOptions{Style: qr.StyleASCII}, distort.TermOptions{Theme: distort.Light, FontSize: 10, LineSpacing: 1.1, Margin: 20}))
	}},
	{"terminal-photo.jpg", token(120), func(t *testing.T, s string, rng *rand.Rand) []byte {
		img := termshot(t, s, qr.TerminalOptions{Color: true}, distort.TermOptions{Theme: distort.Dark, FontSize: 16, LineSpacing: 1.15, Margin: 30})
		g := distort.Perspective(distort.Gray(img), 0.15, rng, 100)
		return encodeJPEG(t, distort.Noise(distort.Blur(g, 1.2), 6, rng), 70)
	}},
	{"no-code.jpg", "", func(t *testing.T, _ string, rng *rand.Rand) []byte {
		return encodeJPEG(t, distort.Busy(800, 600, rng), 80)
	}},
	{"blank.png", "", func(t *testing.T, _ string, _ *rand.Rand) []byte {
		g := image.NewGray(image.Rect(0, 0, 64, 64))
		for i := range g.Pix {
			g.Pix[i] = 255
		}
		return encodePNG(t, g)
	}},
	// Codes zbarimg 0.23.92 reads that Decode missed until it corrected
	// the module size for turned symbols and tried several alignment
	// patterns: a version-15 code turned 45 degrees, and a phone photo of
	// a code holding 200 digits, strongly tilted.
	{"dense-rotated45.png", token(600), func(t *testing.T, s string, _ *rand.Rand) []byte {
		if v, err := qr.Version(s, qr.LevelM); err != nil || v != 15 {
			t.Fatalf("Version of the dense fixture = %d, %v; want 15", v, err)
		}
		return encodePNG(t, distort.Rotate(codeGray(t, s, 3), 45, 255))
	}},
	{"phone-200-digits.jpg", phoneDigits(12, 11), func(t *testing.T, s string, _ *rand.Rand) []byte {
		return phonePhoto(t, s, 12, 11, 1000, 750)
	}},
	// A small code in a busy 1600x1200 photo: gozxing skipped the rows
	// of two of its finder patterns after confirming look-alikes.
	{"phone-small-busy.jpg", phoneDigits(14, 48), func(t *testing.T, s string, _ *rand.Rand) []byte {
		return phonePhoto(t, s, 14, 48, 1600, 1200)
	}},
}

// TestFixtures decodes the images in testdata/images, each with the text
// it holds in a .txt file beside it (or none: no code). -update makes them.
func TestFixtures(t *testing.T) {
	dir := filepath.Join("testdata", "images")
	if *update {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for i, f := range fixtures {
			rng := rand.New(rand.NewPCG(7, uint64(i)))
			data := f.make(t, f.text, rng)
			if err := os.WriteFile(filepath.Join(dir, f.name), data, 0o644); err != nil {
				t.Fatal(err)
			}
			txt := filepath.Join(dir, f.name+".txt")
			if f.text == "" {
				os.Remove(txt)
				continue
			}
			if err := os.WriteFile(txt, []byte(f.text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	files, err := filepath.Glob(filepath.Join(dir, "*"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, path := range files {
		if strings.HasSuffix(path, ".txt") {
			continue
		}
		n++
		t.Run(filepath.Base(path), func(t *testing.T) {
			t.Parallel()
			want, err := os.ReadFile(path + ".txt")
			if err != nil && !errors.Is(err, os.ErrNotExist) {
				t.Fatal(err)
			}
			got, err := qr.DecodeFile(path)
			if len(want) == 0 {
				if !errors.Is(err, qr.ErrNoCode) {
					t.Errorf("DecodeFile(%s) = %q, %v; want ErrNoCode", path, got, err)
				}
				return
			}
			if err != nil || got != string(want) {
				t.Errorf("DecodeFile(%s) = %q, %v; want %q", path, got, err, want)
			}
		})
	}
	if n < len(fixtures) {
		t.Errorf("testdata/images holds %d images, want %d (run with -update)", n, len(fixtures))
	}
}

// phoneDigits is the text of the phone photo fixture whose random source
// is PCG(seed, stream) (the seeds the exploration that found it used):
// 200 digits.
func phoneDigits(seed, stream uint64) string {
	rng := rand.New(rand.NewPCG(seed, stream))
	b := make([]byte, 200)
	for i := range b {
		b[i] = byte('0' + rng.IntN(10))
	}
	return string(b)
}

// phonePhoto makes the phone photo fixture of PCG(seed, stream), a w-by-h
// JPEG holding text: the code on a sheet of paper in a busy scene, tilted,
// soft, unevenly lit, noisy, every strength drawn from the fixture's random
// source after the digits of text.
func phonePhoto(t *testing.T, text string, seed, stream uint64, w, h int) []byte {
	rng := rand.New(rand.NewPCG(seed, stream))
	for range len(text) {
		rng.IntN(10)
	}
	frac := 0.2 + 0.5*rng.Float64()
	tilt := 0.05 + 0.3*rng.Float64()
	g := distort.Perspective(codeGray(t, text, 8), tilt, rng, 240)
	scale := frac * float64(min(w, h)) / float64(g.Rect.Dx())
	blur := 8 * scale * (0.1 + 0.4*rng.Float64())
	img := distort.Embed(g, w, h, scale, 0, rng)
	img = distort.Uneven(img, 0.2+0.5*rng.Float64(), rng)
	img = distort.Noise(distort.Blur(img, blur), 3+10*rng.Float64(), rng)
	return encodeJPEG(t, img, 50+rng.IntN(40))
}
