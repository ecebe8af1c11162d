package qr_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/qrtc/qrtc/qr"
	"github.com/qrtc/qrtc/qr/internal/distort"
)

// minRates is how many of ratesPerLevel images of each distortion class and
// strength Decode must read, on the set generated from seed ratesSeed. The
// set is deterministic, so these are exact counts measured when the
// decoder last changed, not timings: a lower count is a regression, a
// higher one a reason to raise the bar. The strongest strength of a class
// is chosen where reading starts to fail; where nothing is read (0) the
// test still fails on a wrong read. The full table, with zbarimg
// beside it, is in testdata/decode-rates.md (scripts/qr-vs-zbar.sh).
var minRates = map[string]int{
	"clean module=1-4px":                         4,
	"rotation any angle":                         4,
	"perspective tilt=0.10":                      4,
	"perspective tilt=0.20":                      4,
	"perspective tilt=0.30":                      0,
	"blur sigma=0.3 module":                      4,
	"blur sigma=0.5 module":                      4,
	"blur sigma=0.7 module":                      0,
	"noise sigma=30":                             4,
	"noise sigma=60":                             4,
	"noise sigma=90":                             2,
	"contrast range=80":                          4,
	"contrast range=40":                          4,
	"contrast range=20":                          3,
	"uneven light gradient=0.4":                  4,
	"uneven light gradient=0.6":                  4,
	"uneven light gradient=0.8":                  4,
	"jpeg quality=30":                            4,
	"jpeg quality=10":                            4,
	"jpeg quality=3":                             3,
	"inverted any angle":                         4,
	"mirrored any angle":                         4,
	"small in busy picture code=30% of 1600px":   4,
	"small in busy picture code=20% of 1600px":   4,
	"small in busy picture code=14% of 1600px":   4,
	"photo of screen typical: 8-11px modules":    4,
	"photo of screen hard: 4-6px modules":        1,
	"terminal light spacing=1.00":                4,
	"terminal dark spacing=1.00":                 4,
	"terminal light spacing=1.15":                4,
	"terminal dark spacing=1.15":                 4,
	"terminal light spacing=1.30":                4,
	"terminal dark spacing=1.30":                 4,
	"terminal ascii spacing=1.15":                4,
	"terminal photo spacing=1.15+tilt+blur+jpeg": 3,
}

const (
	ratesSeed     = 1
	ratesPerLevel = 4
)

// TestDecodeRates decodes the generated distortion set and checks the
// number read per class and strength against minRates.
func TestDecodeRates(t *testing.T) {
	if testing.Short() {
		t.Skip("decoding the distortion set takes a while; skipped in -short mode")
	}
	cases, err := distort.Generate(renderer, ratesSeed, ratesPerLevel, 60, 220)
	if err != nil {
		t.Fatal(err)
	}
	byLevel := map[string][]distort.Case{}
	var order []string
	for _, c := range cases {
		k := c.Class + " " + c.Strength
		if byLevel[k] == nil {
			order = append(order, k)
		}
		byLevel[k] = append(byLevel[k], c)
	}
	var mu sync.Mutex
	var report []string
	t.Cleanup(func() {
		for _, r := range report {
			t.Log(r)
		}
	})
	for _, k := range order {
		t.Run(k, func(t *testing.T) {
			t.Parallel()
			want, ok := minRates[k]
			if !ok {
				t.Fatalf("no expected rate for %q: add it to minRates", k)
			}
			got := 0
			for _, c := range byLevel[k] {
				text, err := qr.Decode(c.Image)
				if err == nil && text != c.Text {
					t.Errorf("%s: Decode = %q, want %q: a wrong read is worse than none", c.Name, text, c.Text)
				}
				if err == nil && text == c.Text {
					got++
				}
			}
			mu.Lock()
			report = append(report, fmt.Sprintf("%-50s %d/%d (at least %d)", k, got, len(byLevel[k]), want))
			mu.Unlock()
			if got < want {
				t.Errorf("read %d of %d images, want at least %d", got, len(byLevel[k]), want)
			}
		})
	}
}
