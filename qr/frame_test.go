package qr_test

import (
	"errors"
	"image"
	"image/color"
	"image/draw"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/qrtc/qrtc/qr"
	"github.com/qrtc/qrtc/qr/internal/distort"
)

// videoFrame is a w-by-h camera frame of a busy scene, as canvas
// getImageData returns it (RGBA, opaque), holding a code of text whose
// side is frac of the frame's height, turned by up to 15 degrees, soft and
// noisy; with text "" it holds no code.
func videoFrame(tb testing.TB, text string, w, h int, frac float64, seed uint64) *image.NRGBA {
	tb.Helper()
	rng := rand.New(rand.NewPCG(seed, 10))
	var g *image.Gray
	if text == "" {
		g = distort.Busy(w, h, rng)
	} else {
		code := codeGray(tb, text, 4)
		g = distort.Embed(code, w, h, frac*float64(h)/float64(code.Rect.Dx()), rng.Float64()*30-15, rng)
	}
	g = distort.Noise(distort.Blur(g, 0.8), 4, rng)
	img := image.NewNRGBA(g.Rect)
	for i, v := range g.Pix {
		img.Pix[4*i], img.Pix[4*i+1], img.Pix[4*i+2], img.Pix[4*i+3] = v, v, v, 255
	}
	return img
}

// TestDecodeFrameVideo reads codes from camera-sized frames handed over
// in every form DecodeFrame and its raw variants take: the same text must
// come back from each, and nothing from a frame without a code.
func TestDecodeFrameVideo(t *testing.T) {
	for _, tc := range []struct {
		name string
		w, h int
		frac float64
	}{
		{"720p code 40% high", 1280, 720, 0.4},
		{"720p code 70% high", 1280, 720, 0.6},
		{"1080p code 35% high", 1920, 1080, 0.35},
		{"1080p code 60% high", 1920, 1080, 0.6},
		{"480p code 60% high", 640, 480, 0.6},
		{"720p no code", 1280, 720, 0},
	} {
		if raceEnabled && tc.w != 1280 {
			continue // the race detector slows decoding tenfold
		}
		t.Run(tc.name, func(t *testing.T) {
			text := ""
			if tc.frac > 0 {
				text = token(200)
			}
			frame := videoFrame(t, text, tc.w, tc.h, tc.frac, 3)
			// The same pixels as grey (a camera's Y plane) with padded
			// rows, as premultiplied RGBA, as a JPEG decoder's YCbCr and
			// as a sub-image of a larger picture.
			stride := tc.w + 64
			y := make([]byte, stride*tc.h)
			for i := 0; i < tc.w*tc.h; i++ {
				y[i/tc.w*stride+i%tc.w] = frame.Pix[4*i]
			}
			ycc := image.NewYCbCr(frame.Rect, image.YCbCrSubsampleRatio420)
			for i := range ycc.Cb {
				ycc.Cb[i], ycc.Cr[i] = 128, 128
			}
			big := image.NewNRGBA(image.Rect(0, 0, tc.w+30, tc.h+20))
			draw.Draw(big, big.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
			draw.Draw(big, frame.Rect.Add(image.Pt(17, 9)), frame, image.Point{}, draw.Src)
			rgba := image.NewRGBA(frame.Rect)
			copy(rgba.Pix, frame.Pix)
			for yy := 0; yy < tc.h; yy++ {
				copy(ycc.Y[yy*ycc.YStride:], y[yy*stride:yy*stride+tc.w])
			}
			calls := []struct {
				name string
				run  func() (string, error)
			}{
				{"DecodeFrameRGBA", func() (string, error) { return qr.DecodeFrameRGBA(frame.Pix, tc.w, tc.h, frame.Stride) }},
				{"DecodeFrameGray", func() (string, error) { return qr.DecodeFrameGray(y, tc.w, tc.h, stride) }},
				{"DecodeFrame(NRGBA)", func() (string, error) { return qr.DecodeFrame(frame) }},
				{"DecodeFrame(RGBA)", func() (string, error) { return qr.DecodeFrame(rgba) }},
				{"DecodeFrame(YCbCr)", func() (string, error) { return qr.DecodeFrame(ycc) }},
				{"DecodeFrame(sub-image)", func() (string, error) {
					return qr.DecodeFrame(big.SubImage(frame.Rect.Add(image.Pt(17, 9))))
				}},
			}
			for _, c := range calls {
				got, err := c.run()
				if text == "" {
					if !errors.Is(err, qr.ErrNoCode) {
						t.Errorf("%s = %q, %v; want ErrNoCode", c.name, got, err)
					}
					continue
				}
				if err != nil || got != text {
					t.Errorf("%s = %q, %v; want %q", c.name, got, err, text)
				}
			}
		})
	}
}

// TestDecodeFrameRates decodes the distortion set with DecodeFrame and
// with Decode. DecodeFrame makes one attempt, so it reads less; what it
// reads must be right, and it must read at least frameFloor of what
// Decode reads, all of the easy classes among them. The shares are
// logged; README's table has them for the full set.
func TestDecodeFrameRates(t *testing.T) {
	if testing.Short() {
		t.Skip("decoding the distortion set takes a while; skipped in -short mode")
	}
	if raceEnabled {
		// Decode on every image is slow under the race detector and one
		// goroutine has no races to find; TestDecodeFrameVideo runs
		// DecodeFrame under it.
		t.Skip("skipped under the race detector")
	}
	const frameFloor = 0.65 // measured 102/133 = 0.77 at seed 1, 4 a level
	easy := []string{"clean", "rotation", "mirrored", "uneven light", "blur sigma=0.3", "noise sigma=30",
		"contrast range=80", "small in busy picture code=30%"}
	cases, err := distort.Generate(distort.QR, ratesSeed, ratesPerLevel, 60, 220)
	if err != nil {
		t.Fatal(err)
	}
	var frameN, decodeN, both int
	for _, c := range cases {
		ftext, ferr := qr.DecodeFrame(c.Image)
		dtext, derr := qr.Decode(c.Image)
		if ferr == nil && ftext != c.Text {
			t.Errorf("%s: DecodeFrame = %q, want %q: a wrong read is worse than none", c.Name, ftext, c.Text)
		}
		if ferr != nil && !errors.Is(ferr, qr.ErrNoCode) {
			t.Errorf("%s: DecodeFrame error %v, want ErrNoCode", c.Name, ferr)
		}
		fok, dok := ferr == nil && ftext == c.Text, derr == nil && dtext == c.Text
		if fok {
			frameN++
		}
		if dok {
			decodeN++
		}
		if fok && dok {
			both++
		}
		k := c.Class + " " + c.Strength
		for _, e := range easy {
			if strings.HasPrefix(k, e) && !fok {
				t.Errorf("%s: DecodeFrame misses an easy image (%v)", c.Name, ferr)
			}
		}
	}
	t.Logf("DecodeFrame read %d images, Decode %d, both %d", frameN, decodeN, both)
	if float64(frameN) < frameFloor*float64(decodeN) {
		t.Errorf("DecodeFrame read %d images, less than %.0f%% of Decode's %d", frameN, 100*frameFloor, decodeN)
	}
}

// TestDecodeFrameBadInput hands the raw variants sizes that do not fit
// their buffers: each must be refused with ErrBadFrame (ErrImageTooLarge
// for sizes over MaxPixels) before anything is allocated or read.
func TestDecodeFrameBadInput(t *testing.T) {
	const maxInt = int(^uint(0) >> 1)
	buf := make([]byte, 4*64*64)
	tests := []struct {
		name                  string
		pix                   []byte
		width, height, stride int
		want                  error
	}{
		{"zero width", buf, 0, 64, 256, qr.ErrBadFrame},
		{"negative height", buf, 64, -1, 256, qr.ErrBadFrame},
		{"stride shorter than a row", buf, 64, 64, 255, qr.ErrBadFrame},
		{"negative stride", buf, 64, 64, -256, qr.ErrBadFrame},
		{"buffer one byte short", buf[:len(buf)-1], 64, 64, 256, qr.ErrBadFrame},
		{"nil buffer", nil, 1, 1, 4, qr.ErrBadFrame},
		{"stride overflows", buf, 64, 64, maxInt, qr.ErrBadFrame},
		{"huge sizes", buf, maxInt, maxInt, maxInt, qr.ErrImageTooLarge},
		{"over MaxPixels", buf, 1 << 14, 1 << 14, 1 << 16, qr.ErrImageTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := qr.DecodeFrameRGBA(tc.pix, tc.width, tc.height, tc.stride); !errors.Is(err, tc.want) {
				t.Errorf("DecodeFrameRGBA(%d bytes, %d, %d, %d) error %v, want %v", len(tc.pix), tc.width, tc.height, tc.stride, err, tc.want)
			}
			stride := tc.stride
			if stride == 256 || stride == 255 {
				stride /= 4 // the same mistakes for one byte a pixel
			}
			pix := tc.pix
			if tc.name == "buffer one byte short" {
				pix = buf[:64*64-1]
			}
			if _, err := qr.DecodeFrameGray(pix, tc.width, tc.height, stride); !errors.Is(err, tc.want) {
				t.Errorf("DecodeFrameGray(%d bytes, %d, %d, %d) error %v, want %v", len(pix), tc.width, tc.height, stride, err, tc.want)
			}
		})
	}
	// A buffer of exactly the right length, the last row without its
	// padding, is enough.
	if _, err := qr.DecodeFrameGray(make([]byte, 100*99+90), 90, 100, 100); !errors.Is(err, qr.ErrNoCode) {
		t.Errorf("DecodeFrameGray of a blank frame without the last row's padding: %v, want ErrNoCode", err)
	}
	if _, err := qr.DecodeFrame(nil); !errors.Is(err, qr.ErrNoCode) {
		t.Errorf("DecodeFrame(nil) error %v, want ErrNoCode", err)
	}
	if _, err := qr.DecodeFrame(image.NewGray(image.Rect(0, 0, 0, 5))); !errors.Is(err, qr.ErrNoCode) {
		t.Errorf("DecodeFrame(empty image) error %v, want ErrNoCode", err)
	}
}

// FuzzDecodeFrame hands arbitrary bytes and sizes to DecodeFrameRGBA and
// DecodeFrameGray: they must never panic, and fail only with the
// documented errors. Seeded with a small clean code.
func FuzzDecodeFrame(f *testing.F) {
	g := codeGray(f, "QRTC1:FUZZ", 2)
	w, h := g.Rect.Dx(), g.Rect.Dy()
	rgba := make([]byte, 4*w*h)
	for i, v := range g.Pix {
		rgba[4*i], rgba[4*i+1], rgba[4*i+2], rgba[4*i+3] = v, v, v, 255
	}
	f.Add(rgba, w, h, 4*w, true)
	f.Add(g.Pix, w, h, w, false)
	f.Add([]byte{1, 2, 3, 4}, 1, 1, 4, true)
	f.Add([]byte{}, 0, 0, 0, false)
	f.Fuzz(func(t *testing.T, pix []byte, width, height, stride int, isRGBA bool) {
		var text string
		var err error
		if isRGBA {
			text, err = qr.DecodeFrameRGBA(pix, width, height, stride)
		} else {
			text, err = qr.DecodeFrameGray(pix, width, height, stride)
		}
		if err == nil {
			if text == "" {
				t.Errorf("empty text and no error")
			}
			return
		}
		for _, want := range []error{qr.ErrBadFrame, qr.ErrImageTooLarge, qr.ErrNoCode} {
			if errors.Is(err, want) {
				return
			}
		}
		t.Errorf("error %v is none of the documented ones", err)
	})
}

func benchFrame(b *testing.B, w, h int, text string) {
	img := videoFrame(b, text, w, h, 0.6, 1)
	b.ReportAllocs()
	for b.Loop() {
		got, err := qr.DecodeFrameRGBA(img.Pix, w, h, img.Stride)
		if text == "" && err == nil {
			b.Fatalf("DecodeFrameRGBA found %q in a frame without a code", got)
		}
		if text != "" && (err != nil || got != text) {
			b.Fatalf("DecodeFrameRGBA = %q, %v; want %q", got, err, text)
		}
	}
}

// BenchmarkDecodeFrame measures DecodeFrameRGBA on camera frames as a
// canvas hands them over, with a 200-character code filling 60% of the
// frame's height and without a code.
func BenchmarkDecodeFrame(b *testing.B) {
	for _, sz := range []struct {
		name string
		w, h int
	}{{"640x360", 640, 360}, {"720p", 1280, 720}, {"1080p", 1920, 1080}} {
		b.Run(sz.name+"/code", func(b *testing.B) { benchFrame(b, sz.w, sz.h, token(200)) })
		b.Run(sz.name+"/nocode", func(b *testing.B) { benchFrame(b, sz.w, sz.h, "") })
	}
}
