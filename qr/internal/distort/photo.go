package distort

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"math"
	"math/rand/v2"
)

// Gray returns img as an 8-bit grey image.
func Gray(img image.Image) *image.Gray {
	if g, ok := img.(*image.Gray); ok {
		return g
	}
	b := img.Bounds()
	g := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(g, g.Bounds(), img, b.Min, draw.Src)
	return g
}

// sample returns the bilinear interpolation of src at (x, y), pixel centres
// at half-integers, or fill outside.
func sample(src *image.Gray, x, y float64, fill uint8) uint8 {
	x -= 0.5
	y -= 0.5
	x0, y0 := math.Floor(x), math.Floor(y)
	fx, fy := x-x0, y-y0
	ix, iy := int(x0), int(y0)
	at := func(px, py int) float64 {
		if px < 0 || py < 0 || px >= src.Rect.Dx() || py >= src.Rect.Dy() {
			return float64(fill)
		}
		return float64(src.Pix[py*src.Stride+px])
	}
	v := (at(ix, iy)*(1-fx)+at(ix+1, iy)*fx)*(1-fy) + (at(ix, iy+1)*(1-fx)+at(ix+1, iy+1)*fx)*fy
	return uint8(math.Round(math.Max(0, math.Min(255, v))))
}

// Homography maps output pixel coordinates to source coordinates.
type Homography [9]float64

func (h Homography) apply(x, y float64) (float64, float64) {
	w := h[6]*x + h[7]*y + h[8]
	return (h[0]*x + h[1]*y + h[2]) / w, (h[3]*x + h[4]*y + h[5]) / w
}

// homographyFrom returns the projective map taking the four points from
// to the four points to, by solving the 8x8 linear system.
func homographyFrom(from, to [4][2]float64) Homography {
	var a [8][9]float64
	for i := 0; i < 4; i++ {
		x, y := from[i][0], from[i][1]
		u, v := to[i][0], to[i][1]
		a[2*i] = [9]float64{x, y, 1, 0, 0, 0, -u * x, -u * y, u}
		a[2*i+1] = [9]float64{0, 0, 0, x, y, 1, -v * x, -v * y, v}
	}
	for c := 0; c < 8; c++ {
		p := c
		for r := c + 1; r < 8; r++ {
			if math.Abs(a[r][c]) > math.Abs(a[p][c]) {
				p = r
			}
		}
		a[c], a[p] = a[p], a[c]
		for r := 0; r < 8; r++ {
			if r == c {
				continue
			}
			f := a[r][c] / a[c][c]
			for k := c; k < 9; k++ {
				a[r][k] -= f * a[c][k]
			}
		}
	}
	var h Homography
	for i := 0; i < 8; i++ {
		h[i] = a[i][8] / a[i][i]
	}
	h[8] = 1
	return h
}

// Warp maps src onto a w-by-h canvas: corners[i] are where src's corners
// (top-left, top-right, bottom-right, bottom-left) land. Uncovered pixels
// get fill.
func Warp(src *image.Gray, w, h int, corners [4][2]float64, fill uint8) *image.Gray {
	sw, sh := float64(src.Rect.Dx()), float64(src.Rect.Dy())
	inv := homographyFrom(corners, [4][2]float64{{0, 0}, {sw, 0}, {sw, sh}, {0, sh}})
	out := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			sx, sy := inv.apply(float64(x)+0.5, float64(y)+0.5)
			out.Pix[y*out.Stride+x] = sample(src, sx, sy, fill)
		}
	}
	return out
}

// Rotate turns src by deg degrees about its centre on a canvas large
// enough to hold it.
func Rotate(src *image.Gray, deg float64, fill uint8) *image.Gray {
	sw, sh := float64(src.Rect.Dx()), float64(src.Rect.Dy())
	r := deg * math.Pi / 180
	c, s := math.Cos(r), math.Sin(r)
	w := int(math.Ceil(math.Abs(sw*c) + math.Abs(sh*s)))
	h := int(math.Ceil(math.Abs(sw*s) + math.Abs(sh*c)))
	var corners [4][2]float64
	for i, p := range [4][2]float64{{0, 0}, {sw, 0}, {sw, sh}, {0, sh}} {
		dx, dy := p[0]-sw/2, p[1]-sh/2
		corners[i] = [2]float64{float64(w)/2 + dx*c - dy*s, float64(h)/2 + dx*s + dy*c}
	}
	return Warp(src, w, h, corners, fill)
}

// Perspective views src as if the camera were tilted by about tilt (0 to
// 1, a fraction of the side by which one edge shrinks) in a random
// direction, plus a random rotation.
func Perspective(src *image.Gray, tilt float64, rng *rand.Rand, fill uint8) *image.Gray {
	sw, sh := float64(src.Rect.Dx()), float64(src.Rect.Dy())
	pad := sw * 0.1
	w, h := int(sw+2*pad), int(sh+2*pad)
	c := [4][2]float64{{pad, pad}, {pad + sw, pad}, {pad + sw, pad + sh}, {pad, pad + sh}}
	// Shrink one edge towards its midpoint.
	e := rng.IntN(4)
	a, b := e, (e+1)%4
	mx, my := (c[a][0]+c[b][0])/2, (c[a][1]+c[b][1])/2
	for _, i := range []int{a, b} {
		c[i][0] += (mx - c[i][0]) * tilt
		c[i][1] += (my - c[i][1]) * tilt
	}
	// Jitter each corner a little.
	for i := range c {
		c[i][0] += (rng.Float64() - 0.5) * sw * tilt * 0.2
		c[i][1] += (rng.Float64() - 0.5) * sh * tilt * 0.2
	}
	out := Warp(src, w, h, c, fill)
	return Rotate(out, rng.Float64()*360, fill)
}

// Blur applies a Gaussian blur with standard deviation sigma pixels.
func Blur(src *image.Gray, sigma float64) *image.Gray {
	if sigma <= 0 {
		return src
	}
	r := int(math.Ceil(sigma * 3))
	k := make([]float64, 2*r+1)
	var sum float64
	for i := range k {
		d := float64(i - r)
		k[i] = math.Exp(-d * d / (2 * sigma * sigma))
		sum += k[i]
	}
	for i := range k {
		k[i] /= sum
	}
	w, h := src.Rect.Dx(), src.Rect.Dy()
	tmp := make([]float64, w*h)
	at := func(x, y int) float64 {
		x = min(max(x, 0), w-1)
		y = min(max(y, 0), h-1)
		return float64(src.Pix[y*src.Stride+x])
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var s float64
			for i, kv := range k {
				s += kv * at(x+i-r, y)
			}
			tmp[y*w+x] = s
		}
	}
	out := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var s float64
			for i, kv := range k {
				yy := min(max(y+i-r, 0), h-1)
				s += kv * tmp[yy*w+x]
			}
			out.Pix[y*out.Stride+x] = uint8(math.Round(math.Min(255, s)))
		}
	}
	return out
}

// Noise adds Gaussian noise with standard deviation sigma grey levels.
func Noise(src *image.Gray, sigma float64, rng *rand.Rand) *image.Gray {
	out := image.NewGray(src.Rect)
	for i, v := range src.Pix {
		out.Pix[i] = clamp(float64(v) + rng.NormFloat64()*sigma)
	}
	return out
}

// Contrast maps black to lo and white to hi.
func Contrast(src *image.Gray, lo, hi float64) *image.Gray {
	out := image.NewGray(src.Rect)
	for i, v := range src.Pix {
		out.Pix[i] = clamp(lo + float64(v)/255*(hi-lo))
	}
	return out
}

// Uneven multiplies brightness by a linear gradient across the image in a
// random direction, from 1 down to 1-strength, plus a soft highlight.
func Uneven(src *image.Gray, strength float64, rng *rand.Rand) *image.Gray {
	w, h := src.Rect.Dx(), src.Rect.Dy()
	a := rng.Float64() * 2 * math.Pi
	dx, dy := math.Cos(a), math.Sin(a)
	hx, hy := rng.Float64()*float64(w), rng.Float64()*float64(h)
	rad := float64(max(w, h)) / 3
	out := image.NewGray(src.Rect)
	diag := math.Hypot(float64(w), float64(h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			t := ((float64(x)-float64(w)/2)*dx+(float64(y)-float64(h)/2)*dy)/diag + 0.5
			f := 1 - strength*t
			d := math.Hypot(float64(x)-hx, float64(y)-hy) / rad
			glare := 60 * strength * math.Exp(-d*d)
			out.Pix[y*out.Stride+x] = clamp(float64(src.Pix[y*src.Stride+x])*f + glare)
		}
	}
	return out
}

// JPEG encodes src at the given quality and decodes it again.
func JPEG(src image.Image, quality int) ([]byte, image.Image, error) {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, src, &jpeg.Options{Quality: quality}); err != nil {
		return nil, nil, err
	}
	img, err := jpeg.Decode(bytes.NewReader(buf.Bytes()))
	return buf.Bytes(), img, err
}

// Invert returns the negative of src.
func Invert(src *image.Gray) *image.Gray {
	out := image.NewGray(src.Rect)
	for i, v := range src.Pix {
		out.Pix[i] = 255 - v
	}
	return out
}

// Mirror flips src left to right, as a selfie camera does.
func Mirror(src *image.Gray) *image.Gray {
	w, h := src.Rect.Dx(), src.Rect.Dy()
	out := image.NewGray(src.Rect)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			out.Pix[y*out.Stride+x] = src.Pix[y*src.Stride+w-1-x]
		}
	}
	return out
}

// Busy returns a w-by-h cluttered scene: overlapping boxes, discs, lines
// and text-like stripes in many greys, like a desk or a room.
func Busy(w, h int, rng *rand.Rand) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, w, h))
	bg := uint8(90 + rng.IntN(120))
	for i := range img.Pix {
		img.Pix[i] = bg
	}
	n := 60 + rng.IntN(60)
	for i := 0; i < n; i++ {
		c := color.Gray{uint8(rng.IntN(256))}
		x, y := rng.IntN(w), rng.IntN(h)
		s := 10 + rng.IntN(max(11, w/5))
		switch rng.IntN(4) {
		case 0:
			draw.Draw(img, image.Rect(x, y, x+s, y+s*(1+rng.IntN(3))/2), image.NewUniform(c), image.Point{}, draw.Src)
		case 1:
			for yy := -s / 2; yy <= s/2; yy++ {
				for xx := -s / 2; xx <= s/2; xx++ {
					if xx*xx+yy*yy <= s*s/4 && image.Pt(x+xx, y+yy).In(img.Rect) {
						img.SetGray(x+xx, y+yy, c)
					}
				}
			}
		case 2:
			t := 1 + rng.IntN(4)
			if rng.IntN(2) == 0 {
				draw.Draw(img, image.Rect(x, y, x+s*3, y+t), image.NewUniform(c), image.Point{}, draw.Src)
			} else {
				draw.Draw(img, image.Rect(x, y, x+t, y+s*3), image.NewUniform(c), image.Point{}, draw.Src)
			}
		default:
			// Text-like: rows of short dark dashes.
			for row := 0; row < 4+rng.IntN(6); row++ {
				for col := 0; col < 10+rng.IntN(20); col++ {
					if rng.IntN(5) == 0 {
						continue
					}
					px, py := x+col*6, y+row*10
					draw.Draw(img, image.Rect(px, py, px+4, py+6), image.NewUniform(color.Gray{uint8(rng.IntN(80))}), image.Point{}, draw.Src)
				}
			}
		}
	}
	return img
}

// Embed places src, scaled by scale and turned by deg degrees, at a random
// position in a w-by-h busy picture.
func Embed(src *image.Gray, w, h int, scale, deg float64, rng *rand.Rand) *image.Gray {
	img := Busy(w, h, rng)
	sw, sh := float64(src.Rect.Dx())*scale, float64(src.Rect.Dy())*scale
	r := deg * math.Pi / 180
	c, s := math.Cos(r), math.Sin(r)
	// Half the rotated bounding box, so the code stays inside.
	hw := (math.Abs(sw*c) + math.Abs(sh*s)) / 2
	hh := (math.Abs(sw*s) + math.Abs(sh*c)) / 2
	cx := hw + rng.Float64()*math.Max(0, float64(w)-2*hw)
	cy := hh + rng.Float64()*math.Max(0, float64(h)-2*hh)
	var corners [4][2]float64
	for i, p := range [4][2]float64{{0, 0}, {sw, 0}, {sw, sh}, {0, sh}} {
		dx, dy := p[0]-sw/2, p[1]-sh/2
		corners[i] = [2]float64{cx + dx*c - dy*s, cy + dx*s + dy*c}
	}
	sws, shs := float64(src.Rect.Dx()), float64(src.Rect.Dy())
	inv := homographyFrom(corners, [4][2]float64{{0, 0}, {sws, 0}, {sws, shs}, {0, shs}})
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			sx, sy := inv.apply(float64(x)+0.5, float64(y)+0.5)
			if sx < 0 || sy < 0 || sx >= sws || sy >= shs {
				continue
			}
			img.Pix[y*img.Stride+x] = sample(src, sx, sy, 255)
		}
	}
	return img
}

func clamp(v float64) uint8 {
	return uint8(math.Round(math.Max(0, math.Min(255, v))))
}
