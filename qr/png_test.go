package qr_test

import (
	"bytes"
	"errors"
	"image"
	"image/png"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/qrtc/qrtc/qr"
)

func TestPNGLayout(t *testing.T) {
	text := token(122) // version 5: 37 modules
	tests := []struct {
		name   string
		module int
		want   int // pixels per module
	}{
		{"default module size", 0, qr.DefaultModuleSize},
		{"one pixel", 1, 1},
		{"three pixels", 3, 3},
		{"largest", 40, 40},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := qr.PNG(text, qr.PNGOptions{ModuleSize: tt.module})
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("PNG output does not decode as PNG: %v", err)
			}
			m := tt.want
			side := (37 + 8) * m
			if b := img.Bounds(); b.Dx() != side || b.Dy() != side {
				t.Fatalf("PNG is %dx%d, want %dx%d", b.Dx(), b.Dy(), side, side)
			}
			ref := reference(t, text, qr.LevelM, 4)
			// Every pixel is pure black or white and belongs wholly to
			// its module: crisp edges, a 4-module white quiet zone.
			for y := 0; y < side; y++ {
				for x := 0; x < side; x++ {
					r, g, b, _ := img.At(x, y).RGBA()
					if r != g || g != b || (r != 0 && r != 0xffff) {
						t.Fatalf("pixel (%d,%d) is grey (%d,%d,%d): edges are not crisp", x, y, r, g, b)
					}
					if dark := r == 0; dark != ref[y/m][x/m] {
						t.Fatalf("pixel (%d,%d) dark=%v, its module (%d,%d) is dark=%v", x, y, dark, x/m, y/m, ref[y/m][x/m])
					}
				}
			}
		})
	}
}

func TestWritePNGFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "code.png")
	// The old file is world-readable: the new one must not inherit that.
	if err := os.WriteFile(path, []byte("old content"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil { // whatever the umask
		t.Fatal(err)
	}
	if err := qr.WritePNGFile(path, "HELLO FILE", qr.PNGOptions{ModuleSize: 4}); err != nil {
		t.Fatalf("WritePNGFile: %v", err)
	}
	got, err := qr.DecodeFile(path)
	if err != nil || got != "HELLO FILE" {
		t.Fatalf("DecodeFile after WritePNGFile = %q, %v; want %q", got, err, "HELLO FILE")
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("WritePNGFile over a 0644 file: mode %v, want 0600 (the code holds a token)", st.Mode().Perm())
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries after the write, want only code.png (no temporary file left)", len(entries))
	}

	t.Run("missing directory", func(t *testing.T) {
		err := qr.WritePNGFile(filepath.Join(dir, "no", "such", "code.png"), "X", qr.PNGOptions{})
		if !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("WritePNGFile into a missing directory = %v, want fs.ErrNotExist", err)
		}
	})
	t.Run("bad option leaves no file", func(t *testing.T) {
		p := filepath.Join(dir, "bad.png")
		err := qr.WritePNGFile(p, "X", qr.PNGOptions{ModuleSize: -3})
		if !errors.Is(err, qr.ErrInvalidOption) {
			t.Errorf("WritePNGFile with module size -3 = %v, want ErrInvalidOption", err)
		}
		if _, err := os.Stat(p); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("bad.png exists after a failed write")
		}
	})
	t.Run("rename fails", func(t *testing.T) {
		// A directory in the way makes the final rename fail: the
		// temporary file must not stay behind.
		d := t.TempDir()
		if err := os.Mkdir(filepath.Join(d, "taken.png"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "taken.png", "x"), nil, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := qr.WritePNGFile(filepath.Join(d, "taken.png"), "X", qr.PNGOptions{}); err == nil {
			t.Fatal("WritePNGFile over a non-empty directory succeeded")
		}
		entries, _ := os.ReadDir(d)
		if len(entries) != 1 {
			t.Errorf("%d entries after the failed write, want 1 (temporary file removed)", len(entries))
		}
	})
}

func TestImageType(t *testing.T) {
	img, err := qr.Image("A", qr.PNGOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var _ image.Image = img
	if len(img.Palette) != 2 {
		t.Errorf("palette has %d colours, want 2", len(img.Palette))
	}
}
