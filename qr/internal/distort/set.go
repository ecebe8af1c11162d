package distort

import (
	"bytes"
	"fmt"
	"image"
	"math/rand/v2"

	"github.com/qrtc/qrtc/qr"
)

// Renderer draws QR codes.
type Renderer struct {
	// Image draws text as a black-on-white code with the given module
	// size in pixels and a 4-module quiet zone.
	Image func(text string, moduleSize int) (image.Image, error)
	// Terminal draws text as WriteTerminal does.
	Terminal func(text string, ascii, color, invert bool) (string, error)
}

// QR is package qr's drawing functions, which package qr's rate test and
// command qrrates both measure.
var QR = Renderer{
	Image: func(text string, m int) (image.Image, error) {
		return qr.Image(text, qr.PNGOptions{ModuleSize: m})
	},
	Terminal: func(text string, ascii, color, invert bool) (string, error) {
		var b bytes.Buffer
		st := qr.StyleHalfBlock
		if ascii {
			st = qr.StyleASCII
		}
		err := qr.WriteTerminal(&b, text, qr.TerminalOptions{Style: st, Color: color, Invert: invert})
		return b.String(), err
	},
}

// Case is one generated test image.
type Case struct {
	Class    string // distortion class, e.g. "rotation"
	Strength string // how strong, e.g. "sigma=0.6m"
	Name     string // unique, usable as a file name
	Text     string // what the code holds
	Image    image.Image
	JPEG     []byte // the file, for cases that went through JPEG
}

// Level is one strength of a distortion class.
type Level struct {
	Class, Strength string
	make            func(r Renderer, text string, rng *rand.Rand) (image.Image, []byte, error)
}

const tokenAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
const base64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

// Text returns a random payload like a qrtc token: mostly upper-case
// base32 (alphanumeric mode), sometimes base64url (byte mode).
func Text(rng *rand.Rand, minLen, maxLen int) string {
	n := minLen + rng.IntN(maxLen-minLen+1)
	alpha := tokenAlphabet
	if rng.IntN(5) == 0 {
		alpha = base64URL
		n = n * 3 / 4
	}
	b := make([]byte, n)
	for i := range b {
		b[i] = alpha[rng.IntN(len(alpha))]
	}
	return string(b)
}

func base(r Renderer, text string, m int) (*image.Gray, error) {
	img, err := r.Image(text, m)
	if err != nil {
		return nil, err
	}
	return Gray(img), nil
}

// photo simulates a camera: slight blur, sensor noise.
func photo(g *image.Gray, blur, noise float64, rng *rand.Rand) *image.Gray {
	return Noise(Blur(g, blur), noise, rng)
}

func simple(class, strength string, f func(r Renderer, text string, rng *rand.Rand) (*image.Gray, error)) Level {
	return Level{class, strength, func(r Renderer, text string, rng *rand.Rand) (image.Image, []byte, error) {
		g, err := f(r, text, rng)
		return g, nil, err
	}}
}

// Levels lists every distortion class at each strength the set holds.
func Levels() []Level {
	var ls []Level
	ls = append(ls, simple("clean", "module=1-4px", func(r Renderer, t string, rng *rand.Rand) (*image.Gray, error) {
		return base(r, t, 1+rng.IntN(4))
	}))
	ls = append(ls, simple("rotation", "any angle", func(r Renderer, t string, rng *rand.Rand) (*image.Gray, error) {
		g, err := base(r, t, 3+rng.IntN(4))
		if err != nil {
			return nil, err
		}
		return Rotate(g, rng.Float64()*360, 255), nil
	}))
	for _, tilt := range []float64{0.1, 0.2, 0.3} {
		ls = append(ls, simple("perspective", fmt.Sprintf("tilt=%.2f", tilt), func(r Renderer, t string, rng *rand.Rand) (*image.Gray, error) {
			g, err := base(r, t, 4+rng.IntN(3))
			if err != nil {
				return nil, err
			}
			return Perspective(g, tilt, rng, 255), nil
		}))
	}
	for _, s := range []float64{0.3, 0.5, 0.7} {
		ls = append(ls, simple("blur", fmt.Sprintf("sigma=%.1f module", s), func(r Renderer, t string, rng *rand.Rand) (*image.Gray, error) {
			m := 4 + rng.IntN(3)
			g, err := base(r, t, m)
			if err != nil {
				return nil, err
			}
			return Blur(Rotate(g, rng.Float64()*30-15, 255), s*float64(m)), nil
		}))
	}
	for _, s := range []float64{30, 60, 90} {
		ls = append(ls, simple("noise", fmt.Sprintf("sigma=%.0f", s), func(r Renderer, t string, rng *rand.Rand) (*image.Gray, error) {
			g, err := base(r, t, 3+rng.IntN(4))
			if err != nil {
				return nil, err
			}
			return Noise(Rotate(g, rng.Float64()*360, 255), s, rng), nil
		}))
	}
	for _, span := range []float64{80, 40, 20} {
		ls = append(ls, simple("contrast", fmt.Sprintf("range=%.0f", span), func(r Renderer, t string, rng *rand.Rand) (*image.Gray, error) {
			g, err := base(r, t, 3+rng.IntN(4))
			if err != nil {
				return nil, err
			}
			mid := 60 + rng.Float64()*120
			return photo(Contrast(g, mid-span/2, mid+span/2), 0.7, 3, rng), nil
		}))
	}
	for _, s := range []float64{0.4, 0.6, 0.8} {
		ls = append(ls, simple("uneven light", fmt.Sprintf("gradient=%.1f", s), func(r Renderer, t string, rng *rand.Rand) (*image.Gray, error) {
			g, err := base(r, t, 3+rng.IntN(4))
			if err != nil {
				return nil, err
			}
			return photo(Uneven(Rotate(g, rng.Float64()*360, 255), s, rng), 0.7, 4, rng), nil
		}))
	}
	for _, q := range []int{30, 10, 3} {
		ls = append(ls, Level{"jpeg", fmt.Sprintf("quality=%d", q), func(r Renderer, t string, rng *rand.Rand) (image.Image, []byte, error) {
			g, err := base(r, t, 2+rng.IntN(3))
			if err != nil {
				return nil, nil, err
			}
			return jpegged(Rotate(g, rng.Float64()*360, 255), q)
		}})
	}
	ls = append(ls, simple("inverted", "any angle", func(r Renderer, t string, rng *rand.Rand) (*image.Gray, error) {
		g, err := base(r, t, 3+rng.IntN(4))
		if err != nil {
			return nil, err
		}
		return photo(Invert(Rotate(g, rng.Float64()*360, 255)), 0.8, 5, rng), nil
	}))
	ls = append(ls, simple("mirrored", "any angle", func(r Renderer, t string, rng *rand.Rand) (*image.Gray, error) {
		g, err := base(r, t, 3+rng.IntN(4))
		if err != nil {
			return nil, err
		}
		return photo(Mirror(Rotate(g, rng.Float64()*360, 255)), 0.8, 5, rng), nil
	}))
	for _, frac := range []float64{0.3, 0.2, 0.14} {
		ls = append(ls, simple("small in busy picture", fmt.Sprintf("code=%.0f%% of 1600px", frac*100), func(r Renderer, t string, rng *rand.Rand) (*image.Gray, error) {
			g, err := base(r, t, 4)
			if err != nil {
				return nil, err
			}
			scale := frac * 1600 / float64(g.Rect.Dx())
			return photo(Embed(g, 1600, 1200, scale, rng.Float64()*360, rng), 0.8, 5, rng), nil
		}))
	}
	ls = append(ls, Level{"photo of screen", "typical: 8-11px modules", func(r Renderer, t string, rng *rand.Rand) (image.Image, []byte, error) {
		m := 8 + rng.IntN(4)
		g, err := base(r, t, m)
		if err != nil {
			return nil, nil, err
		}
		g = Perspective(g, 0.15, rng, 240)
		g = Uneven(Contrast(g, 40, 230), 0.3, rng)
		g = photo(g, 0.25*float64(m), 8, rng)
		return jpegged(g, 75)
	}})
	ls = append(ls, Level{"photo of screen", "hard: 4-6px modules", func(r Renderer, t string, rng *rand.Rand) (image.Image, []byte, error) {
		m := 4 + rng.IntN(3)
		g, err := base(r, t, m)
		if err != nil {
			return nil, nil, err
		}
		g = Perspective(g, 0.25, rng, 240)
		g = Uneven(Contrast(g, 30, 220), 0.4, rng)
		g = photo(g, 0.3*float64(m), 12, rng)
		return jpegged(g, 50)
	}})
	for _, sp := range []float64{1.0, 1.15, 1.3} {
		for _, th := range []Theme{Light, Dark} {
			ls = append(ls, Level{"terminal " + th.Name, fmt.Sprintf("spacing=%.2f", sp), func(r Renderer, t string, rng *rand.Rand) (image.Image, []byte, error) {
				return terminal(r, t, th, sp, false, rng)
			}})
		}
	}
	ls = append(ls, Level{"terminal ascii", "spacing=1.15", func(r Renderer, t string, rng *rand.Rand) (image.Image, []byte, error) {
		th := Light
		if rng.IntN(2) == 0 {
			th = Dark
		}
		return terminal(r, t, th, 1.15, true, rng)
	}})
	ls = append(ls, Level{"terminal photo", "spacing=1.15+tilt+blur+jpeg", func(r Renderer, t string, rng *rand.Rand) (image.Image, []byte, error) {
		th := Light
		if rng.IntN(2) == 0 {
			th = Dark
		}
		img, _, err := terminal(r, t, th, 1.15, false, rng)
		if err != nil {
			return nil, nil, err
		}
		g := Perspective(Gray(img), 0.2, rng, 128)
		g = photo(Uneven(g, 0.3, rng), 1.2, 8, rng)
		return jpegged(g, 60)
	}})
	return ls
}

// terminal renders the code as text and draws it as a screenshot; colour
// and the plain styles are picked at random, and the font size too.
func terminal(r Renderer, t string, th Theme, spacing float64, ascii bool, rng *rand.Rand) (image.Image, []byte, error) {
	useColor := rng.IntN(2) == 0
	// Plain text is drawn in the theme's foreground colour: a person on a
	// dark theme would use the inverted drawing.
	invert := !useColor && th == Dark
	s, err := r.Terminal(t, ascii, useColor, invert)
	if err != nil {
		return nil, nil, err
	}
	size := 8 + float64(rng.IntN(13)) // 8 to 20 px fonts
	if ascii {
		size = 6 + float64(rng.IntN(8))
	}
	img, err := Termshot(s, TermOptions{Theme: th, FontSize: size, LineSpacing: spacing, Margin: 10 + rng.IntN(30)})
	return img, nil, err
}

func jpegged(g *image.Gray, q int) (image.Image, []byte, error) {
	data, img, err := JPEG(g, q)
	return img, data, err
}

// Generate makes n cases of every level, reproducibly from seed. Payloads
// are minLen to maxLen characters long.
func Generate(r Renderer, seed uint64, n, minLen, maxLen int) ([]Case, error) {
	var cases []Case
	for li, l := range Levels() {
		rng := rand.New(rand.NewPCG(seed, uint64(li)))
		for i := 0; i < n; i++ {
			text := Text(rng, minLen, maxLen)
			img, data, err := l.make(r, text, rng)
			if err != nil {
				return nil, fmt.Errorf("distort: %s %s #%d: %w", l.Class, l.Strength, i, err)
			}
			cases = append(cases, Case{
				Class: l.Class, Strength: l.Strength,
				Name: fmt.Sprintf("%02d-%s-%02d", li, slug(l.Class+" "+l.Strength), i),
				Text: text, Image: img, JPEG: data,
			})
		}
	}
	return cases, nil
}

func slug(s string) string {
	b := []byte(s)
	out := b[:0]
	dash := false
	for _, c := range b {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.'
		if ok {
			out = append(out, c)
			dash = false
		} else if !dash {
			out = append(out, '-')
			dash = true
		}
	}
	return string(out)
}
