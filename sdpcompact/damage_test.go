package sdpcompact_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/qrtc/qrtc/sdpcompact"
)

// goldenToken is one token of testdata/golden.
type goldenToken struct {
	name, token string
}

// loadGolden reads every token of testdata/golden.
func loadGolden(tb testing.TB) []goldenToken {
	tb.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "golden", "*.token"))
	if err != nil || len(paths) == 0 {
		tb.Fatalf("no golden tokens in testdata/golden: %v", err)
	}
	var toks []goldenToken
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		toks = append(toks, goldenToken{strings.TrimSuffix(filepath.Base(p), ".token"), strings.TrimSpace(string(b))})
	}
	return toks
}

// TestEveryTruncation cuts every golden token at every length from the
// header on: Decode must say the token is truncated, also when a multiple
// of 36 characters is missing and the length letter still agrees.
func TestEveryTruncation(t *testing.T) {
	// Cuts by a multiple of 36 that Decode may call a mistyped character:
	// a wrong character that makes the checksum match and the payload
	// decode. None is known; the bound keeps it a rarity.
	const maxExceptions = 0
	exceptions, cuts := 0, 0
	for _, g := range loadGolden(t) {
		t.Run(g.name, func(t *testing.T) {
			tok := g.token
			for cut := 1; cut <= len(tok)-7; cut++ {
				in := tok[:len(tok)-cut]
				cuts++
				_, err := sdpcompact.Decode(in)
				switch {
				case errors.Is(err, sdpcompact.ErrTruncated):
					if cut%36 == 0 && len(in) > 10 && !strings.Contains(err.Error(), "36 or more are missing at the end") {
						t.Errorf("Decode(%s) = %q, want a message saying 36 or more characters are missing", in, err)
					}
				case cut%36 == 0 && errors.Is(err, sdpcompact.ErrChecksum):
					exceptions++
					t.Logf("Decode(%s), %d characters cut, = %v", in, cut, err)
				default:
					t.Errorf("Decode(%s), %d of %d characters cut, = %v, want ErrTruncated", in, cut, len(tok), err)
				}
			}
		})
	}
	t.Logf("%d of %d cuts were not reported as truncation", exceptions, cuts)
	if exceptions > maxExceptions {
		t.Errorf("%d cuts by a multiple of 36 characters gave ErrChecksum, want at most %d", exceptions, maxExceptions)
	}
}

// TestEverySubstitution changes every character of every golden token to
// every other one: Decode must fail with ErrChecksum (ErrNotToken in the
// prefix), never call it truncated, and name the changed character. To
// keep the suite fast, characters of tokens longer than fullUpTo change
// only by 1, 2 and 15 up and down, the changes a change of a neighbour can
// balance in the checksum.
func TestEverySubstitution(t *testing.T) {
	const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	const fullUpTo = 140
	toks := loadGolden(t)
	if testing.Short() {
		toks = toks[:4]
	}
	var mu sync.Mutex
	// Substitutions whose error does not name the changed character (the
	// version and length letters have their own messages): when over four
	// changes make a token that decodes, Decode names the first four.
	const maxElsewhere = 0.001
	tried, elsewhere := 0, 0
	for _, g := range toks {
		t.Run(g.name, func(t *testing.T) {
			t.Parallel()
			tok := g.token
			n, other := 0, 0
			defer func() {
				mu.Lock()
				tried += n
				elsewhere += other
				mu.Unlock()
			}()
			for i := 0; i < len(tok); i++ {
				subs := []byte(alphabet)
				if len(tok) > fullUpTo {
					v := strings.IndexByte(alphabet, tok[i])
					subs = nil
					for _, d := range []int{1, 2, 15, 34, 35, 21} { // +1, +2, +15, -2, -1, -15 modulo 36
						subs = append(subs, alphabet[(v+d)%36])
					}
				}
				for _, c := range subs {
					if c == tok[i] {
						continue
					}
					bad := tok[:i] + string(c) + tok[i+1:]
					_, err := sdpcompact.Decode(bad)
					switch {
					case err == nil:
						t.Errorf("Decode(%s), character %d changed to %c, succeeded; every substitution must fail", bad, i+1, c)
					case i < len(sdpcompact.Prefix) && errors.Is(err, sdpcompact.ErrNotToken):
					case errors.Is(err, sdpcompact.ErrChecksum):
						if i != 4 && i != 6 && !namesPosition(err.Error(), i+1) {
							other++
							t.Logf("Decode(%s), character %d changed to %c, = %v; the message does not name character %d", bad, i+1, c, err, i+1)
						}
					default:
						t.Errorf("Decode(%s), character %d changed to %c, = %v, want ErrChecksum", bad, i+1, c, err)
					}
					n++
				}
			}
		})
	}
	t.Cleanup(func() {
		t.Logf("%d of %d substitutions named another character", elsewhere, tried)
		if float64(elsewhere) > maxElsewhere*float64(tried) {
			t.Errorf("%d of %d substitutions named another character than the changed one, want at most %.1f%%", elsewhere, tried, 100*maxElsewhere)
		}
	})
}

// TestWrappedTokens wraps every golden token at every width from 40 to 100
// columns as mail and chat programs do: the joined lines decode to the
// token's description, and the first line alone is truncated.
func TestWrappedTokens(t *testing.T) {
	for _, g := range loadGolden(t) {
		t.Run(g.name, func(t *testing.T) {
			tok := g.token
			want, err := sdpcompact.Decode(tok)
			if err != nil {
				t.Fatalf("Decode(%s) = %v", tok, err)
			}
			for width := 40; width <= 100; width++ {
				lines := chunks(tok, width)
				for _, eol := range []string{"\n", "\r\n"} {
					in := strings.Join(lines, eol) + eol
					if got, err := sdpcompact.Decode(in); err != nil || got != want {
						t.Errorf("Decode(token wrapped at %d columns, %q line ends) = %v; want the token's description", width, eol, err)
					}
				}
				if len(lines) == 1 {
					continue
				}
				if _, err := sdpcompact.Decode(lines[0] + "\r\n"); !errors.Is(err, sdpcompact.ErrTruncated) {
					t.Errorf("Decode(first line %s of the token wrapped at %d columns) = %v, want ErrTruncated", lines[0], width, err)
				}
			}
		})
	}
}

// namesPosition reports whether a checksum error names character pos: as
// "character 12 'X'", "characters 12 and 13" or in a list "probably at 11,
// 12-13".
func namesPosition(msg string, pos int) bool {
	if strings.Contains(msg, fmt.Sprintf("character %d ", pos)) || strings.Contains(msg, fmt.Sprintf("characters %d and", pos)) || strings.Contains(msg, fmt.Sprintf("and %d (", pos)) {
		return true
	}
	_, list, ok := strings.Cut(msg, "probably at ")
	if !ok {
		return false
	}
	list, _, _ = strings.Cut(list, ";")
	for _, p := range strings.Split(list, ", ") {
		for _, q := range strings.Split(p, "-") {
			if q == fmt.Sprint(pos) {
				return true
			}
		}
	}
	return false
}
