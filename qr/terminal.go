package qr

import (
	"bytes"
	"fmt"
	"io"
)

// Style selects the characters WriteTerminal draws with.
type Style int

const (
	// StyleHalfBlock draws two modules per character cell with the Unicode
	// half blocks ▀ ▄ █, so a version-5 symbol with its quiet zone takes 45
	// columns by 23 rows. It is the default.
	StyleHalfBlock Style = iota
	// StyleASCII draws each module as two ASCII characters ("##" or two
	// spaces) on its own line, for terminals without Unicode. A version-5
	// symbol takes 90 columns by 45 rows.
	StyleASCII
)

// TerminalOptions controls WriteTerminal. The zero value draws half blocks
// at LevelM with a 4-module quiet zone, without colours.
type TerminalOptions struct {
	// Level is the error-correction level; the zero value means LevelM.
	Level Level
	// Style selects half blocks (the default) or ASCII.
	Style Style
	// Color sets explicit colours with ANSI escape sequences (256-colour
	// palette entries 16, black, and 231, white, unless BasicColors is
	// set), so dark modules are dark
	// on both dark and light terminal themes. The library never decides
	// this by itself: callers turn it off when NO_COLOR is set or the
	// output is not a terminal.
	Color bool
	// BasicColors, with Color, uses the eight basic ANSI colours (SGR 30
	// and 40 black, 37 and 47 white) instead of the 256-colour palette, for
	// terminals without 256 colours (TERM=linux, vt100, xterm-16color),
	// where the palette sequences print garbage. Themes may tint the basic
	// colours and their white is light grey, so the code has less
	// contrast: callers set it only when the terminal needs it, and the
	// library never looks at TERM itself. Without Color it does nothing.
	BasicColors bool
	// Invert, without Color, draws the light modules (and the quiet zone)
	// with ink instead of the dark ones. Plain text is drawn in the
	// terminal's foreground colour, which is light on a dark theme: Invert
	// makes the code come out the right way round there. With Color it
	// swaps the two colours, which gives a light-on-dark code.
	Invert bool
	// QuietZone is the margin in modules; zero means 4, the size the QR
	// standard asks for. At most 16.
	QuietZone int
}

// sgrColors holds the select-graphic-rendition sequences (ECMA-48 8.3.117)
// that set the two module colours.
type sgrColors struct {
	fgDark, fgLight, bgDark, bgLight string
}

// sgr256 uses palette entries 16 (#000000) and 231 (#ffffff) of the
// 256-colour cube, which terminal themes leave alone, unlike the 16 basic
// colours.
var sgr256 = sgrColors{
	fgDark:  "\x1b[38;5;16m",
	fgLight: "\x1b[38;5;231m",
	bgDark:  "\x1b[48;5;16m",
	bgLight: "\x1b[48;5;231m",
}

// sgrBasic uses the basic black (30, 40) and white (37, 47) every colour
// terminal knows.
var sgrBasic = sgrColors{
	fgDark:  "\x1b[30m",
	fgLight: "\x1b[37m",
	bgDark:  "\x1b[40m",
	bgLight: "\x1b[47m",
}

// sgrReset restores the terminal's default colours.
const sgrReset = "\x1b[0m"

// TerminalSize returns how many columns and rows (lines) WriteTerminal
// takes to draw text with opt, quiet zone included, so that a caller can
// choose a quiet zone and a style that fit its terminal before drawing.
func TerminalSize(text string, opt TerminalOptions) (cols, rows int, err error) {
	qz, err := opt.quietZone()
	if err != nil {
		return 0, 0, err
	}
	s, err := encode(text, opt.Level)
	if err != nil {
		return 0, 0, err
	}
	n := s.size() + 2*qz
	if opt.Style == StyleASCII {
		return 2 * n, n, nil
	}
	return n, (n + 1) / 2, nil
}

// quietZone returns the quiet zone opt asks for, in modules.
func (opt TerminalOptions) quietZone() (int, error) {
	qz := opt.QuietZone
	if qz == 0 {
		qz = defaultQuietZone
	}
	if qz < 0 || qz > 16 {
		return 0, fmt.Errorf("%w: quiet zone %q modules: use 1 to 16, or 0 for the default 4",
			ErrInvalidOption, fmt.Sprint(opt.QuietZone))
	}
	if opt.Style != StyleHalfBlock && opt.Style != StyleASCII {
		return 0, fmt.Errorf("%w: style %q: use StyleHalfBlock or StyleASCII",
			ErrInvalidOption, fmt.Sprint(int(opt.Style)))
	}
	return qz, nil
}

// WriteTerminal draws text as a QR code for a terminal and writes it to w
// in one call. Each line ends with "\n". It uses the smallest QR version
// that holds text at opt.Level.
func WriteTerminal(w io.Writer, text string, opt TerminalOptions) error {
	qz, err := opt.quietZone()
	if err != nil {
		return err
	}
	s, err := encode(text, opt.Level)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if opt.Style == StyleASCII {
		drawASCII(&buf, s, qz, opt)
	} else {
		drawHalfBlocks(&buf, s, qz, opt)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("qr: writing the terminal drawing: %w", err)
	}
	return nil
}

// colorWriter emits SGR sequences only when the colours change.
type colorWriter struct {
	buf    *bytes.Buffer
	seq    *sgrColors
	fg, bg int // 0 unset, 1 dark, 2 light
}

// newColorWriter returns a colorWriter to buf with the colours opt asks
// for.
func newColorWriter(buf *bytes.Buffer, opt TerminalOptions) colorWriter {
	if opt.BasicColors {
		return colorWriter{buf: buf, seq: &sgrBasic}
	}
	return colorWriter{buf: buf, seq: &sgr256}
}

// set switches to a dark or light foreground and background.
func (c *colorWriter) set(fgDark, bgDark bool) {
	fg, bg := 2, 2
	if fgDark {
		fg = 1
	}
	if bgDark {
		bg = 1
	}
	if fg != c.fg {
		if fgDark {
			c.buf.WriteString(c.seq.fgDark)
		} else {
			c.buf.WriteString(c.seq.fgLight)
		}
		c.fg = fg
	}
	if bg != c.bg {
		if bgDark {
			c.buf.WriteString(c.seq.bgDark)
		} else {
			c.buf.WriteString(c.seq.bgLight)
		}
		c.bg = bg
	}
}

// endLine resets the colours so the background does not bleed past the
// end of the line, then ends it.
func (c *colorWriter) endLine() {
	c.buf.WriteString(sgrReset)
	c.buf.WriteByte('\n')
	c.fg, c.bg = 0, 0
}

// drawHalfBlocks draws two module rows per text line.
func drawHalfBlocks(buf *bytes.Buffer, s *symbol, qz int, opt TerminalOptions) {
	n := s.size()
	cw := newColorWriter(buf, opt)
	for y := -qz; y < n+qz; y += 2 {
		for x := -qz; x < n+qz; x++ {
			top := s.isDark(x, y) != opt.Invert
			// The row below the last one is quiet zone too.
			bot := s.isDark(x, y+1) != opt.Invert
			if opt.Color {
				if top == bot {
					cw.set(top, top)
					buf.WriteByte(' ')
				} else {
					cw.set(top, bot)
					buf.WriteString("▀")
				}
				continue
			}
			switch {
			case top && bot:
				buf.WriteString("█")
			case top:
				buf.WriteString("▀")
			case bot:
				buf.WriteString("▄")
			default:
				buf.WriteByte(' ')
			}
		}
		if opt.Color {
			cw.endLine()
		} else {
			buf.WriteByte('\n')
		}
	}
}

// drawASCII draws one module row per line, two characters per module.
func drawASCII(buf *bytes.Buffer, s *symbol, qz int, opt TerminalOptions) {
	n := s.size()
	cw := newColorWriter(buf, opt)
	for y := -qz; y < n+qz; y++ {
		for x := -qz; x < n+qz; x++ {
			ink := s.isDark(x, y) != opt.Invert
			if opt.Color {
				cw.set(ink, ink)
			}
			if ink {
				buf.WriteString("##")
			} else {
				buf.WriteString("  ")
			}
		}
		if opt.Color {
			cw.endLine()
		} else {
			buf.WriteByte('\n')
		}
	}
}
