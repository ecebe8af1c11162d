package qr_test

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"strings"

	"github.com/qrtc/qrtc/qr"
)

// Render a token as a PNG and read it back.
func Example() {
	png, err := qr.PNG("QRTC1:HELLO-PEER", qr.PNGOptions{ModuleSize: 4})
	if err != nil {
		fmt.Println(err)
		return
	}
	text, err := qr.DecodeBytes(png)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(text)
	// Output: QRTC1:HELLO-PEER
}

// A version-5 code, drawn with half blocks, fits in 45 columns by 23 rows.
func ExampleWriteTerminal() {
	text := strings.Repeat("QRTC", 30) // 120 alphanumeric characters
	v, _ := qr.Version(text, qr.LevelM)
	var b bytes.Buffer
	if err := qr.WriteTerminal(&b, text, qr.TerminalOptions{Color: true}); err != nil {
		fmt.Println(err)
		return
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	plain := strings.NewReplacer("\x1b[38;5;16m", "", "\x1b[38;5;231m", "", "\x1b[48;5;16m", "",
		"\x1b[48;5;231m", "", "\x1b[0m", "").Replace(lines[0])
	fmt.Printf("version %d: %d columns by %d rows\n", v, len([]rune(plain)), len(lines))
	// Output: version 5: 45 columns by 23 rows
}

func ExampleVersion() {
	for _, text := range []string{"HELLO", strings.Repeat("A", 122), strings.Repeat("a", 122)} {
		v, err := qr.Version(text, qr.LevelDefault)
		fmt.Println(len(text), v, err)
	}
	// Output:
	// 5 1 <nil>
	// 122 5 <nil>
	// 122 7 <nil>
}

// Choose the largest quiet zone with which a code fits an 80x24 terminal,
// leaving three lines for text.
func ExampleTerminalSize() {
	text := strings.Repeat("QRTC", 24) // a 96-character token
	for qz := 4; qz >= 1; qz-- {
		cols, rows, err := qr.TerminalSize(text, qr.TerminalOptions{QuietZone: qz})
		if err != nil {
			fmt.Println(err)
			return
		}
		if cols <= 80 && rows+3 <= 24 {
			fmt.Printf("quiet zone %d: %d columns by %d rows\n", qz, cols, rows)
			break
		}
	}
	// Output: quiet zone 2: 41 columns by 21 rows
}

// Read a code from a video frame as a browser's canvas hands it over:
// width by height RGBA pixels, 4 bytes each.
func ExampleDecodeFrameRGBA() {
	img, err := qr.Image("QRTC1:HELLO-PEER", qr.PNGOptions{ModuleSize: 4})
	if err != nil {
		fmt.Println(err)
		return
	}
	// A 640x480 frame with the code in the middle.
	frame := image.NewNRGBA(image.Rect(0, 0, 640, 480))
	draw.Draw(frame, frame.Bounds(), image.NewUniform(color.Gray{200}), image.Point{}, draw.Src)
	draw.Draw(frame, img.Bounds().Add(image.Pt(250, 170)), img, image.Point{}, draw.Src)
	text, err := qr.DecodeFrameRGBA(frame.Pix, 640, 480, frame.Stride)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(text)
	// Output: QRTC1:HELLO-PEER
}
