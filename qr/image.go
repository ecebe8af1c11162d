package qr

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"os"
	"strings"

	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"
	"golang.org/x/image/webp"
)

// MaxPixels is the largest image, in pixels, DecodeBytes and DecodeFile
// accept: 64 megapixels, twice what current phone cameras take. The size in
// the file's header is checked before any pixel is decoded.
const MaxPixels = 64 << 20

// MaxImageBytes is the most memory, in bytes, the decoded pixels of an
// image may take for DecodeBytes and DecodeFile to accept it: 256 MiB. It
// is estimated from the size and colour model in the file's header before
// any pixel is decoded (4 bytes a pixel for 8-bit colour, 8 for 16-bit
// colour, 1 for grey or palette images), so a 48-megapixel 8-bit photo
// passes while a 16-bit one of the same size does not.
const MaxImageBytes = 256 << 20

// MaxFileSize is the largest file, in bytes, DecodeFile reads.
const MaxFileSize = 256 << 20

// format is one image file format this package reads.
type format struct {
	name   string
	match  func([]byte) bool
	config func(io.Reader) (image.Config, error)
	decode func(io.Reader) (image.Image, error)
}

// formats lists the formats DecodeBytes reads, found by their magic
// numbers rather than through image.RegisterFormat, so importing this
// package changes nothing global.
var formats = []format{
	{"PNG", prefix("\x89PNG\r\n\x1a\n"), png.DecodeConfig, png.Decode},
	{"JPEG", prefix("\xff\xd8\xff"), jpeg.DecodeConfig, jpeg.Decode},
	{"GIF", func(b []byte) bool { return prefix("GIF87a")(b) || prefix("GIF89a")(b) }, gif.DecodeConfig, gif.Decode},
	{"WebP", func(b []byte) bool { return len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP" }, webp.DecodeConfig, webp.Decode},
	{"BMP", prefix("BM"), bmp.DecodeConfig, bmp.Decode},
	{"TIFF", func(b []byte) bool { return prefix("II*\x00")(b) || prefix("MM\x00*")(b) }, tiff.DecodeConfig, tiff.Decode},
}

// unsupported names image formats that are recognised but not read.
func unsupported(b []byte) string {
	if len(b) >= 12 && string(b[4:8]) == "ftyp" {
		switch string(b[8:12]) {
		case "heic", "heix", "hevc", "heim", "heis", "mif1", "msf1":
			return "HEIC"
		case "avif", "avis":
			return "AVIF"
		}
	}
	switch {
	case prefix("\xff\x0a")(b), prefix("\x00\x00\x00\x0cJXL \r\n\x87\n")(b):
		return "JPEG XL"
	case prefix("8BPS")(b):
		return "Photoshop"
	case prefix("qoif")(b):
		return "QOI"
	case prefix("\x00\x00\x01\x00")(b):
		return "ICO"
	case prefix("<svg")(b), prefix("<?xml")(b):
		return "SVG"
	}
	return ""
}

func prefix(p string) func([]byte) bool {
	return func(b []byte) bool { return len(b) >= len(p) && string(b[:len(p)]) == p }
}

// loadImage decodes an image file held in data, refusing images larger
// than MaxPixels or MaxImageBytes before decoding their pixels.
func loadImage(data []byte) (img image.Image, err error) {
	var f *format
	for i := range formats {
		if formats[i].match(data) {
			f = &formats[i]
			break
		}
	}
	if f == nil {
		if name := unsupported(data); name != "" {
			return nil, fmt.Errorf("%w: %q", ErrUnsupportedFormat, name)
		}
		return nil, ErrNotImage
	}
	// Third-party decoders are not ours to trust with arbitrary bytes: a
	// panic in one becomes a damaged-file error.
	defer func() {
		if r := recover(); r != nil {
			img, err = nil, fmt.Errorf("%w: %s decoder failed: %v", ErrBadImage, f.name, r)
		}
	}()
	cfg, err := f.config(bytes.NewReader(data))
	if err != nil {
		return nil, badImage(f.name, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, fmt.Errorf("%w: %s header says %dx%d pixels", ErrBadImage, f.name, cfg.Width, cfg.Height)
	}
	if err := checkSize(f.name, cfg); err != nil {
		return nil, err
	}
	img, err = f.decode(bytes.NewReader(data))
	if err != nil {
		return nil, badImage(f.name, err)
	}
	b := img.Bounds()
	if int64(b.Dx())*int64(b.Dy()) > MaxPixels || b.Empty() {
		return nil, fmt.Errorf("%w: %s decoded to %dx%d pixels, not what its header said",
			ErrBadImage, f.name, b.Dx(), b.Dy())
	}
	return img, nil
}

// checkSize refuses an image whose header, cfg, promises more than
// MaxPixels pixels or more than MaxImageBytes of decoded pixels.
func checkSize(name string, cfg image.Config) error {
	size := fmt.Sprintf("%dx%d", cfg.Width, cfg.Height)
	pixels := int64(cfg.Width) * int64(cfg.Height)
	if pixels > MaxPixels {
		return fmt.Errorf("%w: %q pixels (%s) is over the %d-megapixel limit: scale the picture down",
			ErrImageTooLarge, size, name, MaxPixels>>20)
	}
	bpp, kind := bytesPerPixel(cfg.ColorModel)
	if need := pixels * bpp; need > MaxImageBytes {
		return fmt.Errorf("%w: %q pixels (%s, %s) take %d MiB to decode, over the %d MiB limit: "+
			"scale the picture down or save it with 8 bits per channel",
			ErrImageTooLarge, size, name, kind, (need+1<<20-1)>>20, MaxImageBytes>>20)
	}
	return nil
}

// bytesPerPixel estimates how many bytes one pixel of an image with colour
// model m takes once decoded, and names the model for error messages. A
// model it does not know counts as the largest standard one, 8 bytes.
func bytesPerPixel(m color.Model) (int64, string) {
	if _, ok := m.(color.Palette); ok {
		return 1, "palette"
	}
	switch m {
	case color.GrayModel:
		return 1, "8-bit grey"
	case color.AlphaModel:
		return 1, "8-bit alpha"
	case color.Gray16Model:
		return 2, "16-bit grey"
	case color.Alpha16Model:
		return 2, "16-bit alpha"
	case color.YCbCrModel:
		// 1.5 bytes with 4:2:0 chroma subsampling, 3 without.
		return 3, "8-bit YCbCr"
	case color.RGBAModel, color.NRGBAModel:
		return 4, "8-bit RGBA"
	case color.NYCbCrAModel:
		return 4, "8-bit YCbCr with alpha"
	case color.CMYKModel:
		return 4, "8-bit CMYK"
	case color.RGBA64Model, color.NRGBA64Model:
		return 8, "16-bit RGBA"
	}
	return 8, "unknown colour model"
}

// badImage wraps a decoder's error, keeping its text but not its type.
func badImage(name string, err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return fmt.Errorf("%w: %s file ends early", ErrBadImage, name)
	}
	return fmt.Errorf("%w: %s: %v", ErrBadImage, name, err)
}

// DecodeBytes reads a QR code from an image file held in data: PNG, JPEG,
// GIF (first frame), WebP, BMP or TIFF. The size in the header is checked
// against MaxPixels and MaxImageBytes before decoding. See Decode.
func DecodeBytes(data []byte) (string, error) {
	img, err := loadImage(data)
	if err != nil {
		return "", err
	}
	return Decode(img)
}

// DecodeFile reads a QR code from the image file at path; see DecodeBytes.
// It reads only regular files of at most MaxFileSize bytes: a directory, a
// named pipe or a device (such as /dev/zero) is refused before it is read,
// so the call cannot block or read without end.
func DecodeFile(path string) (string, error) {
	// Checked before opening: opening a named pipe blocks until a writer
	// comes.
	st, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("qr: reading image: %w", err)
	}
	if err := regularFile(path, st, 0); err != nil {
		return "", err
	}
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("qr: reading image: %w", err)
	}
	defer f.Close() // read-only: a close error loses nothing
	// The path may have been replaced since: check what was opened.
	st, err = f.Stat()
	if err != nil {
		return "", fmt.Errorf("qr: reading image %q: %w", path, err)
	}
	if err := regularFile(path, st, 0); err != nil {
		return "", err
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return "", fmt.Errorf("qr: reading image %q: %w", path, err)
	}
	// The file may have grown since Stat.
	if err := regularFile(path, st, int64(len(data))); err != nil {
		return "", err
	}
	text, err := DecodeBytes(data)
	if err != nil {
		return "", &fileError{path: path, err: err}
	}
	return text, nil
}

// regularFile refuses what is not a regular file, or is larger than
// MaxFileSize by its size in st or by read, the bytes read from it.
func regularFile(path string, st os.FileInfo, read int64) error {
	if !st.Mode().IsRegular() {
		kind := "not a regular file"
		switch m := st.Mode(); {
		case m.IsDir():
			kind = "a directory"
		case m&os.ModeNamedPipe != 0:
			kind = "a named pipe"
		case m&os.ModeSocket != 0:
			kind = "a socket"
		case m&os.ModeDevice != 0:
			kind = "a device"
		}
		return fmt.Errorf("%w: %q is %s: give the path of an image file, or save the picture to one first",
			ErrNotImage, path, kind)
	}
	if size := max(st.Size(), read); size > MaxFileSize {
		return fmt.Errorf("%w: %q holds more than %d MiB, the limit for an image file: scale the picture down",
			ErrImageTooLarge, path, MaxFileSize>>20)
	}
	return nil
}

// fileError is an error about the file at path: its text starts with the
// package name and the path, then err's text without its package name.
type fileError struct {
	path string
	err  error
}

// Error returns "qr: " and the quoted path, then err's text.
func (e *fileError) Error() string {
	return fmt.Sprintf("qr: %q: %s", e.path, strings.TrimPrefix(e.err.Error(), "qr: "))
}

// Unwrap returns err, for errors.Is.
func (e *fileError) Unwrap() error { return e.err }
