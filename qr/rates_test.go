package qr_test

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/qrtc/qrtc/qr"
	"github.com/qrtc/qrtc/qr/internal/distort"
)

// expectRead says, for each distortion class and strength, which of the
// ratesPerLevel images generated from seed ratesSeed Decode reads ("Y")
// and which it does not ("."). The set is deterministic, so this is exact,
// measured when the decoder last changed, not a timing. An image marked Y
// that is not read is a regression; one marked "." that is read is an
// improvement to record here. Each class's strongest strength is where
// reading starts to fail. Any image read as the wrong text fails the test.
// The full table, with zbarimg beside it, is testdata/decode-rates.md
// (scripts/qr-vs-zbar.sh).
var expectRead = map[string]string{
	"blur sigma=0.3 module":                      "YYYY",
	"blur sigma=0.5 module":                      "YYYY",
	"blur sigma=0.7 module":                      "....",
	"clean module=1-4px":                         "YYYY",
	"contrast range=20":                          "YYYY",
	"contrast range=40":                          "YYYY",
	"contrast range=80":                          "YYYY",
	"inverted any angle":                         "YYYY",
	"jpeg quality=10":                            "YYYY",
	"jpeg quality=3":                             "YYYY",
	"jpeg quality=30":                            "YYYY",
	"mirrored any angle":                         "YYYY",
	"noise sigma=30":                             "YYYY",
	"noise sigma=60":                             "YYYY",
	"noise sigma=90":                             "YYYY",
	"perspective tilt=0.10":                      "YYYY",
	"perspective tilt=0.20":                      "YYYY",
	"perspective tilt=0.30":                      "Y.YY",
	"photo of screen hard: 4-6px modules":        "YY..",
	"photo of screen typical: 8-11px modules":    "YYYY",
	"rotation any angle":                         "YYYY",
	"small in busy picture code=14% of 1600px":   "YYYY",
	"small in busy picture code=20% of 1600px":   "YYYY",
	"small in busy picture code=30% of 1600px":   "YYYY",
	"terminal ascii spacing=1.15":                "YYYY",
	"terminal dark spacing=1.00":                 "YYYY",
	"terminal dark spacing=1.15":                 "YYYY",
	"terminal dark spacing=1.30":                 "YYYY",
	"terminal light spacing=1.00":                "YYYY",
	"terminal light spacing=1.15":                "YYYY",
	"terminal light spacing=1.30":                "YYYY",
	"terminal photo spacing=1.15+tilt+blur+jpeg": "YYYY",
	"uneven light gradient=0.4":                  "YYYY",
	"uneven light gradient=0.6":                  "YYYY",
	"uneven light gradient=0.8":                  "YYYY",
}

const (
	ratesSeed     = 1
	ratesPerLevel = 4
)

// TestDecodeRates decodes the generated distortion set and compares what
// is read with expectRead. Under the race detector only the first image of
// each class and strength is decoded.
func TestDecodeRates(t *testing.T) {
	if testing.Short() {
		t.Skip("decoding the distortion set takes a while; skipped in -short mode")
	}
	cases, err := distort.Generate(distort.QR, ratesSeed, ratesPerLevel, 60, 220)
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
		sort.Strings(report)
		t.Log("measured, for expectRead:\n" + strings.Join(report, "\n"))
	})
	for _, k := range order {
		t.Run(k, func(t *testing.T) {
			t.Parallel()
			want, ok := expectRead[k]
			if !ok || len(want) != ratesPerLevel {
				t.Errorf("no expectation of %d images for %q in expectRead", ratesPerLevel, k)
				want = strings.Repeat(".", ratesPerLevel)
			}
			got := []byte(strings.Repeat("-", ratesPerLevel))
			for i, c := range byLevel[k] {
				if raceEnabled && i > 0 {
					break
				}
				text, err := qr.Decode(c.Image)
				switch {
				case err == nil && text != c.Text:
					t.Errorf("%s: Decode = %q, want %q: a wrong read is worse than none", c.Name, text, c.Text)
					got[i] = 'X'
				case err == nil:
					got[i] = 'Y'
				default:
					got[i] = '.'
				}
				if want[i] == 'Y' && got[i] != 'Y' {
					t.Errorf("%s: not read any more (%v)", c.Name, err)
				}
				if want[i] == '.' && got[i] == 'Y' {
					t.Logf("%s: read now, update expectRead", c.Name)
				}
			}
			mu.Lock()
			report = append(report, fmt.Sprintf("\t%q: %q,", k, got))
			mu.Unlock()
		})
	}
}
