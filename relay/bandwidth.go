package relay

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
)

// maxBandwidthText caps the length of a bandwidth text ParseBandwidth reads.
const maxBandwidthText = 40

// bandwidthUnits maps unit spellings to bytes per unit, as num/den.
var bandwidthUnits = map[string][2]int64{
	"":     {1, 1},
	"B":    {1, 1},
	"kB":   {1e3, 1},
	"KB":   {1e3, 1},
	"MB":   {1e6, 1},
	"GB":   {1e9, 1},
	"KiB":  {1 << 10, 1},
	"MiB":  {1 << 20, 1},
	"GiB":  {1 << 30, 1},
	"bit":  {1, 8},
	"kbit": {1e3, 8},
	"Kbit": {1e3, 8},
	"Mbit": {1e6, 8},
	"Gbit": {1e9, 8},
}

// ParseBandwidth reads a rate in bytes per second for
// Config.BandwidthPerAllocation: a decimal number, then optionally a unit
// (B, kB or KB, MB, GB = powers of 1000 bytes; KiB, MiB, GiB = powers of
// 1024; bit, kbit, Mbit, Gbit = bits), then optionally "/s". "1MB/s",
// "2.5 MiB/s", "8Mbit/s" and "20000" are all accepted; "0" means no cap.
// Fractions of a byte are dropped.
func ParseBandwidth(text string) (int64, error) {
	if len(text) > maxBandwidthText {
		return 0, fmt.Errorf("%w %q: longer than %d characters", ErrBandwidth, text[:maxBandwidthText]+"...", maxBandwidthText)
	}
	bad := func(why string) (int64, error) {
		return 0, fmt.Errorf("%w %q: %s; write a number of bytes per second such as \"1MB/s\", \"500kB/s\" or \"8Mbit/s\"", ErrBandwidth, text, why)
	}
	s := strings.TrimSpace(text)
	s = strings.TrimSuffix(s, "/s")
	end := 0
	dots := 0
	for end < len(s) && (s[end] >= '0' && s[end] <= '9' || s[end] == '.') {
		if s[end] == '.' {
			dots++
		}
		end++
	}
	number, unit := s[:end], strings.TrimSpace(s[end:])
	if number == "" || number == "." || dots > 1 {
		return bad("no number")
	}
	factor, ok := bandwidthUnits[unit]
	if !ok {
		return bad(fmt.Sprintf("unknown unit %q", unit))
	}
	value, ok := new(big.Rat).SetString(number)
	if !ok {
		return bad("no number")
	}
	value.Mul(value, big.NewRat(factor[0], factor[1]))
	whole := new(big.Int).Quo(value.Num(), value.Denom())
	if !whole.IsInt64() {
		return bad(fmt.Sprintf("more than %d bytes per second", int64(math.MaxInt64)))
	}
	return whole.Int64(), nil
}

// FormatBandwidth writes a rate in bytes per second in the largest of the
// units B, kB, MB, GB that holds it exactly, such as "1MB/s" or
// "1500kB/s". ParseBandwidth reads it back to the same value.
func FormatBandwidth(bytesPerSecond int64) string {
	v, unit := bytesPerSecond, "B"
	for _, next := range []string{"kB", "MB", "GB"} {
		if v == 0 || v%1000 != 0 {
			break
		}
		v, unit = v/1000, next
	}
	return strconv.FormatInt(v, 10) + unit + "/s"
}
