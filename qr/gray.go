package qr

import (
	"image"
	"image/color"
	"math"
)

// plane is an 8-bit luminance image, 0 black to 255 white, row-major with
// no padding.
type plane struct {
	w, h int
	pix  []byte
}

// toGray converts img to luminance, compositing transparent pixels over
// white (a transparent PNG's background is meant to be the page). It takes
// fast paths for the image types the standard decoders return.
func toGray(img image.Image) *plane {
	b := img.Bounds()
	p := &plane{w: b.Dx(), h: b.Dy(), pix: make([]byte, b.Dx()*b.Dy())}
	switch m := img.(type) {
	case *image.YCbCr:
		// JFIF's Y is the luminance; chroma does not matter here.
		for y := 0; y < p.h; y++ {
			o := m.YOffset(b.Min.X, b.Min.Y+y)
			copy(p.pix[y*p.w:(y+1)*p.w], m.Y[o:o+p.w])
		}
	case *image.Gray:
		for y := 0; y < p.h; y++ {
			o := m.PixOffset(b.Min.X, b.Min.Y+y)
			copy(p.pix[y*p.w:(y+1)*p.w], m.Pix[o:o+p.w])
		}
	case *image.RGBA:
		for y := 0; y < p.h; y++ {
			o := m.PixOffset(b.Min.X, b.Min.Y+y)
			src := m.Pix[o : o+4*p.w]
			dst := p.pix[y*p.w : (y+1)*p.w]
			for x := range dst {
				s := src[4*x : 4*x+4]
				// Premultiplied: over white adds the uncovered part.
				l := lum(uint32(s[0]), uint32(s[1]), uint32(s[2])) + 255 - uint32(s[3])
				dst[x] = clamp255(l)
			}
		}
	case *image.NRGBA:
		for y := 0; y < p.h; y++ {
			o := m.PixOffset(b.Min.X, b.Min.Y+y)
			src := m.Pix[o : o+4*p.w]
			dst := p.pix[y*p.w : (y+1)*p.w]
			for x := range dst {
				s := src[4*x : 4*x+4]
				a := uint32(s[3])
				l := (lum(uint32(s[0]), uint32(s[1]), uint32(s[2]))*a + 255*(255-a)) / 255
				dst[x] = clamp255(l)
			}
		}
	case *image.Paletted:
		var table [256]byte
		for i, c := range m.Palette {
			table[i] = grayOf(c)
		}
		for y := 0; y < p.h; y++ {
			o := m.PixOffset(b.Min.X, b.Min.Y+y)
			src := m.Pix[o : o+p.w]
			dst := p.pix[y*p.w : (y+1)*p.w]
			for x, v := range src {
				dst[x] = table[v]
			}
		}
	default:
		for y := 0; y < p.h; y++ {
			dst := p.pix[y*p.w : (y+1)*p.w]
			for x := range dst {
				dst[x] = grayOf(img.At(b.Min.X+x, b.Min.Y+y))
			}
		}
	}
	return p
}

// lum returns Rec. 601 luma of 8-bit components, 0 to 255.
func lum(r, g, b uint32) uint32 { return (299*r + 587*g + 114*b + 500) / 1000 }

func clamp255(v uint32) byte {
	if v > 255 {
		return 255
	}
	return byte(v)
}

// grayOf returns the luminance of c composited over white.
func grayOf(c color.Color) byte {
	r, g, b, a := c.RGBA() // premultiplied, 16-bit
	l := lum(r>>8, g>>8, b>>8) + (0xffff-a)>>8
	return clamp255(l)
}

// downscale returns p shrunk by an integer factor f with area averaging:
// each output pixel is the mean of an f-by-f block, which also smooths
// sensor noise and JPEG artefacts.
func (p *plane) downscale(f int) *plane {
	if f <= 1 {
		return p
	}
	w, h := p.w/f, p.h/f
	if w < 1 || h < 1 {
		return p
	}
	out := &plane{w: w, h: h, pix: make([]byte, w*h)}
	sums := make([]uint32, w)
	area := uint32(f * f)
	for oy := 0; oy < h; oy++ {
		clear(sums)
		for y := oy * f; y < oy*f+f; y++ {
			row := p.pix[y*p.w : y*p.w+w*f]
			for ox := range sums {
				var s uint32
				for _, v := range row[ox*f : ox*f+f] {
					s += uint32(v)
				}
				sums[ox] += s
			}
		}
		dst := out.pix[oy*w : (oy+1)*w]
		for ox, s := range sums {
			dst[ox] = byte((s + area/2) / area)
		}
	}
	return out
}

// closed fills light gaps up to kx pixels wide and ky pixels tall
// between dark areas: a grey-level morphological closing of the dark parts
// (running minima, then running maxima, over a (kx+1)-by-(ky+1) window).
// It joins the rows of a half-block terminal drawing that a font's line
// spacing separates, the columns a rounded cell width separates, and the
// strokes of ASCII "#" characters.
func (p *plane) closed(kx, ky int) *plane {
	a := make([]byte, len(p.pix))
	b := make([]byte, len(p.pix))
	runFilter(p.pix, a, p.w, p.h, 1, p.w, kx, false, +1) // darken rightwards
	runFilter(a, b, p.h, p.w, p.w, 1, ky, false, +1)     // darken downwards
	runFilter(b, a, p.w, p.h, 1, p.w, kx, true, -1)      // lighten back leftwards
	runFilter(a, b, p.h, p.w, p.w, 1, ky, true, -1)      // lighten back upwards
	return &plane{w: p.w, h: p.h, pix: b}
}

// grown grows the dark parts kx pixels to the right and ky pixels down.
// A terminal draws each glyph at the top left of its cell, so the gaps a
// font leaves (below each text line, right of each character) belong to
// the module above or to the left of them: growing the ink into them
// gives every module its full height and width again.
func (p *plane) grown(kx, ky int) *plane {
	a := make([]byte, len(p.pix))
	b := make([]byte, len(p.pix))
	runFilter(p.pix, a, p.w, p.h, 1, p.w, kx, false, -1)
	runFilter(a, b, p.h, p.w, p.w, 1, ky, false, -1)
	return &plane{w: p.w, h: p.h, pix: b}
}

// boxBlurred returns p averaged over a k-by-k window around each pixel
// (running sums, so the cost does not depend on k). Averaged over about a
// module, the strokes of ASCII "#" characters and the gaps between text
// lines turn into even grey.
func (p *plane) boxBlurred(k int) *plane {
	tmp := make([]uint16, len(p.pix))
	out := &plane{w: p.w, h: p.h, pix: make([]byte, len(p.pix))}
	r0, r1 := k/2, k-k/2 // window [i-r0, i+r1)
	// Horizontal sums.
	for y := 0; y < p.h; y++ {
		row := p.pix[y*p.w : (y+1)*p.w]
		var sum, n int
		for x := 0; x < min(r1, p.w); x++ {
			sum += int(row[x])
			n++
		}
		for x := 0; x < p.w; x++ {
			tmp[y*p.w+x] = uint16((sum + n/2) / n)
			if x+r1 < p.w {
				sum += int(row[x+r1])
				n++
			}
			if x-r0 >= 0 {
				sum -= int(row[x-r0])
				n--
			}
		}
	}
	// Vertical sums.
	for x := 0; x < p.w; x++ {
		var sum, n int
		for y := 0; y < min(r1, p.h); y++ {
			sum += int(tmp[y*p.w+x])
			n++
		}
		for y := 0; y < p.h; y++ {
			out.pix[y*p.w+x] = byte((sum + n/2) / n)
			if y+r1 < p.h {
				sum += int(tmp[(y+r1)*p.w+x])
				n++
			}
			if y-r0 >= 0 {
				sum -= int(tmp[(y-r0)*p.w+x])
				n--
			}
		}
	}
	return out
}

// withoutGaps returns p without the rows and columns that hold no dark
// pixel (none at or below the Otsu threshold), or nil when there are none
// to remove. In a screenshot of a terminal these are the gaps the font's
// line spacing and cell width leave between characters; inside a QR code
// no module row or column is all light (the timing patterns see to it),
// and removing light rows from a quiet zone only narrows it. What remains
// is the drawing with every module its true size.
func (p *plane) withoutGaps() *plane {
	thr := byte(p.otsuThreshold())
	keepRow := make([]bool, p.h)
	keepCol := make([]bool, p.w)
	rows, cols := 0, 0
	for y := 0; y < p.h; y++ {
		for x, v := range p.pix[y*p.w : (y+1)*p.w] {
			if v <= thr {
				keepRow[y] = true
				keepCol[x] = true
			}
		}
	}
	for _, k := range keepRow {
		if k {
			rows++
		}
	}
	for _, k := range keepCol {
		if k {
			cols++
		}
	}
	if rows < 21 || cols < 21 || (rows == p.h && cols == p.w) {
		return nil
	}
	// Keep a margin of light around what remains, as a quiet zone.
	const margin = 8
	out := &plane{w: cols + 2*margin, h: rows + 2*margin}
	out.pix = make([]byte, out.w*out.h)
	for i := range out.pix {
		out.pix[i] = 255
	}
	oy := margin
	for y := 0; y < p.h; y++ {
		if !keepRow[y] {
			continue
		}
		ox := margin
		src := p.pix[y*p.w : (y+1)*p.w]
		dst := out.pix[oy*out.w : (oy+1)*out.w]
		for x, v := range src {
			if keepCol[x] {
				dst[ox] = v
				ox++
			}
		}
		oy++
	}
	return out
}

// runFilter writes to dst the minimum (or maximum) of src over a window of
// k+1 samples along lines of length n (step apart) starting at offsets
// lineStep apart, m lines in all. dir +1 takes the window ahead of each
// sample, -1 the window behind it.
func runFilter(src, dst []byte, n, m, step, lineStep, k int, takeMax bool, dir int) {
	for l := 0; l < m; l++ {
		base := l * lineStep
		for i := 0; i < n; i++ {
			v := src[base+i*step]
			for d := 1; d <= k; d++ {
				j := i + dir*d
				if j < 0 || j >= n {
					break
				}
				u := src[base+j*step]
				if takeMax == (u > v) {
					v = u
				}
			}
			dst[base+i*step] = v
		}
	}
}

// stretched maps the 1st to the 99th percentile of p's grey levels to
// the full range, for low-contrast pictures. It returns nil when p already
// spans most of the range.
func (p *plane) stretched() *plane {
	var hist [256]int
	for _, v := range p.pix {
		hist[v]++
	}
	cut := len(p.pix) / 100
	lo, hi := 0, 255
	for n := 0; lo < 255 && n+hist[lo] <= cut; lo++ {
		n += hist[lo]
	}
	for n := 0; hi > 0 && n+hist[hi] <= cut; hi-- {
		n += hist[hi]
	}
	if hi-lo >= 128 || hi <= lo {
		return nil
	}
	var table [256]byte
	for v := range table {
		t := (v - lo) * 255 / (hi - lo)
		table[v] = byte(min(max(t, 0), 255))
	}
	out := &plane{w: p.w, h: p.h, pix: make([]byte, len(p.pix))}
	for i, v := range p.pix {
		out.pix[i] = table[v]
	}
	return out
}

// upscaled returns p enlarged twice with bilinear interpolation: small,
// soft pictures of codes read better with more pixels per module.
func (p *plane) upscaled() *plane {
	w, h := 2*p.w, 2*p.h
	out := &plane{w: w, h: h, pix: make([]byte, w*h)}
	for y := 0; y < h; y++ {
		// Output pixel centre (y+0.5)/2 - 0.5 in source pixels.
		sy := float64(y)/2 - 0.25
		y0 := int(math.Floor(sy))
		fy := sy - float64(y0)
		y0c, y1c := min(max(y0, 0), p.h-1), min(max(y0+1, 0), p.h-1)
		for x := 0; x < w; x++ {
			sx := float64(x)/2 - 0.25
			x0 := int(math.Floor(sx))
			fx := sx - float64(x0)
			x0c, x1c := min(max(x0, 0), p.w-1), min(max(x0+1, 0), p.w-1)
			a := float64(p.pix[y0c*p.w+x0c])*(1-fx) + float64(p.pix[y0c*p.w+x1c])*fx
			b := float64(p.pix[y1c*p.w+x0c])*(1-fx) + float64(p.pix[y1c*p.w+x1c])*fx
			out.pix[y*w+x] = byte(a*(1-fy) + b*fy + 0.5)
		}
	}
	return out
}

// inverted returns the photographic negative of p.
func (p *plane) inverted() *plane {
	out := &plane{w: p.w, h: p.h, pix: make([]byte, len(p.pix))}
	for i, v := range p.pix {
		out.pix[i] = 255 - v
	}
	return out
}

// crop returns the part r of p, which must lie within p, as a copy.
func (p *plane) crop(r image.Rectangle) *plane {
	out := &plane{w: r.Dx(), h: r.Dy(), pix: make([]byte, r.Dx()*r.Dy())}
	for y := 0; y < out.h; y++ {
		o := (r.Min.Y+y)*p.w + r.Min.X
		copy(out.pix[y*out.w:(y+1)*out.w], p.pix[o:o+out.w])
	}
	return out
}
