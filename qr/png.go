package qr

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"runtime"
)

// DefaultModuleSize is the module size, in pixels, PNG uses when
// PNGOptions.ModuleSize is zero.
const DefaultModuleSize = 8

// maxModuleSize bounds PNGOptions.ModuleSize so a version-40 symbol stays
// under about 64 megapixels.
const maxModuleSize = 40

// PNGOptions controls PNG and WritePNGFile. The zero value means LevelM
// and 8-pixel modules.
type PNGOptions struct {
	// Level is the error-correction level; the zero value means LevelM.
	Level Level
	// ModuleSize is the side of one module in pixels, 1 to 40; zero means
	// DefaultModuleSize.
	ModuleSize int
}

// Image returns text as a black-on-white QR code image with a 4-module
// quiet zone, each module moduleSize pixels square (zero means
// DefaultModuleSize). Edges are exact: no pixel is a mix of two modules.
func Image(text string, opt PNGOptions) (*image.Paletted, error) {
	ms := opt.ModuleSize
	if ms == 0 {
		ms = DefaultModuleSize
	}
	if ms < 1 || ms > maxModuleSize {
		return nil, fmt.Errorf("%w: module size %q pixels: use 1 to %d",
			ErrInvalidOption, fmt.Sprint(opt.ModuleSize), maxModuleSize)
	}
	s, err := encode(text, opt.Level)
	if err != nil {
		return nil, err
	}
	n := s.size() + 2*defaultQuietZone
	pal := color.Palette{color.Gray{Y: 255}, color.Gray{Y: 0}}
	img := image.NewPaletted(image.Rect(0, 0, n*ms, n*ms), pal)
	for my := 0; my < s.size(); my++ {
		for mx := 0; mx < s.size(); mx++ {
			if !s.dark[my][mx] {
				continue
			}
			x0 := (mx + defaultQuietZone) * ms
			y0 := (my + defaultQuietZone) * ms
			for y := y0; y < y0+ms; y++ {
				row := img.Pix[y*img.Stride+x0 : y*img.Stride+x0+ms]
				for i := range row {
					row[i] = 1
				}
			}
		}
	}
	return img, nil
}

// PNG returns text as a PNG-encoded QR code; see Image for its layout.
func PNG(text string, opt PNGOptions) ([]byte, error) {
	img, err := Image(text, opt)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("qr: encoding PNG: %w", err)
	}
	return buf.Bytes(), nil
}

// WritePNGFile writes text as a PNG QR code (see PNG) to path atomically
// and durably: it writes a temporary file in the same directory, flushes it
// to disk, renames it over path and flushes the directory, so a reader
// never sees a partial file and a crash leaves the old file or the new one.
// The file gets mode 0600, readable by its owner only: a qrtc token holds
// the session's ICE password and certificate fingerprint.
func WritePNGFile(path, text string, opt PNGOptions) (err error) {
	data, err := PNG(text, opt)
	if err != nil {
		return err
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return fmt.Errorf("qr: writing %q: %w", path, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			_ = f.Close() // already failed; the write error is what matters
			_ = os.Remove(tmp)
		}
	}()
	if _, err = f.Write(data); err != nil {
		return fmt.Errorf("qr: writing %q: %w", path, err)
	}
	if err = f.Chmod(0o600); err != nil {
		return fmt.Errorf("qr: writing %q: %w", path, err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("qr: writing %q: %w", path, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("qr: writing %q: %w", path, err)
	}
	if err = os.Rename(tmp, path); err != nil {
		return fmt.Errorf("qr: writing %q: %w", path, err)
	}
	// The rename is only durable once the directory entry is on disk.
	// After the rename the temporary name is gone: nothing to remove.
	if err := syncDir(dir); err != nil {
		return fmt.Errorf("qr: writing %q: flushing directory %q: %w", path, dir, err)
	}
	return nil
}

// syncDir flushes the directory dir to disk, making a rename in it
// durable.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		// Windows cannot flush a directory opened this way: the rename
		// there is as durable as the file system makes it.
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	if err := d.Sync(); err != nil {
		_ = d.Close() // the sync error is the one that matters
		return err
	}
	return d.Close()
}
