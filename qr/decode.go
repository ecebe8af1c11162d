package qr

import (
	"fmt"
	"image"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
	"github.com/makiuchi-d/gozxing/qrcode/decoder"
	"golang.org/x/text/encoding"
)

// workSide is the longest side, in pixels, of the first (downscaled) copy
// of a large image that Decode tries. A phone photo of a screen usually
// shows the code large enough to read at this size, and it is fast.
const workSide = 1000

// binarizer selects how luminance becomes black and white.
type binarizer int

const (
	// hybrid thresholds each 8x8 block by its neighbourhood: uneven light.
	hybrid binarizer = iota
	// global uses one threshold from the histogram: blur and low contrast.
	global
	// otsu uses one threshold that best separates the two grey-level
	// classes of the whole picture (Otsu's method): even terminal
	// screenshots whose ink is a texture.
	otsu
)

// attempt is one way of reading a prepared image.
type attempt struct {
	bin  binarizer
	pure bool // the image is just the symbol and its quiet zone
}

// Decode reads the QR code in img and returns its text: the bytes stored in
// the symbol, interpreted as UTF-8 only when the symbol says so (an ECI);
// otherwise the stored bytes unchanged. It returns an error wrapping
// ErrNoCode when no code can be read.
//
// See the package documentation for the strategy.
func Decode(img image.Image) (string, error) {
	if img == nil {
		return "", fmt.Errorf("%w: no image given", ErrNoCode)
	}
	b := img.Bounds()
	if b.Empty() {
		return "", fmt.Errorf("%w: the image is empty", ErrNoCode)
	}
	if int64(b.Dx())*int64(b.Dy()) > MaxPixels {
		return "", fmt.Errorf("%w: %q pixels is over the %d-megapixel limit: scale the picture down",
			ErrImageTooLarge, fmt.Sprintf("%dx%d", b.Dx(), b.Dy()), MaxPixels>>20)
	}
	if text, ok := decodePlane(toGray(img)); ok {
		return text, nil
	}
	return "", ErrNoCode
}

// decodePlane runs the strategy described in doc.go.
func decodePlane(full *plane) (string, bool) {
	longest := max(full.w, full.h)
	f0 := (longest + workSide - 1) / workSide
	first := full.downscale(f0)

	// 1. The working copy, dark-on-light and light-on-dark, also as a
	// pure symbol; then with its contrast stretched if it is faint.
	if text, ok := tryLooks(first, attempt{bin: hybrid, pure: true}); ok {
		return text, true
	}
	if st := first.stretched(); st != nil {
		for _, b := range []binarizer{hybrid, otsu} {
			if text, ok := try(st, attempt{bin: b}); ok {
				return text, true
			}
		}
	}
	// 2. Finer copies, down to full resolution: a small code in a large
	// picture.
	for f := f0 / 2; f >= 1 && f0 > 1; f /= 2 {
		if text, ok := tryLooks(full.downscale(f), attempt{bin: hybrid}); ok {
			return text, true
		}
		if f == 1 {
			break
		}
	}
	// 3. Terminal drawings: fill the gaps between text rows and columns
	// (of dark ink on a light theme, or light ink on a dark one), grow
	// ASCII "#" characters to the height of their line; then coarser
	// copies, which also average noise and blur away.
	side := max(first.w, first.h)
	inv := first.inverted()
	for _, p := range []*plane{first, inv} {
		if q := p.withoutGaps(); q != nil {
			if text, ok := try(q, attempt{bin: hybrid}); ok {
				return text, true
			}
		}
	}
	var variants []func() *plane
	for _, k := range [][2]int{{1, 3}, {1, 5}, {1, 8}, {2, 12}} {
		if k[1]*25 < side {
			variants = append(variants,
				func() *plane { return first.grown(k[0], k[1]) },
				func() *plane { return inv.grown(k[0], k[1]) })
		}
	}
	for _, k := range []int{3, 5} {
		if k*40 < side {
			variants = append(variants,
				func() *plane { return first.closed(k, k) },
				func() *plane { return inv.closed(k, k) })
		}
	}
	for _, f := range []int{2, 3} {
		if side >= 150*f {
			variants = append(variants, func() *plane { return first.downscale(f) })
		}
	}
	for _, v := range variants {
		if text, ok := try(v(), attempt{bin: hybrid}); ok {
			return text, true
		}
	}
	// 4. One global threshold: heavy blur, low contrast; then averaged
	// over windows of about a module, which turns the texture of ASCII
	// "#" drawings into even grey. Then small, soft pictures enlarged.
	if text, ok := try(first, attempt{bin: global}); ok {
		return text, true
	}
	for _, k := range []int{3, 5, 7, 10, 14, 20, 28} {
		if k*8 < side {
			if text, ok := try(first.boxBlurred(k), attempt{bin: otsu}); ok {
				return text, true
			}
		}
	}
	if side <= 700 {
		up := first.upscaled()
		for _, b := range []binarizer{hybrid, global} {
			if text, ok := try(up, attempt{bin: b}); ok {
				return text, true
			}
		}
	}
	return "", false
}

// tryLooks is try followed, when it fails, by a second look at each part
// of p where it found finder patterns.
func tryLooks(p *plane, a attempt) (string, bool) {
	text, ok, looks := tryFind(p, a)
	if ok {
		return text, true
	}
	for _, r := range looks {
		if text, ok := secondLook(p, r); ok {
			return text, true
		}
	}
	return "", false
}

// secondLook reads the part r of p, where finder patterns were found,
// alone: thresholded per block, by Otsu's method, by gozxing's global
// histogram, then by Otsu's method at half size. A soft, noisy code whose
// block thresholds break modules apart reads so, where thresholding the
// whole picture would not, as a busy background spoils one threshold for
// it; and a small code whose finder patterns gozxing skipped over in the
// whole picture is found in the part.
func secondLook(p *plane, r image.Rectangle) (string, bool) {
	r = r.Intersect(image.Rect(0, 0, p.w, p.h))
	if r.Dx() < 21 || r.Dy() < 21 {
		return "", false
	}
	c := p.crop(r)
	for _, b := range []binarizer{hybrid, otsu, global} {
		if text, ok := try(c, attempt{bin: b}); ok {
			return text, true
		}
	}
	return try(c.downscale(2), attempt{bin: otsu})
}

// try runs gozxing's QR reader once. gozxing is third-party code given
// arbitrary pixels: a panic in it counts as a failed attempt.
func try(p *plane, a attempt) (text string, ok bool) {
	text, ok, _ = tryFind(p, a)
	return text, ok
}

// tryFind is try that also returns, when it reads no symbol, the parts of
// p worth a second look (see detectDecode).
func tryFind(p *plane, a attempt) (text string, ok bool, looks []image.Rectangle) {
	defer func() {
		if r := recover(); r != nil {
			text, ok, looks = "", false, nil
		}
	}()
	if p.w < 21 || p.h < 21 {
		return "", false, nil
	}
	src, err := gozxing.NewPlanarYUVLuminanceSource(p.pix, p.w, p.h, 0, 0, p.w, p.h, false)
	if err != nil {
		return "", false, nil
	}
	var m *gozxing.BitMatrix
	switch a.bin {
	case otsu:
		m = p.otsuMatrix()
	case global:
		m, err = gozxing.NewGlobalHistgramBinarizer(src).GetBlackMatrix()
	default:
		m, err = gozxing.NewHybridBinarizer(src).GetBlackMatrix()
	}
	if err != nil || m == nil {
		return "", false, nil
	}
	bmp, err := gozxing.NewBinaryBitmap(&fixedBinarizer{src: src, m: m})
	if err != nil {
		return "", false, nil
	}
	hints := map[gozxing.DecodeHintType]any{
		gozxing.DecodeHintType_TRY_HARDER: true,
		// Keep byte-mode data as the stored bytes instead of guessing a
		// character set; an ECI in the symbol still takes precedence.
		gozxing.DecodeHintType_CHARACTER_SET: encoding.Nop,
	}
	pureHints := map[gozxing.DecodeHintType]any{
		gozxing.DecodeHintType_PURE_BARCODE:  true,
		gozxing.DecodeHintType_CHARACTER_SET: encoding.Nop,
	}
	reader := qrcode.NewQRCodeReader()
	dec := decoder.NewDecoder()
	// Dark modules on light, then (the same black-and-white picture
	// flipped) light modules on dark: gozxing's ALSO_INVERTED hint does
	// nothing for QR codes.
	for _, flip := range []bool{false, true} {
		if flip {
			m.FlipAll()
		}
		text, ok, l := detectDecode(m, dec, hints)
		if ok {
			return text, true, nil
		}
		looks = append(looks, l...)
		if !a.pure {
			continue
		}
		if res, err := reader.Decode(bmp, pureHints); err == nil {
			return res.GetText(), true, nil
		}
	}
	return "", false, looks[:min(len(looks), 4)]
}

// otsuMatrix thresholds p at the grey level that maximises the variance
// between the dark and the light pixels.
func (p *plane) otsuMatrix() *gozxing.BitMatrix {
	threshold := p.otsuThreshold()
	m, err := gozxing.NewBitMatrix(p.w, p.h)
	if err != nil {
		return nil
	}
	for y := 0; y < p.h; y++ {
		row := p.pix[y*p.w : (y+1)*p.w]
		for x, v := range row {
			if int(v) <= threshold {
				m.Set(x, y)
			}
		}
	}
	return m
}

// otsuThreshold returns the grey level that best separates p's dark and
// light pixels (Otsu's method): levels at or below it are dark.
func (p *plane) otsuThreshold() int {
	var hist [256]int
	for _, v := range p.pix {
		hist[v]++
	}
	total := len(p.pix)
	var sumAll float64
	for v, n := range hist {
		sumAll += float64(v * n)
	}
	var best float64
	threshold := 128
	var wB int
	var sumB float64
	for v := 0; v < 256; v++ {
		wB += hist[v]
		if wB == 0 {
			continue
		}
		wF := total - wB
		if wF == 0 {
			break
		}
		sumB += float64(v * hist[v])
		mB := sumB / float64(wB)
		mF := (sumAll - sumB) / float64(wF)
		between := float64(wB) * float64(wF) * (mB - mF) * (mB - mF)
		if between > best {
			best, threshold = between, v
		}
	}
	return threshold
}

// fixedBinarizer hands gozxing a black-and-white picture made beforehand,
// so it can be flipped and read again without thresholding it twice.
type fixedBinarizer struct {
	src gozxing.LuminanceSource
	m   *gozxing.BitMatrix
}

// GetLuminanceSource returns the grey picture the matrix was made from.
func (f *fixedBinarizer) GetLuminanceSource() gozxing.LuminanceSource { return f.src }

// GetWidth returns the matrix's width in pixels.
func (f *fixedBinarizer) GetWidth() int { return f.m.GetWidth() }

// GetHeight returns the matrix's height in pixels.
func (f *fixedBinarizer) GetHeight() int { return f.m.GetHeight() }

// GetBlackMatrix returns the black-and-white picture made beforehand; it
// never fails.
func (f *fixedBinarizer) GetBlackMatrix() (*gozxing.BitMatrix, error) { return f.m, nil }

// GetBlackRow returns row y of the matrix, reusing row when it is large
// enough; it never fails.
func (f *fixedBinarizer) GetBlackRow(y int, row *gozxing.BitArray) (*gozxing.BitArray, error) {
	return f.m.GetRow(y, row), nil
}

// CreateBinarizer returns a fresh gozxing hybrid binarizer for src: a
// fixed matrix cannot belong to another picture.
func (f *fixedBinarizer) CreateBinarizer(src gozxing.LuminanceSource) gozxing.Binarizer {
	return gozxing.NewHybridBinarizer(src)
}
