package qr

import (
	"image"
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
// estimate, most of all for large versions. When it cannot read a symbol
// it returns looks: the parts of the picture worth a second look with
// other thresholds, where the finder patterns it tried bound a symbol,
// then around other confirmed finder patterns.
func detectDecode(m *gozxing.BitMatrix, dec *decoder.Decoder, hints map[gozxing.DecodeHintType]any) (text string, ok bool, looks []image.Rectangle) {
	finder := detector.NewFinderPatternFinder(m, nil)
	info, err := finder.Find(hints)
	cands := finder.GetPossibleCenters()
	var first [3]*detector.FinderPattern // (bottom left, top left, top right)
	if err == nil {
		first = [3]*detector.FinderPattern{info.GetBottomLeft(), info.GetTopLeft(), info.GetTopRight()}
		if text, ok := readTriple(m, dec, hints, first[1], first[2], first[0]); ok {
			return text, true, nil
		}
	}
	// gozxing gives up when the three finder patterns' module sizes
	// differ much, as they do under strong perspective, and in a busy
	// picture its choice may be look-alikes while the symbol's own finder
	// patterns are among its other candidates; choose among them with a
	// looser test.
	for _, t := range looseTriples(cands) {
		if t == first {
			continue
		}
		if first[0] == nil {
			first = t
		}
		if text, ok := readTriple(m, dec, hints, t[1], t[2], t[0]); ok {
			return text, true, nil
		}
	}
	if first[0] != nil {
		looks = append(looks, symbolBounds(first[1], first[2], first[0]))
	}
	// gozxing skips rows once it has two confirmed finder patterns, and
	// may skip over a small symbol's other two: look around every
	// confirmed one not tried yet, 60 module sizes each way: far enough
	// for a version-10 symbol (57 modules) whichever corner it is.
	for _, c := range cands {
		if len(looks) >= 4 {
			break
		}
		if c.GetCount() < 2 || c.GetEstimatedModuleSize() < 1.5 || c == first[0] || c == first[1] || c == first[2] {
			continue
		}
		r := 60 * c.GetEstimatedModuleSize()
		looks = append(looks, image.Rect(int(c.GetX()-r), int(c.GetY()-r), int(c.GetX()+r)+1, int(c.GetY()+r)+1))
	}
	return "", false, looks
}

// symbolBounds returns the rectangle that holds the symbol whose finder
// patterns are centred at tl, tr and bl, with its quiet zone: finder
// centres lie 3.5 modules in from the symbol's edges, and a parallelogram
// through them is widened by 6 module sizes on every side, more than
// enough for the fourth corner under moderate perspective.
func symbolBounds(tl, tr, bl *detector.FinderPattern) image.Rectangle {
	ms := max(tl.GetEstimatedModuleSize(), tr.GetEstimatedModuleSize(), bl.GetEstimatedModuleSize())
	brX, brY := tr.GetX()-tl.GetX()+bl.GetX(), tr.GetY()-tl.GetY()+bl.GetY()
	x0 := min(tl.GetX(), tr.GetX(), bl.GetX(), brX) - 6*ms
	x1 := max(tl.GetX(), tr.GetX(), bl.GetX(), brX) + 6*ms
	y0 := min(tl.GetY(), tr.GetY(), bl.GetY(), brY) - 6*ms
	y1 := max(tl.GetY(), tr.GetY(), bl.GetY(), brY) + 6*ms
	return image.Rect(int(x0), int(y0), int(x1)+1, int(y1)+1)
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
	// run is the module size as the finder pattern finder measures it,
	// along rows and columns: in a symbol turned by an angle a, those
	// cross a module in 1/max(|cos a|, |sin a|) module sizes, up to 1.41
	// at 45 degrees, and a symbol's dimension estimated from them is as
	// much too small, beyond the neighbouring sizes tried for large
	// versions. The corrected size comes first; the raw one, which
	// perspective and blur sometimes suit better, after it. Alignment
	// patterns are searched for along rows too, with run.
	run := (tl.GetEstimatedModuleSize() + tr.GetEstimatedModuleSize() + bl.GetEstimatedModuleSize()) / 3
	if run < 1 {
		return "", false
	}
	turned := run * (turnFactor(tr.GetX()-tl.GetX(), tr.GetY()-tl.GetY()) +
		turnFactor(bl.GetX()-tl.GetX(), bl.GetY()-tl.GetY())) / 2
	sizes := []float64{turned, run}
	if run-turned < 0.02*run {
		sizes = sizes[:1] // square to the picture: the same
	}
	var aligns []*detector.AlignmentPattern
	searched := false
	for _, ms := range sizes {
		across := gozxing.ResultPoint_Distance(tl, tr) / ms
		down := gozxing.ResultPoint_Distance(tl, bl) / ms
		// Finder centres are 7 modules in from the symbol's opposite
		// edges; symbols are 4v+17 modules on a side.
		est := (across+down)/2 + 7
		d0 := 4*int(math.Round((est-17)/4)) + 17
		for _, delta := range []int{0, 4, -4, 8, -8, 12, -12} {
			d := d0 + delta
			if d < 21 || d > 177 {
				continue
			}
			if d > 21 && !searched {
				// Versions 2 and up have an alignment pattern near the
				// bottom-right corner; find the candidates once.
				x, y := alignmentEstimate(tl, tr, bl, d)
				aligns = alignmentCandidates(m, run, x, y)
				searched = true
			}
			if text, ok := sampleDecode(m, dec, hints, tl, tr, bl, d, aligns); ok {
				return text, true
			}
		}
	}
	return "", false
}

// alignmentEstimate returns where the alignment pattern nearest the
// bottom-right corner of a symbol of dimension d would be if the symbol
// were a parallelogram: 3 modules in from where a fourth finder pattern
// would be.
func alignmentEstimate(tl, tr, bl *detector.FinderPattern, d int) (float64, float64) {
	brX := tr.GetX() - tl.GetX() + bl.GetX()
	brY := tr.GetY() - tl.GetY() + bl.GetY()
	c := 1 - 3/float64(d-7)
	return tl.GetX() + c*(brX-tl.GetX()), tl.GetY() + c*(brY-tl.GetY())
}

// sampleDecode reads a symbol of dimension d modules whose finder
// patterns are centred at tl, tr and bl, with the two alignment patterns
// among aligns nearest to where the symbol's would be, then without one.
// Under strong perspective the alignment pattern lies several modules
// from where a parallelogram puts it, and the pattern nearest to that
// place is often a look-alike in the data.
func sampleDecode(m *gozxing.BitMatrix, dec *decoder.Decoder, hints map[gozxing.DecodeHintType]any,
	tl, tr, bl *detector.FinderPattern, d int, aligns []*detector.AlignmentPattern) (string, bool) {
	version, err := decoder.Version_GetProvisionalVersionForDimension(d)
	if err != nil {
		return "", false
	}
	var tries []*detector.AlignmentPattern
	if len(version.GetAlignmentPatternCenters()) > 0 && len(aligns) > 0 {
		x, y := alignmentEstimate(tl, tr, bl, d)
		tries = append(tries, aligns...)
		sort.SliceStable(tries, func(i, j int) bool {
			return math.Hypot(tries[i].GetX()-x, tries[i].GetY()-y) < math.Hypot(tries[j].GetX()-x, tries[j].GetY()-y)
		})
		tries = tries[:min(2, len(tries))]
	}
	tries = append(tries, nil) // also without: a wrong one misleads
	for _, ap := range tries {
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

// alignmentCandidates returns the alignment patterns found within 15
// module sizes of (x, y), at most one in each of a grid of overlapping
// windows 9 modules wide, so that a look-alike near (x, y) does not hide
// the real one a few modules away; at most 6, nearest first. run is the
// module size along rows.
func alignmentCandidates(m *gozxing.BitMatrix, run, x, y float64) []*detector.AlignmentPattern {
	var out []*detector.AlignmentPattern
	for dy := -15.0; dy <= 15; dy += 5 {
		for dx := -15.0; dx <= 15; dx += 5 {
			ap := findAlignment(m, run, int(x+dx*run), int(y+dy*run), 4.5)
			if ap == nil {
				continue
			}
			dup := false
			for _, o := range out {
				if math.Hypot(o.GetX()-ap.GetX(), o.GetY()-ap.GetY()) < 2*run {
					dup = true
					break
				}
			}
			if !dup {
				out = append(out, ap)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		return math.Hypot(out[i].GetX()-x, out[i].GetY()-y) < math.Hypot(out[j].GetX()-x, out[j].GetY()-y)
	})
	return out[:min(6, len(out))]
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

// turnFactor returns max(|cos a|, |sin a|) for the angle a of the
// vector (dx, dy): how much shorter a module is than a horizontal or
// vertical run across it when the symbol's side runs along (dx, dy).
func turnFactor(dx, dy float64) float64 {
	l := math.Hypot(dx, dy)
	if l == 0 {
		return 1
	}
	return max(math.Abs(dx), math.Abs(dy)) / l
}
