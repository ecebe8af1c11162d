package qr

import (
	"math"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode/decoder"
	"github.com/makiuchi-d/gozxing/qrcode/detector"
)

// detectDecode finds the three finder patterns in a black-and-white
// picture and reads the symbol between them. Unlike gozxing's own
// detector, which bets on one symbol size estimated from the finder
// patterns, it also tries the neighbouring sizes: under perspective the
// module size measured at the finder patterns is off, and so is that
// estimate, most of all for large versions.
func detectDecode(m *gozxing.BitMatrix, dec *decoder.Decoder, hints map[gozxing.DecodeHintType]any) (string, bool) {
	info, err := detector.NewFinderPatternFinder(m, nil).Find(hints)
	if err != nil {
		return "", false
	}
	tl, tr, bl := info.GetTopLeft(), info.GetTopRight(), info.GetBottomLeft()
	ms := (tl.GetEstimatedModuleSize() + tr.GetEstimatedModuleSize() + bl.GetEstimatedModuleSize()) / 3
	if ms < 1 {
		return "", false
	}
	across := gozxing.ResultPoint_Distance(tl, tr) / ms
	down := gozxing.ResultPoint_Distance(tl, bl) / ms
	// Finder centres are 7 modules in from the symbol's opposite edges;
	// symbols are 4v+17 modules on a side.
	est := (across+down)/2 + 7
	d0 := 4*int(math.Round((est-17)/4)) + 17
	for _, delta := range []int{0, 4, -4, 8, -8, 12, -12} {
		d := d0 + delta
		if d < 21 || d > 177 {
			continue
		}
		if text, ok := sampleDecode(m, dec, hints, tl, tr, bl, ms, d); ok {
			return text, true
		}
	}
	return "", false
}

// sampleDecode reads a symbol of dimension d modules whose finder
// patterns are centred at tl, tr and bl, with and without the alignment
// pattern near the bottom-right corner.
func sampleDecode(m *gozxing.BitMatrix, dec *decoder.Decoder, hints map[gozxing.DecodeHintType]any,
	tl, tr, bl *detector.FinderPattern, ms float64, d int) (string, bool) {
	version, err := decoder.Version_GetProvisionalVersionForDimension(d)
	if err != nil {
		return "", false
	}
	var aligns []*detector.AlignmentPattern
	if len(version.GetAlignmentPatternCenters()) > 0 {
		between := float64(version.GetDimensionForVersion() - 7)
		brX := tr.GetX() - tl.GetX() + bl.GetX()
		brY := tr.GetY() - tl.GetY() + bl.GetY()
		// The alignment pattern is 3 modules in from where a fourth
		// finder pattern would be.
		c := 1 - 3/between
		x := int(tl.GetX() + c*(brX-tl.GetX()))
		y := int(tl.GetY() + c*(brY-tl.GetY()))
		for _, allowance := range []float64{4, 8, 16} {
			if ap := findAlignment(m, ms, x, y, allowance); ap != nil {
				aligns = append(aligns, ap)
				break
			}
		}
	}
	aligns = append(aligns, nil) // also without: a wrong one misleads
	for _, ap := range aligns {
		var t = detector.Detector_createTransform(tl, tr, bl, ap, d)
		if ap == nil {
			t = detector.Detector_createTransform(tl, tr, bl, nil, d)
		}
		bits, err := detector.Detector_sampleGrid(m, t, d)
		if err != nil {
			continue
		}
		res, err := dec.Decode(bits, hints)
		if err != nil {
			continue
		}
		return res.GetText(), true
	}
	return "", false
}

// findAlignment looks for an alignment pattern within allowance module
// sizes of (x, y).
func findAlignment(m *gozxing.BitMatrix, ms float64, x, y int, allowance float64) *detector.AlignmentPattern {
	a := int(allowance * ms)
	left, right := max(0, x-a), min(m.GetWidth()-1, x+a)
	top, bottom := max(0, y-a), min(m.GetHeight()-1, y+a)
	if float64(right-left) < 3*ms || float64(bottom-top) < 3*ms {
		return nil
	}
	ap, err := detector.NewAlignmentPatternFinder(m, left, top, right-left, bottom-top, ms, nil).Find()
	if err != nil {
		return nil
	}
	return ap
}
