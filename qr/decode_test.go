package qr_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/gif"
	"image/jpeg"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qrtc/qrtc/qr"
)

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "images", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// pngWithSize rewrites a PNG's IHDR to claim w x h pixels, with a valid
// checksum, so only the size check can stop it.
func pngWithSize(t *testing.T, w, h uint32) []byte {
	data := bytes.Clone(readFixture(t, "clean.png"))
	// Signature (8), length (4), "IHDR" (4), then width and height.
	binary.BigEndian.PutUint32(data[16:], w)
	binary.BigEndian.PutUint32(data[20:], h)
	binary.BigEndian.PutUint32(data[29:], crc32.ChecksumIEEE(data[12:29]))
	return data
}

// pngWithFormat is pngWithSize that also rewrites the bit depth and colour
// type (PNG spec 11.2.2: 0 grey, 2 RGB, 3 palette, 4 grey with alpha, 6
// RGBA).
func pngWithFormat(t *testing.T, w, h uint32, depth, colorType byte) []byte {
	data := bytes.Clone(readFixture(t, "clean.png"))
	binary.BigEndian.PutUint32(data[16:], w)
	binary.BigEndian.PutUint32(data[20:], h)
	data[24], data[25] = depth, colorType
	binary.BigEndian.PutUint32(data[29:], crc32.ChecksumIEEE(data[12:29]))
	return data
}

// jpegWithSize rewrites the size in a JPEG's start-of-frame segment.
func jpegWithSize(t *testing.T, w, h uint16) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, 16, 16)), nil); err != nil {
		t.Fatal(err)
	}
	data := b.Bytes()
	i := bytes.Index(data, []byte{0xff, 0xc0})
	if i < 0 {
		t.Fatal("no SOF0 segment in the JPEG")
	}
	// Marker (2), length (2), precision (1), height (2), width (2).
	binary.BigEndian.PutUint16(data[i+5:], h)
	binary.BigEndian.PutUint16(data[i+7:], w)
	return data
}

// gifWithSize rewrites a GIF's logical screen size.
func gifWithSize(t *testing.T, w, h uint16) []byte {
	var b bytes.Buffer
	if err := gif.Encode(&b, image.NewGray(image.Rect(0, 0, 8, 8)), nil); err != nil {
		t.Fatal(err)
	}
	data := b.Bytes()
	binary.LittleEndian.PutUint16(data[6:], w)
	binary.LittleEndian.PutUint16(data[8:], h)
	return data
}

func TestDecodeBytesBadInput(t *testing.T) {
	png := readFixture(t, "clean.png")
	jpg := readFixture(t, "blurred.jpg")
	gf := readFixture(t, "clean.gif")
	webp := readFixture(t, "photo.webp")
	tests := []struct {
		name string
		data []byte
		want error
		hint string // a phrase the message must contain
	}{
		{"nil", nil, qr.ErrNotImage, "PNG, JPEG"},
		{"text", []byte("QRTC1:this is a token, not a picture"), qr.ErrNotImage, "not an image"},
		{"pdf", []byte("%PDF-1.7\n..."), qr.ErrNotImage, ""},
		{"heic", append([]byte("\x00\x00\x00\x18ftypheic"), make([]byte, 32)...), qr.ErrUnsupportedFormat, "HEIC"},
		{"avif", append([]byte("\x00\x00\x00\x18ftypavif"), make([]byte, 32)...), qr.ErrUnsupportedFormat, "AVIF"},
		{"png signature only", png[:8], qr.ErrBadImage, "PNG"},
		{"png truncated", png[:len(png)/2], qr.ErrBadImage, "PNG"},
		{"jpeg truncated", jpg[:len(jpg)/2], qr.ErrBadImage, "JPEG"},
		{"jpeg header only", jpg[:3], qr.ErrBadImage, "JPEG"},
		{"gif truncated", gf[:len(gf)-20], qr.ErrBadImage, "GIF"},
		{"webp truncated", webp[:len(webp)/3], qr.ErrBadImage, "WebP"},
		{"png claims 100000x100000", pngWithSize(t, 100000, 100000), qr.ErrImageTooLarge, "100000x100000"},
		{"png claims 1x70000000", pngWithSize(t, 1, 70000000), qr.ErrImageTooLarge, "megapixel"},
		{"png claims 0x0", pngWithSize(t, 0, 0), qr.ErrBadImage, ""},
		// 36 megapixels is under MaxPixels, but at 8 bytes a pixel they
		// would take 275 MiB.
		{"16-bit RGBA png claims 6000x6000", pngWithFormat(t, 6000, 6000, 16, 6), qr.ErrImageTooLarge, "275 MiB"},
		{"16-bit RGB png claims 8000x6000", pngWithFormat(t, 8000, 6000, 16, 2), qr.ErrImageTooLarge, "16-bit RGBA"},
		{"16-bit grey+alpha png claims 6000x6000", pngWithFormat(t, 6000, 6000, 16, 4), qr.ErrImageTooLarge, "8 bits per channel"},
		{"jpeg claims 65000x65000", jpegWithSize(t, 65000, 65000), qr.ErrImageTooLarge, "65000x65000"},
		{"gif claims 65535x65535", gifWithSize(t, 65535, 65535), qr.ErrImageTooLarge, "65535x65535"},
		{"blank image", readFixture(t, "blank.png"), qr.ErrNoCode, "more light"},
		{"busy picture without a code", readFixture(t, "no-code.jpg"), qr.ErrNoCode, "closer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := qr.DecodeBytes(tt.data)
			if !errors.Is(err, tt.want) {
				t.Fatalf("DecodeBytes = %q, %v; want error %v", got, err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.hint) {
				t.Errorf("error %q does not mention %q", err, tt.hint)
			}
			if !strings.HasPrefix(err.Error(), "qr: ") {
				t.Errorf("error %q does not start with the package name", err)
			}
		})
	}
}

func TestDecodeFileErrors(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(text, []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	blank := filepath.Join(dir, "blank.png")
	if err := os.WriteFile(blank, readFixture(t, "blank.png"), 0o644); err != nil {
		t.Fatal(err)
	}
	// A sparse file one byte over the limit: refused from its size, never
	// read.
	huge := filepath.Join(dir, "huge.png")
	if err := os.WriteFile(huge, readFixture(t, "clean.png"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(huge, qr.MaxFileSize+1); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		path string
		want error
		hint string // a phrase the message must contain
	}{
		{"missing", filepath.Join(dir, "missing.png"), fs.ErrNotExist, "missing.png"},
		{"directory", dir, qr.ErrNotImage, "is a directory: give the path of an image file"},
		{"text file", text, qr.ErrNotImage, `qr: "` + text + `": not an image`},
		{"image without code", blank, qr.ErrNoCode, `qr: "` + blank + `": no QR code found`},
		{"over MaxFileSize", huge, qr.ErrImageTooLarge, "256 MiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := qr.DecodeFile(tt.path)
			checkDecodeFileError(t, tt.path, got, err, tt.want, tt.hint)
		})
	}
}

// checkDecodeFileError checks that DecodeFile(path) returned got, err
// failing with want, in a message that starts with the package name and
// contains hint.
func checkDecodeFileError(t *testing.T, path, got string, err, want error, hint string) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("DecodeFile(%q) = %q, %v; want error %v", path, got, err, want)
	}
	if !strings.HasPrefix(err.Error(), "qr: ") || strings.Contains(err.Error()[4:], "qr: ") {
		t.Errorf("DecodeFile(%q) error %q should start with \"qr: \", once", path, err)
	}
	if !strings.Contains(err.Error(), hint) {
		t.Errorf("DecodeFile(%q) error %q does not mention %q", path, err, hint)
	}
}

func TestDecodeEmptyImages(t *testing.T) {
	tests := []struct {
		name string
		img  image.Image
		want error
	}{
		{"nil", nil, qr.ErrNoCode},
		{"zero size", image.NewGray(image.Rect(0, 0, 0, 0)), qr.ErrNoCode},
		{"one pixel", image.NewGray(image.Rect(0, 0, 1, 1)), qr.ErrNoCode},
		{"thin strip", image.NewGray(image.Rect(0, 0, 5000, 3)), qr.ErrNoCode},
		{"offset bounds, no code", image.NewRGBA(image.Rect(-50, -50, 50, 50)), qr.ErrNoCode},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, err := qr.Decode(tt.img); !errors.Is(err, tt.want) {
				t.Errorf("Decode = %q, %v; want %v", got, err, tt.want)
			}
		})
	}
}

// TestDecodeSubImage reads a code from an image whose bounds do not start
// at the origin, as SubImage returns.
func TestDecodeSubImage(t *testing.T) {
	code, err := qr.Image("SUB IMAGE", qr.PNGOptions{ModuleSize: 4})
	if err != nil {
		t.Fatal(err)
	}
	big := image.NewRGBA(image.Rect(0, 0, 400, 400))
	for i := range big.Pix {
		big.Pix[i] = 0x80
	}
	b := code.Bounds()
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			big.Set(100+x, 100+y, code.At(x, y))
		}
	}
	sub := big.SubImage(image.Rect(90, 90, 110+b.Dx(), 110+b.Dy()))
	if got, err := qr.Decode(sub); err != nil || got != "SUB IMAGE" {
		t.Errorf("Decode(SubImage) = %q, %v; want %q", got, err, "SUB IMAGE")
	}
}
