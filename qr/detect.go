package qr

import (
	"math"
	"sort"

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
	finder := detector.NewFinderPatternFinder(m, nil)
	info, err := finder.Find(hints)
	if err != nil {
		// gozxing gives up when the three finder patterns' module sizes
		// differ much, as they do under strong perspective; choose among
		// its candidates with a looser test.
		for _, t := range looseTriples(finder.GetPossibleCenters()) {
			if text, ok := readTriple(m, dec, hints, t[1], t[2], t[0]); ok {
				return text, true
			}
		}
		return "", false
	}
	return readTriple(m, dec, hints, info.GetTopLeft(), info.GetTopRight(), info.GetBottomLeft())
}

// looseTriples returns up to three triples of finder-pattern candidates
// that could be one symbol's, ordered (bottom left, top left, top right),
// the most square first: the two sides from the top-left pattern about
// equal and about perpendicular, module sizes within a factor of 3.
func looseTriples(cands []*detector.FinderPattern) [][3]*detector.FinderPattern {
	var good []*detector.FinderPattern
	for _, c := range cands {
		if c.GetCount() >= 2 {
			good = append(good, c)
		}
	}
	if len(good) < 3 {
		good = cands
	}
	if len(good) > 12 {
		good = good[:12]
	}
	type scored struct {
		t     [3]*detector.FinderPattern
		score float64
	}
	var all []scored
	for i := 0; i < len(good); i++ {
		for j := i + 1; j < len(good); j++ {
			for k := j + 1; k < len(good); k++ {
				a, b, c := gozxing.ResultPoint_OrderBestPatterns(good[i], good[j], good[k])
				bl, tl, tr := a.(*detector.FinderPattern), b.(*detector.FinderPattern), c.(*detector.FinderPattern)
				sizes := []float64{bl.GetEstimatedModuleSize(), tl.GetEstimatedModuleSize(), tr.GetEstimatedModuleSize()}
				if max(sizes[0], sizes[1], sizes[2]) > 3*min(sizes[0], sizes[1], sizes[2]) {
					continue
				}
				ux, uy := tr.GetX()-tl.GetX(), tr.GetY()-tl.GetY()
				vx, vy := bl.GetX()-tl.GetX(), bl.GetY()-tl.GetY()
				lu, lv := math.Hypot(ux, uy), math.Hypot(vx, vy)
				if lu < 7*sizes[1] || lv < 7*sizes[1] || lu > 2*lv || lv > 2*lu {
					continue
				}
				cos := math.Abs(ux*vx+uy*vy) / (lu * lv)
				if cos > 0.5 {
					continue
				}
				all = append(all, scored{[3]*detector.FinderPattern{bl, tl, tr}, cos + math.Abs(math.Log(lu/lv))})
			}
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].score < all[j].score })
	var out [][3]*detector.FinderPattern
	for i := 0; i < len(all) && i < 3; i++ {
		out = append(out, all[i].t)
	}
	return out
}

// readTriple reads the symbol whose finder patterns are centred at tl, tr
// and bl.
func readTriple(m *gozxing.BitMatrix, dec *decoder.Decoder, hints map[gozxing.DecodeHintType]any,
	tl, tr, bl *detector.FinderPattern) (string, bool) {
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
