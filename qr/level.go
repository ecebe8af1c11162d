package qr

import (
	"fmt"

	qrcode "github.com/skip2/go-qrcode"
)

// Level is a QR error-correction level: how much of the symbol may be
// damaged or unreadable and still decode. A higher level makes a larger
// symbol for the same text. The zero value, LevelDefault, means LevelM.
type Level int

// Error-correction levels, as defined in ISO/IEC 18004:2015 section 5.3.8.
const (
	// LevelDefault is the zero value; it selects LevelM.
	LevelDefault Level = iota
	// LevelL recovers about 7% of the symbol.
	LevelL
	// LevelM recovers about 15% of the symbol. It is the default.
	LevelM
	// LevelQ recovers about 25% of the symbol.
	LevelQ
	// LevelH recovers about 30% of the symbol.
	LevelH
)

// String returns the level's letter: "L", "M", "Q" or "H".
func (l Level) String() string {
	switch l {
	case LevelDefault, LevelM:
		return "M"
	case LevelL:
		return "L"
	case LevelQ:
		return "Q"
	case LevelH:
		return "H"
	}
	return fmt.Sprintf("Level(%d)", int(l))
}

// recovery maps a Level to go-qrcode's recovery level.
func (l Level) recovery() (qrcode.RecoveryLevel, error) {
	switch l {
	case LevelDefault, LevelM:
		return qrcode.Medium, nil
	case LevelL:
		return qrcode.Low, nil
	case LevelQ:
		return qrcode.High, nil
	case LevelH:
		return qrcode.Highest, nil
	}
	return 0, fmt.Errorf("%w: level %q: use LevelL, LevelM, LevelQ or LevelH", ErrInvalidOption, l.String())
}
