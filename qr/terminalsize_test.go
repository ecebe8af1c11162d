package qr

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestTerminalSize: TerminalSize tells the columns and rows WriteTerminal
// then draws, for both styles and every quiet zone.
func TestTerminalSize(t *testing.T) {
	for _, text := range []string{"A", strings.Repeat("QRTC", 24), strings.Repeat("x", 300)} {
		for _, style := range []Style{StyleHalfBlock, StyleASCII} {
			for qz := 1; qz <= 16; qz++ {
				opt := TerminalOptions{Style: style, QuietZone: qz}
				cols, rows, err := TerminalSize(text, opt)
				if err != nil {
					t.Fatalf("TerminalSize(%d bytes, %+v): %v", len(text), opt, err)
				}
				var b bytes.Buffer
				if err := WriteTerminal(&b, text, opt); err != nil {
					t.Fatal(err)
				}
				lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
				if len(lines) != rows || utf8.RuneCountInString(lines[0]) != cols {
					t.Errorf("TerminalSize(%d bytes, %+v) = %dx%d, WriteTerminal drew %dx%d",
						len(text), opt, cols, rows, utf8.RuneCountInString(lines[0]), len(lines))
				}
			}
		}
	}
	if _, _, err := TerminalSize("A", TerminalOptions{QuietZone: 17}); err == nil {
		t.Errorf("TerminalSize with a quiet zone of 17: no error")
	}
}
