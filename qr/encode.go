package qr

import (
	"fmt"

	qrcode "github.com/skip2/go-qrcode"
)

// defaultQuietZone is the width, in modules, of the light margin around a
// symbol that ISO/IEC 18004:2015 section 9.1 requires.
const defaultQuietZone = 4

// symbol is an encoded QR code: dark[y][x] is true for a dark module. It has
// no quiet zone.
type symbol struct {
	version int
	dark    [][]bool
}

// size returns the number of modules on a side.
func (s *symbol) size() int { return len(s.dark) }

// isDark reports whether the module at (x, y) is dark; modules outside the
// symbol (the quiet zone) are light.
func (s *symbol) isDark(x, y int) bool {
	if y < 0 || y >= len(s.dark) || x < 0 || x >= len(s.dark[y]) {
		return false
	}
	return s.dark[y][x]
}

// encode builds the smallest symbol that holds text at the given level.
// go-qrcode chooses numeric, alphanumeric or byte mode per segment, so text
// of upper-case letters, digits and " $%*+-./:" is stored in alphanumeric
// mode.
func encode(text string, level Level) (*symbol, error) {
	rl, err := level.recovery()
	if err != nil {
		return nil, err
	}
	if text == "" {
		return nil, ErrEmptyText
	}
	q, err := qrcode.New(text, rl)
	if err != nil {
		// go-qrcode's only failures here are "too long" ones; keep its text
		// as the cause without exposing its error type.
		return nil, fmt.Errorf("%w: %d bytes at level %s (%v): shorten it or use LevelL",
			ErrTextTooLong, len(text), level, err)
	}
	q.DisableBorder = true
	return &symbol{version: q.VersionNumber, dark: q.Bitmap()}, nil
}

// Version returns the QR version (1 to 40) that WriteTerminal, PNG and
// WritePNGFile use for text at the given level. A version-v symbol is
// 17+4v modules on a side.
func Version(text string, level Level) (int, error) {
	s, err := encode(text, level)
	if err != nil {
		return 0, err
	}
	return s.version, nil
}
