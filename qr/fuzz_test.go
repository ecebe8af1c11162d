package qr_test

import (
	"bytes"
	"errors"
	"image"
	_ "image/gif"  // for image.DecodeConfig
	_ "image/jpeg" // for image.DecodeConfig
	_ "image/png"  // for image.DecodeConfig
	"os"
	"path/filepath"
	"strings"
	"testing"

	_ "golang.org/x/image/bmp"  // for image.DecodeConfig
	_ "golang.org/x/image/tiff" // for image.DecodeConfig
	_ "golang.org/x/image/webp" // for image.DecodeConfig

	"github.com/qrtc/qrtc/qr"
)

// FuzzDecodeBytes feeds arbitrary bytes to DecodeBytes as an image file:
// it must never panic, and every failure must be one of the documented
// errors. Seeded with the fixtures, which are real PNG, JPEG, GIF, WebP,
// BMP and TIFF files, small ones first.
func FuzzDecodeBytes(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "images", "*"))
	if err != nil {
		f.Fatal(err)
	}
	for _, p := range files {
		if strings.HasSuffix(p, ".txt") {
			continue
		}
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		// Large seeds make every fuzz iteration slow; the small ones
		// cover each format.
		if len(data) <= 40<<10 {
			f.Add(data)
		}
	}
	f.Add([]byte("\x89PNG\r\n\x1a\n"))
	f.Add([]byte("GIF89a"))
	f.Add([]byte("\xff\xd8\xff\xe0"))
	f.Add([]byte("RIFF\x00\x00\x00\x00WEBPVP8 "))
	f.Fuzz(func(t *testing.T, data []byte) {
		// Large pictures are legitimate and slow (every decode attempt
		// runs when there is no code): keep the fuzzer on the parsing.
		// The size limit itself is tested in TestDecodeBytesBadInput.
		if cfg, _, err := image.DecodeConfig(bytes.NewReader(data)); err == nil && cfg.Width*cfg.Height > 1<<20 {
			t.Skip()
		}
		text, err := qr.DecodeBytes(data)
		if err == nil {
			if text == "" {
				t.Errorf("DecodeBytes returned empty text and no error")
			}
			return
		}
		for _, want := range []error{qr.ErrNotImage, qr.ErrUnsupportedFormat, qr.ErrBadImage, qr.ErrImageTooLarge, qr.ErrNoCode} {
			if errors.Is(err, want) {
				return
			}
		}
		t.Errorf("DecodeBytes error %v is none of the documented ones", err)
	})
}

// FuzzRoundTrip renders arbitrary text as a PNG and reads it back: every
// text that encodes must decode to exactly itself, byte for byte.
func FuzzRoundTrip(f *testing.F) {
	for _, s := range []string{"QRTC1:HELLO", token(150), "grüße ✓", "\x00\xff\x80", "0123456789", "a", "ABC123abc"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if len(text) > 400 {
			t.Skip() // large symbols only slow the fuzzer down
		}
		data, err := qr.PNG(text, qr.PNGOptions{ModuleSize: 2})
		if err != nil {
			if !errors.Is(err, qr.ErrEmptyText) && !errors.Is(err, qr.ErrTextTooLong) {
				t.Fatalf("PNG(%q) error %v is none of the documented ones", text, err)
			}
			return
		}
		got, err := qr.DecodeBytes(data)
		if err != nil || got != text {
			t.Fatalf("DecodeBytes(PNG(%q)) = %q, %v", text, got, err)
		}
	})
}
