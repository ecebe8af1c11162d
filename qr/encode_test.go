package qr_test

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/qrtc/qrtc/qr"
)

func TestVersion(t *testing.T) {
	// Capacities from ISO/IEC 18004:2015 table 7.
	tests := []struct {
		name  string
		text  string
		level qr.Level
		want  int
	}{
		{"alphanumeric v1 M full", strings.Repeat("A", 20), qr.LevelM, 1},
		{"alphanumeric v2 M", strings.Repeat("A", 21), qr.LevelM, 2},
		{"alphanumeric v5 M full", token(122), qr.LevelM, 5},
		{"alphanumeric v6 M", token(123), qr.LevelM, 6},
		{"default level is M", token(122), qr.LevelDefault, 5},
		{"alphanumeric v5 L full", token(154), qr.LevelL, 5},
		{"alphanumeric v5 Q full", token(87), qr.LevelQ, 5},
		{"alphanumeric v5 H full", token(64), qr.LevelH, 5},
		{"alphanumeric v10 M full", token(311), qr.LevelM, 10},
		{"byte mode v1 M full", "abcdefghijklmn", qr.LevelM, 1},
		{"byte mode v2 M", "abcdefghijklmno", qr.LevelM, 2},
		{"numeric v1 M full", strings.Repeat("7", 34), qr.LevelM, 1},
		{"alphanumeric v40 L full", token(4296), qr.LevelL, 40},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := qr.Version(tt.text, tt.level)
			if err != nil || got != tt.want {
				t.Errorf("Version(%d chars, %v) = %d, %v; want %d, nil", len(tt.text), tt.level, got, err, tt.want)
			}
		})
	}
}

func TestEncodeErrors(t *testing.T) {
	tests := []struct {
		name string
		run  func() error
		want error
	}{
		{"empty text", func() error { _, err := qr.Version("", qr.LevelM); return err }, qr.ErrEmptyText},
		{"too long", func() error { _, err := qr.Version(token(4297), qr.LevelL); return err }, qr.ErrTextTooLong},
		{"too long png", func() error { _, err := qr.PNG(strings.Repeat("a", 3000), qr.PNGOptions{}); return err }, qr.ErrTextTooLong},
		{"unknown level", func() error { _, err := qr.Version("A", qr.Level(9)); return err }, qr.ErrInvalidOption},
		{"module size negative", func() error { _, err := qr.PNG("A", qr.PNGOptions{ModuleSize: -1}); return err }, qr.ErrInvalidOption},
		{"module size too big", func() error { _, err := qr.PNG("A", qr.PNGOptions{ModuleSize: 41}); return err }, qr.ErrInvalidOption},
		{"unknown style", func() error {
			return qr.WriteTerminal(&bytes.Buffer{}, "A", qr.TerminalOptions{Style: qr.Style(7)})
		}, qr.ErrInvalidOption},
		{"quiet zone negative", func() error {
			return qr.WriteTerminal(&bytes.Buffer{}, "A", qr.TerminalOptions{QuietZone: -1})
		}, qr.ErrInvalidOption},
		{"terminal empty", func() error { return qr.WriteTerminal(&bytes.Buffer{}, "", qr.TerminalOptions{}) }, qr.ErrEmptyText},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.run()
			if !errors.Is(err, tt.want) {
				t.Fatalf("got error %v, want %v", err, tt.want)
			}
			if !strings.HasPrefix(err.Error(), "qr: ") {
				t.Errorf("error %q does not start with the package name", err)
			}
		})
	}
}

// modules reads a half-block or ASCII drawing back into a module matrix,
// true for ink.
func modules(t *testing.T, drawing string, style qr.Style) [][]bool {
	t.Helper()
	var rows [][]bool
	for _, line := range strings.Split(strings.TrimSuffix(drawing, "\n"), "\n") {
		if style == qr.StyleASCII {
			if len(line)%2 != 0 {
				t.Fatalf("ASCII line of odd length %d: %q", len(line), line)
			}
			var row []bool
			for i := 0; i < len(line); i += 2 {
				switch line[i : i+2] {
				case "##":
					row = append(row, true)
				case "  ":
					row = append(row, false)
				default:
					t.Fatalf("unexpected ASCII cell %q", line[i:i+2])
				}
			}
			rows = append(rows, row)
			continue
		}
		var top, bot []bool
		for _, r := range line {
			switch r {
			case ' ':
				top, bot = append(top, false), append(bot, false)
			case '▀':
				top, bot = append(top, true), append(bot, false)
			case '▄':
				top, bot = append(top, false), append(bot, true)
			case '█':
				top, bot = append(top, true), append(bot, true)
			default:
				t.Fatalf("unexpected character %q in half-block drawing", r)
			}
		}
		rows = append(rows, top, bot)
	}
	return rows
}

// reference returns the code's modules with a quiet zone of qz, from
// Image at one pixel per module, true for dark.
func reference(t *testing.T, text string, level qr.Level, qz int) [][]bool {
	t.Helper()
	img, err := qr.Image(text, qr.PNGOptions{Level: level, ModuleSize: 1})
	if err != nil {
		t.Fatal(err)
	}
	n := img.Bounds().Dx() - 8 + 2*qz
	m := make([][]bool, n)
	for y := range m {
		m[y] = make([]bool, n)
		for x := range m[y] {
			px, py := x-qz+4, y-qz+4
			if image.Pt(px, py).In(img.Bounds()) {
				m[y][x] = img.ColorIndexAt(px, py) == 1
			}
		}
	}
	return m
}

func TestWriteTerminalModules(t *testing.T) {
	text := token(122) // version 5 at level M
	tests := []struct {
		name        string
		opt         qr.TerminalOptions
		cols, lines int
	}{
		{"half blocks", qr.TerminalOptions{}, 45, 23},
		{"half blocks inverted", qr.TerminalOptions{Invert: true}, 45, 23},
		{"half blocks quiet zone 2", qr.TerminalOptions{QuietZone: 2}, 41, 21},
		{"half blocks level H", qr.TerminalOptions{Level: qr.LevelH}, 0, 0},
		{"ascii", qr.TerminalOptions{Style: qr.StyleASCII}, 90, 45},
		{"ascii inverted", qr.TerminalOptions{Style: qr.StyleASCII, Invert: true}, 90, 45},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := qr.WriteTerminal(&b, text, tt.opt); err != nil {
				t.Fatal(err)
			}
			out := b.String()
			lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			for i, l := range lines {
				if n := utf8.RuneCountInString(l); n != utf8.RuneCountInString(lines[0]) {
					t.Fatalf("line %d has %d columns, line 0 has %d", i, n, utf8.RuneCountInString(lines[0]))
				}
			}
			if tt.cols != 0 && (utf8.RuneCountInString(lines[0]) != tt.cols || len(lines) != tt.lines) {
				t.Errorf("drawing is %d columns by %d lines, want %d by %d",
					utf8.RuneCountInString(lines[0]), len(lines), tt.cols, tt.lines)
			}
			qz := tt.opt.QuietZone
			if qz == 0 {
				qz = 4
			}
			got := modules(t, out, tt.opt.Style)
			want := reference(t, text, tt.opt.Level, qz)
			for y := range want {
				for x := range want[y] {
					if got[y][x] != (want[y][x] != tt.opt.Invert) {
						t.Fatalf("module (%d,%d) drawn as ink=%v, want %v", x, y, got[y][x], want[y][x] != tt.opt.Invert)
					}
				}
			}
			// Half blocks draw one row past an odd-sized code: quiet zone.
			for y := len(want); y < len(got); y++ {
				for x := range got[y] {
					if got[y][x] != tt.opt.Invert {
						t.Fatalf("padding row %d column %d is not quiet zone", y, x)
					}
				}
			}
		})
	}
}

func TestWriteTerminalColor(t *testing.T) {
	tests := []struct {
		name  string
		basic bool
		want  []string // sequences the drawing must hold
		never string   // a sequence it must not hold
	}{
		{"256 colours", false, []string{"\x1b[48;5;16m", "\x1b[48;5;231m", "\x1b[0m\n"}, "\x1b[47m"},
		// Terminals without 256 colours (TERM=linux) print "5;16m" as
		// text: basic colours must not use the palette at all.
		{"basic colours", true, []string{"\x1b[40m", "\x1b[47m", "\x1b[0m\n"}, ";5;"},
	}
	for _, tt := range tests {
		for _, style := range []qr.Style{qr.StyleHalfBlock, qr.StyleASCII} {
			t.Run(fmt.Sprintf("%s/style%d", tt.name, style), func(t *testing.T) {
				var plain, color, basicOnly bytes.Buffer
				if err := qr.WriteTerminal(&plain, "HELLO", qr.TerminalOptions{Style: style}); err != nil {
					t.Fatal(err)
				}
				if err := qr.WriteTerminal(&color, "HELLO", qr.TerminalOptions{Style: style, Color: true, BasicColors: tt.basic}); err != nil {
					t.Fatal(err)
				}
				if err := qr.WriteTerminal(&basicOnly, "HELLO", qr.TerminalOptions{Style: style, BasicColors: true}); err != nil {
					t.Fatal(err)
				}
				if strings.Contains(plain.String(), "\x1b") {
					t.Errorf("plain drawing holds escape sequences")
				}
				if basicOnly.String() != plain.String() {
					t.Errorf("BasicColors without Color changed the plain drawing")
				}
				c := color.String()
				for _, seq := range tt.want {
					if !strings.Contains(c, seq) {
						t.Errorf("colour drawing lacks %q", seq)
					}
				}
				if strings.Contains(c, tt.never) {
					t.Errorf("colour drawing holds %q", tt.never)
				}
				if strings.Count(c, "\n") != strings.Count(plain.String(), "\n") {
					t.Errorf("colour drawing has %d lines, plain %d", strings.Count(c, "\n"), strings.Count(plain.String(), "\n"))
				}
				for i, l := range strings.Split(strings.TrimSuffix(c, "\n"), "\n") {
					if !strings.HasSuffix(l, "\x1b[0m") {
						t.Fatalf("line %d does not reset its colours: %q", i, l)
					}
				}
			})
		}
	}
}

// failWriter fails every write.
type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteTerminalWriteError(t *testing.T) {
	err := qr.WriteTerminal(failWriter{}, "HELLO", qr.TerminalOptions{})
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("WriteTerminal to a failing writer = %v, want the write error", err)
	}
}

// TestTerminalGolden keeps the exact drawings in testdata, so a change in
// the output is seen in review. Refresh with -update.
func TestTerminalGolden(t *testing.T) {
	tests := []struct {
		name string
		opt  qr.TerminalOptions
	}{
		{"halfblock", qr.TerminalOptions{}},
		{"halfblock-color", qr.TerminalOptions{Color: true}},
		{"halfblock-basic-color", qr.TerminalOptions{Color: true, BasicColors: true}},
		{"halfblock-invert", qr.TerminalOptions{Invert: true}},
		{"ascii", qr.TerminalOptions{Style: qr.StyleASCII}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := qr.WriteTerminal(&b, "QRTC1:HELLO-WORLD", tt.opt); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", "terminal-"+tt.name+".golden")
			if *update {
				if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(b.Bytes(), want) {
				t.Errorf("WriteTerminal output differs from %s:\n%s\nwant:\n%s", path, b.String(), want)
			}
		})
	}
}
