package qr

import (
	"fmt"
	"image"
)

// frameSide is the longest side, in pixels, of the copy of a video frame
// that DecodeFrame reads: a 1280x720 frame is read as it is, a 1920x1080
// one halved to 960x540. Halving a 720p frame too (640x360) would be
// about twice as fast but leaves a code that fills a third of the
// frame's height with 2 pixels a module, too few to read reliably.
const frameSide = 1280

// DecodeFrame reads the QR code in one video frame and returns its text,
// as Decode does, but with one cheap attempt instead of Decode's dozens:
// a frame larger than 1280 pixels on its longest side is area-averaged
// down by an integer factor to at most that (1920x1080 becomes 960x540),
// thresholded per block (uneven light) and searched for finder patterns
// once, as dark-on-light and, flipped, as light-on-dark. Only when it
// finds finder patterns but reads no symbol does it look again at the
// parts around them alone (a soft, noisy code; a small code in a busy
// scene). On the shared
// 2-core amd64 machine this was written on, that takes about 2 ms for a
// 640x360 frame, 6 to 9 ms for 1280x720 and 8 to 16 ms for 1920x1080, with
// or without a code (see BenchmarkDecodeFrame), in WebAssembly several
// times as long. A page that scales the video
// down itself (drawing it into a smaller canvas costs the browser
// nothing) makes it faster still; codes then need about 3 pixels a
// module.
//
// It skips what Decode tries after that: finer copies of a large picture
// (a code smaller than about a fifth of the frame), a contrast stretch,
// global and Otsu thresholds (heavy blur, faint codes, heavy noise), the
// pure-symbol reader, enlarged copies of small pictures and the repairs
// of terminal screenshots. A camera delivers the next frame soon, so a
// miss costs little; call Decode on a photo, or on every Nth frame, to
// read what DecodeFrame cannot.
//
// It returns an error wrapping ErrNoCode when no code is read, and
// ErrImageTooLarge for frames over MaxPixels.
func DecodeFrame(img image.Image) (string, error) {
	if img == nil {
		return "", fmt.Errorf("%w: no frame given", ErrNoCode)
	}
	b := img.Bounds()
	if b.Empty() {
		return "", fmt.Errorf("%w: the frame is empty", ErrNoCode)
	}
	w, h := b.Dx(), b.Dy()
	if overMaxPixels(w, h) {
		return "", tooLarge(w, h)
	}
	f := frameFactor(w, h)
	var p *plane
	switch m := img.(type) {
	case *image.YCbCr:
		p = reduceLuma(m.Y[m.YOffset(b.Min.X, b.Min.Y):], w, h, m.YStride, f)
	case *image.Gray:
		p = reduceLuma(m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], w, h, m.Stride, f)
	case *image.NRGBA:
		p = reduceRGBA(m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], w, h, m.Stride, f, false)
	case *image.RGBA:
		p = reduceRGBA(m.Pix[m.PixOffset(b.Min.X, b.Min.Y):], w, h, m.Stride, f, true)
	default:
		p = toGray(img).downscale(f)
	}
	return decodeFramePlane(p)
}

// DecodeFrameRGBA is DecodeFrame for a frame held as raw pixels, as a
// browser's canvas getImageData returns them: width by height pixels of 4
// bytes each (red, green, blue, alpha; not premultiplied, as in
// image.NRGBA), rows stride bytes apart starting at pix[0]. Transparent
// pixels count as laid over white. pix is only read, never kept. It
// returns an error wrapping ErrBadFrame when the sizes do not describe a
// frame that pix holds.
func DecodeFrameRGBA(pix []byte, width, height, stride int) (string, error) {
	if err := checkFrame(len(pix), width, height, stride, 4); err != nil {
		return "", err
	}
	return decodeFramePlane(reduceRGBA(pix, width, height, stride, frameFactor(width, height), false))
}

// DecodeFrameGray is DecodeFrame for a frame held as one byte of
// luminance a pixel (0 black, 255 white), such as the Y plane of a camera's
// I420 or NV12 frame: width by height pixels, rows stride bytes apart
// starting at pix[0]. pix is only read, never kept. It returns an error
// wrapping ErrBadFrame when the sizes do not describe a frame that pix
// holds.
func DecodeFrameGray(pix []byte, width, height, stride int) (string, error) {
	if err := checkFrame(len(pix), width, height, stride, 1); err != nil {
		return "", err
	}
	return decodeFramePlane(reduceLuma(pix, width, height, stride, frameFactor(width, height)))
}

// checkFrame checks that n bytes hold width by height pixels of bpp bytes
// each, rows stride bytes apart, before anything is allocated.
func checkFrame(n, width, height, stride, bpp int) error {
	size := fmt.Sprintf("%dx%d", width, height)
	switch {
	case width <= 0 || height <= 0:
		return fmt.Errorf("%w: %q pixels: width and height must be positive", ErrBadFrame, size)
	case overMaxPixels(width, height):
		return tooLarge(width, height)
	case int64(stride) < int64(width)*int64(bpp):
		return fmt.Errorf("%w: stride %q is less than the width %d times %d bytes a pixel: pass the distance between rows in bytes",
			ErrBadFrame, fmt.Sprint(stride), width, bpp)
	}
	// Compared by division: stride*(height-1) may not fit in an int64.
	row := int64(width) * int64(bpp)
	if int64(n) < row || (height > 1 && (int64(n)-row)/int64(height-1) < int64(stride)) {
		return fmt.Errorf("%w: %q bytes hold less than a %s frame of %d-byte pixels with rows %d bytes apart",
			ErrBadFrame, fmt.Sprint(n), size, bpp, stride)
	}
	return nil
}

// overMaxPixels reports whether w by h positive sizes exceed MaxPixels,
// without overflowing.
func overMaxPixels(w, h int) bool {
	return w > MaxPixels || h > MaxPixels || int64(w)*int64(h) > MaxPixels
}

// tooLarge is the error for a w-by-h picture over MaxPixels.
func tooLarge(w, h int) error {
	return fmt.Errorf("%w: %q pixels is over the %d-megapixel limit: scale the picture down",
		ErrImageTooLarge, fmt.Sprintf("%dx%d", w, h), MaxPixels>>20)
}

// frameFactor is the integer factor that brings a w-by-h frame's longest
// side to at most frameSide.
func frameFactor(w, h int) int {
	return max(1, (max(w, h)+frameSide-1)/frameSide)
}

// decodeFramePlane is DecodeFrame's one attempt, and its second look at
// finder patterns it found but could not read.
func decodeFramePlane(p *plane) (string, error) {
	if text, ok := tryLooks(p, attempt{bin: hybrid}); ok {
		return text, nil
	}
	return "", ErrNoCode
}

// reduceLuma returns the w-by-h luminance picture in pix (rows stride
// bytes apart) shrunk by the factor f with area averaging, as
// plane.downscale does, without copying it first.
func reduceLuma(pix []byte, w, h, stride, f int) *plane {
	ow, oh := max(1, w/f), max(1, h/f)
	fx, fy := f, f
	if w < f {
		fx = w
	}
	if h < f {
		fy = h
	}
	out := &plane{w: ow, h: oh, pix: make([]byte, ow*oh)}
	sums := make([]uint32, ow)
	area := uint32(fx * fy)
	for oy := 0; oy < oh; oy++ {
		clear(sums)
		for y := oy * fy; y < oy*fy+fy; y++ {
			row := pix[y*stride : y*stride+ow*fx]
			if fx == 1 {
				for ox, v := range row {
					sums[ox] += uint32(v)
				}
				continue
			}
			for ox := range sums {
				var s uint32
				for _, v := range row[ox*fx : ox*fx+fx] {
					s += uint32(v)
				}
				sums[ox] += s
			}
		}
		dst := out.pix[oy*ow : (oy+1)*ow]
		for ox, s := range sums {
			dst[ox] = byte((s + area/2) / area)
		}
	}
	return out
}

// reduceRGBA returns the luminance of the w-by-h RGBA picture in pix (4
// bytes a pixel, rows stride bytes apart) laid over white and shrunk by
// the factor f with area averaging. premultiplied says whether colour is
// premultiplied by alpha (image.RGBA) or not (image.NRGBA, a canvas's
// ImageData).
func reduceRGBA(pix []byte, w, h, stride, f int, premultiplied bool) *plane {
	ow, oh := max(1, w/f), max(1, h/f)
	fx, fy := f, f
	if w < f {
		fx = w
	}
	if h < f {
		fy = h
	}
	out := &plane{w: ow, h: oh, pix: make([]byte, ow*oh)}
	if f == 1 {
		for y := 0; y < h; y++ {
			row := pix[y*stride : y*stride+4*w]
			dst := out.pix[y*w : (y+1)*w]
			for x := range dst {
				p := row[4*x : 4*x+4 : 4*x+4]
				s := 77*uint32(p[0]) + 150*uint32(p[1]) + 29*uint32(p[2])
				if p[3] != 255 {
					s = overWhite(p, premultiplied)
				}
				dst[x] = byte(min((s+128)>>8, 255))
			}
		}
		return out
	}
	// Luminance is linear in the channels, so each pixel adds its
	// weighted sum (Rec. 601 weights in 1/256) to its block's, and the
	// block is divided once.
	sums := make([]uint32, ow)
	area := uint32(fx*fy) << 8
	bw := 4 * fx
	for oy := 0; oy < oh; oy++ {
		clear(sums)
		for y := oy * fy; y < oy*fy+fy; y++ {
			row := pix[y*stride : y*stride+bw*ow]
			i := 0
			for ox := range sums {
				var s uint32
				alpha := byte(255)
				for end := i + bw; i < end; i += 4 {
					p := row[i : i+4 : i+4]
					s += 77*uint32(p[0]) + 150*uint32(p[1]) + 29*uint32(p[2])
					alpha &= p[3]
				}
				if alpha != 255 {
					s = overWhite(row[i-bw:i], premultiplied)
				}
				sums[ox] += s
			}
		}
		dst := out.pix[oy*ow : (oy+1)*ow]
		for ox, s := range sums {
			dst[ox] = byte(min((s+area/2)/area, 255))
		}
	}
	return out
}

// overWhite returns the weighted luminance sum, as reduceRGBA adds it up,
// of the RGBA pixels in px laid over white.
func overWhite(px []byte, premultiplied bool) uint32 {
	var s uint32
	for i := 0; i+3 < len(px); i += 4 {
		r, g, b, a := uint32(px[i]), uint32(px[i+1]), uint32(px[i+2]), uint32(px[i+3])
		if !premultiplied {
			r, g, b = (r*a+127)/255, (g*a+127)/255, (b*a+127)/255
		}
		// Over white adds the uncovered part.
		s += 77*(r+255-a) + 150*(g+255-a) + 29*(b+255-a)
	}
	return s
}
