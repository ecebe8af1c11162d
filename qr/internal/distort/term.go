// Package distort makes test images for package qr: terminal screenshots
// rasterised with Go Mono, and photo-like distortions of QR images
// (rotation, perspective, blur, noise, contrast, uneven light, JPEG,
// inversion, mirroring, a small code in a large busy picture), all
// reproducible from a seed.
package distort

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// Theme is a terminal's default colours.
type Theme struct {
	Name   string
	FG, BG color.RGBA
}

// Terminal themes: a light one and a dark one, with the off-black and
// off-white real themes use.
var (
	Light = Theme{"light", color.RGBA{0x1e, 0x1e, 0x1e, 0xff}, color.RGBA{0xfa, 0xfa, 0xf5, 0xff}}
	Dark  = Theme{"dark", color.RGBA{0xd4, 0xd4, 0xd4, 0xff}, color.RGBA{0x1e, 0x1e, 0x2e, 0xff}}
)

// TermOptions describes how a terminal shows text.
type TermOptions struct {
	Theme    Theme
	FontSize float64 // pixels per em
	// LineSpacing multiplies the font's line height (ascent+descent); above
	// 1 leaves light gaps between the half-block rows, as many terminals
	// and screenshot tools do.
	LineSpacing float64
	Margin      int // pixels of background around the text
	// Font is a TrueType or OpenType monospace font; nil means Go Mono.
	Font []byte
}

// monoFont parses Go Mono once, on the first Termshot that needs it.
var monoFont = sync.OnceValues(func() (*opentype.Font, error) { return opentype.Parse(gomono.TTF) })

// Termshot draws text, which may hold ANSI colour sequences, as a terminal
// with the given options would show it: a cell grid of Go Mono glyphs.
func Termshot(text string, o TermOptions) (*image.RGBA, error) {
	if o.FontSize <= 0 {
		return nil, fmt.Errorf("distort: font size %v", o.FontSize)
	}
	var fnt *opentype.Font
	var err error
	if o.Font != nil {
		fnt, err = opentype.Parse(o.Font)
	} else {
		fnt, err = monoFont()
	}
	if err != nil {
		return nil, fmt.Errorf("distort: parsing font: %w", err)
	}
	face, err := opentype.NewFace(fnt, &opentype.FaceOptions{Size: o.FontSize, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		return nil, err
	}
	defer face.Close()
	m := face.Metrics()
	adv, _ := face.GlyphAdvance('M')
	cellW := int(math.Round(float64(adv) / 64))
	lineH := float64(m.Ascent+m.Descent) / 64
	sp := o.LineSpacing
	if sp == 0 {
		sp = 1
	}
	cellH := int(math.Ceil(lineH * sp))
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	cols := 0
	for _, l := range lines {
		cols = max(cols, len([]rune(stripSGR(l))))
	}
	w := 2*o.Margin + cols*cellW
	h := 2*o.Margin + len(lines)*cellH
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), image.NewUniform(o.Theme.BG), image.Point{}, draw.Src)
	d := font.Drawer{Dst: img, Face: face}
	for row, l := range lines {
		fg, bg := o.Theme.FG, o.Theme.BG
		col := 0
		for len(l) > 0 {
			if strings.HasPrefix(l, "\x1b[") {
				end := strings.IndexByte(l, 'm')
				if end < 0 {
					return nil, fmt.Errorf("distort: unterminated escape in %q", l)
				}
				fg, bg = applySGR(l[2:end], fg, bg, o.Theme)
				l = l[end+1:]
				continue
			}
			r := []rune(l)[0]
			l = l[len(string(r)):]
			x0 := o.Margin + col*cellW
			y0 := o.Margin + row*cellH
			draw.Draw(img, image.Rect(x0, y0, x0+cellW, y0+cellH), image.NewUniform(bg), image.Point{}, draw.Src)
			if r != ' ' {
				d.Src = image.NewUniform(fg)
				d.Dot = fixed.Point26_6{X: fixed.I(x0), Y: fixed.I(y0) + m.Ascent}
				d.DrawString(string(r))
			}
			col++
		}
	}
	return img, nil
}

func stripSGR(s string) string {
	var b strings.Builder
	for len(s) > 0 {
		if strings.HasPrefix(s, "\x1b[") {
			if end := strings.IndexByte(s, 'm'); end >= 0 {
				s = s[end+1:]
				continue
			}
		}
		b.WriteByte(s[0])
		s = s[1:]
	}
	return b.String()
}

// applySGR interprets the parameters of one select-graphic-rendition
// sequence: reset, the 16 basic colours, 256-colour and 24-bit colours.
func applySGR(params string, fg, bg color.RGBA, t Theme) (color.RGBA, color.RGBA) {
	ps := strings.Split(params, ";")
	num := func(i int) int {
		if i >= len(ps) {
			return 0
		}
		n, _ := strconv.Atoi(ps[i])
		return n
	}
	for i := 0; i < len(ps); i++ {
		n := num(i)
		switch {
		case n == 0:
			fg, bg = t.FG, t.BG
		case n >= 30 && n <= 37:
			fg = basic(n - 30)
		case n >= 90 && n <= 97:
			fg = basic(n - 90 + 8)
		case n >= 40 && n <= 47:
			bg = basic(n - 40)
		case n >= 100 && n <= 107:
			bg = basic(n - 100 + 8)
		case n == 39:
			fg = t.FG
		case n == 49:
			bg = t.BG
		case (n == 38 || n == 48) && num(i+1) == 5:
			c := palette256(num(i + 2))
			if n == 38 {
				fg = c
			} else {
				bg = c
			}
			i += 2
		case (n == 38 || n == 48) && num(i+1) == 2:
			c := color.RGBA{uint8(num(i + 2)), uint8(num(i + 3)), uint8(num(i + 4)), 0xff}
			if n == 38 {
				fg = c
			} else {
				bg = c
			}
			i += 4
		}
	}
	return fg, bg
}

func basic(i int) color.RGBA {
	v := uint8(0xcd)
	if i >= 8 {
		v = 0xff
	}
	c := color.RGBA{0, 0, 0, 0xff}
	if i&1 != 0 {
		c.R = v
	}
	if i&2 != 0 {
		c.G = v
	}
	if i&4 != 0 {
		c.B = v
	}
	if i == 8 {
		c = color.RGBA{0x7f, 0x7f, 0x7f, 0xff}
	}
	return c
}

func palette256(n int) color.RGBA {
	switch {
	case n < 16:
		return basic(n)
	case n < 232:
		n -= 16
		lv := func(v int) uint8 {
			if v == 0 {
				return 0
			}
			return uint8(55 + 40*v)
		}
		return color.RGBA{lv(n / 36), lv(n / 6 % 6), lv(n % 6), 0xff}
	default:
		v := uint8(8 + 10*(n-232))
		return color.RGBA{v, v, v, 0xff}
	}
}
