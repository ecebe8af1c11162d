package relay

import (
	"errors"
	"testing"
)

var bandwidthTests = []struct {
	text string
	want int64
	err  bool
}{
	{"0", 0, false},
	{"20000", 20000, false},
	{"1MB/s", 1000000, false},
	{"1 MB/s", 1000000, false},
	{" 500kB/s ", 500000, false},
	{"500KB", 500000, false},
	{"2.5MiB/s", 2621440, false},
	{"1GiB/s", 1 << 30, false},
	{"8Mbit/s", 1000000, false},
	{"1kbit/s", 125, false},
	{"1bit/s", 0, false},
	{"1.5B/s", 1, false},
	{"3GB/s", 3000000000, false},
	{"9223372036854775807", 9223372036854775807, false},
	{"9223372036854775808", 0, true},
	{"10000000000GB/s", 0, true},
	{"", 0, true},
	{"MB/s", 0, true},
	{"1.2.3MB", 0, true},
	{".", 0, true},
	{"-1MB/s", 0, true},
	{"1 parsec", 0, true},
	{"1mb/s", 0, true},
	{"1e6", 0, true},
	{"1MB/s/s", 0, true},
	{"1111111111111111111111111111111111111111111", 0, true},
}

func TestParseBandwidth(t *testing.T) {
	for _, tt := range bandwidthTests {
		t.Run(tt.text, func(t *testing.T) {
			got, err := ParseBandwidth(tt.text)
			switch {
			case tt.err && !errors.Is(err, ErrBandwidth):
				t.Errorf("ParseBandwidth(%q) = %d, %v; want an error wrapping %v", tt.text, got, err, ErrBandwidth)
			case !tt.err && (err != nil || got != tt.want):
				t.Errorf("ParseBandwidth(%q) = %d, %v; want %d, nil", tt.text, got, err, tt.want)
			}
		})
	}
}

func TestFormatBandwidth(t *testing.T) {
	tests := []struct {
		in   int64
		want string
	}{
		{0, "0B/s"},
		{999, "999B/s"},
		{1000, "1kB/s"},
		{1500000, "1500kB/s"},
		{1000000, "1MB/s"},
		{7000000000, "7GB/s"},
		{7000000000000, "7000GB/s"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := FormatBandwidth(tt.in); got != tt.want {
				t.Errorf("FormatBandwidth(%d) = %q; want %q", tt.in, got, tt.want)
			}
		})
	}
}

// FuzzParseBandwidth checks that ParseBandwidth never fails silently and
// that what it accepts formats and parses back to the same value.
func FuzzParseBandwidth(f *testing.F) {
	for _, tt := range bandwidthTests {
		f.Add(tt.text)
	}
	f.Fuzz(func(t *testing.T, text string) {
		v, err := ParseBandwidth(text)
		if err != nil {
			if !errors.Is(err, ErrBandwidth) || v != 0 {
				t.Fatalf("ParseBandwidth(%q) = %d, %v; want 0 and an error wrapping %v", text, v, err, ErrBandwidth)
			}
			return
		}
		if v < 0 {
			t.Fatalf("ParseBandwidth(%q) = %d; want >= 0", text, v)
		}
		back, err := ParseBandwidth(FormatBandwidth(v))
		if err != nil || back != v {
			t.Fatalf("ParseBandwidth(FormatBandwidth(%d) = %q) = %d, %v; want %d", v, FormatBandwidth(v), back, err, v)
		}
	})
}
