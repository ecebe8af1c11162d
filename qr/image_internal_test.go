package qr

import (
	"errors"
	"image"
	"image/color"
	"strings"
	"testing"
)

// TestCheckSize checks the header size limits without decoding, so that
// pictures which pass need not be allocated here.
func TestCheckSize(t *testing.T) {
	pal := color.Palette{color.Black, color.White}
	tests := []struct {
		name string
		w, h int
		m    color.Model
		hint string // "" when the image is accepted, else a phrase of the error
	}{
		{"12 MP JPEG photo", 4000, 3000, color.YCbCrModel, ""},
		{"48 MP JPEG photo", 8000, 6000, color.YCbCrModel, ""},
		{"48 MP 8-bit RGBA PNG", 8000, 6000, color.NRGBAModel, ""},
		{"48 MP CMYK JPEG", 8000, 6000, color.CMYKModel, ""},
		{"64 MP 8-bit RGBA PNG", 8192, 8192, color.RGBAModel, ""},
		{"64 MP grey", 8192, 8192, color.GrayModel, ""},
		{"64 MP palette", 8192, 8192, pal, ""},
		{"24 MP 16-bit RGBA", 6000, 4000, color.NRGBA64Model, ""},
		{"64 MP 16-bit grey", 8192, 8192, color.Gray16Model, ""},
		{"36 MP 16-bit RGBA", 6000, 6000, color.RGBA64Model, "275 MiB"},
		{"48 MP 16-bit RGBA", 8000, 6000, color.NRGBA64Model, "\"8000x6000\" pixels (PNG, 16-bit RGBA) take 367 MiB"},
		{"48 MP unknown model", 8000, 6000, nil, "unknown colour model"},
		{"over 64 MP grey", 8193, 8192, color.GrayModel, "64-megapixel limit"},
		{"huge claim", 1 << 30, 1 << 30, color.GrayModel, "megapixel"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkSize("PNG", image.Config{ColorModel: tt.m, Width: tt.w, Height: tt.h})
			if tt.hint == "" {
				if err != nil {
					t.Errorf("checkSize(%dx%d) = %v, want nil", tt.w, tt.h, err)
				}
				return
			}
			if !errors.Is(err, ErrImageTooLarge) {
				t.Fatalf("checkSize(%dx%d) = %v, want ErrImageTooLarge", tt.w, tt.h, err)
			}
			if !strings.Contains(err.Error(), tt.hint) || !strings.Contains(err.Error(), "scale the picture down") {
				t.Errorf("checkSize(%dx%d) = %q, want it to mention %q and what to do", tt.w, tt.h, err, tt.hint)
			}
		})
	}
}
