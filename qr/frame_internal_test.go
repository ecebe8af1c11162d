package qr

import (
	"image"
	"math/rand/v2"
	"testing"
)

// TestReduceRGBA checks that the fused conversion and downscaling of raw
// RGBA frames gives what converting to grey and then downscaling gives,
// within a grey level of rounding, for opaque and transparent pixels and
// for premultiplied (image.RGBA) and straight (image.NRGBA) alpha.
func TestReduceRGBA(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct {
		name       string
		w, h, f    int
		stride     int // extra bytes a row
		opaque     bool
		premultipl bool
	}{
		{"opaque f1", 37, 23, 1, 0, true, false},
		{"opaque f2 padded", 64, 40, 2, 12, true, false},
		{"opaque f3 odd sizes", 50, 31, 3, 4, true, false},
		{"straight alpha f2", 40, 40, 2, 0, false, false},
		{"premultiplied f3", 45, 30, 3, 8, false, true},
		{"narrower than f", 2, 30, 3, 0, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stride := 4*tc.w + tc.stride
			pix := make([]byte, stride*tc.h)
			for i := range pix {
				pix[i] = byte(rng.IntN(256))
			}
			for y := 0; y < tc.h; y++ {
				for x := 0; x < tc.w; x++ {
					p := pix[y*stride+4*x : y*stride+4*x+4]
					if tc.opaque || rng.IntN(2) == 0 {
						p[3] = 255
					}
					if tc.premultipl {
						for c := 0; c < 3; c++ {
							p[c] = byte(int(p[c]) * int(p[3]) / 255)
						}
					}
				}
			}
			var img image.Image = &image.NRGBA{Pix: pix, Stride: stride, Rect: image.Rect(0, 0, tc.w, tc.h)}
			if tc.premultipl {
				img = &image.RGBA{Pix: pix, Stride: stride, Rect: image.Rect(0, 0, tc.w, tc.h)}
			}
			want := toGray(img).downscale(tc.f)
			if tc.w < tc.f {
				want = nil
			}
			got := reduceRGBA(pix, tc.w, tc.h, stride, tc.f, tc.premultipl)
			if want == nil {
				if got.w != 1 || got.h != tc.h/tc.f {
					t.Fatalf("reduceRGBA of %dx%d by %d is %dx%d, want 1x%d", tc.w, tc.h, tc.f, got.w, got.h, tc.h/tc.f)
				}
				return
			}
			if got.w != want.w || got.h != want.h {
				t.Fatalf("reduceRGBA is %dx%d, want %dx%d", got.w, got.h, want.w, want.h)
			}
			for i := range got.pix {
				if d := int(got.pix[i]) - int(want.pix[i]); d < -1 || d > 1 {
					t.Fatalf("reduceRGBA pixel %d = %d, want %d (within 1)", i, got.pix[i], want.pix[i])
				}
			}
			// reduceLuma is plane.downscale on a strided buffer: exact.
			g := toGray(img)
			lum := reduceLuma(g.pix, tc.w, tc.h, tc.w, tc.f)
			if lum.w != want.w || lum.h != want.h || string(lum.pix) != string(want.pix) {
				t.Fatalf("reduceLuma differs from plane.downscale (%dx%d, want %dx%d)", lum.w, lum.h, want.w, want.h)
			}
		})
	}
}

// BenchmarkReduceRGBA720p measures the conversion and halving of a
// 1280x720 canvas frame alone.
func BenchmarkReduceRGBA720p(b *testing.B) {
	pix := make([]byte, 1280*720*4)
	for i := range pix {
		pix[i] = byte(i*7) | 3
	}
	for i := 3; i < len(pix); i += 4 {
		pix[i] = 255
	}
	for b.Loop() {
		reduceRGBA(pix, 1280, 720, 4*1280, 2, false)
	}
}
