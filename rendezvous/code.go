package rendezvous

import (
	"crypto/rand"
	"fmt"
	"io"
	"math/big"
	"strconv"
	"strings"
)

const (
	// MinWords and MaxWords bound the number of secret words of a code;
	// DefaultWords (16 secret bits) is what NewCode uses for 0.
	MinWords     = 2
	MaxWords     = 3
	DefaultWords = 2

	// maxNumber is the largest slot number; numbers are 1 to 9999, and new
	// codes use 1000 to 9999 so that they are always four digits.
	maxNumber = 9999
	minNew    = 1000
)

// Code is a short code such as 4821-guitar-orange: a number that picks the
// rendezvous slot (public: it is all that storing nodes see) and secret
// words, 8 bits each, that only the two people know.
type Code struct {
	Number int
	Words  []string
}

// String writes the code in its canonical form, the password of the PAKE:
// the decimal number, then the words, joined by "-".
func (c Code) String() string {
	return strconv.Itoa(c.Number) + "-" + strings.Join(c.Words, "-")
}

// SecretBits is the number of secret bits of the code: 8 per word.
func (c Code) SecretBits() int { return 8 * len(c.Words) }

// NewCode makes a code with a random number from 1000 to 9999 and n random
// words (0 means DefaultWords), reading randomness from rand (nil means
// crypto/rand).
func NewCode(rnd io.Reader, n int) (Code, error) {
	if rnd == nil {
		rnd = rand.Reader
	}
	if n == 0 {
		n = DefaultWords
	}
	if n < MinWords || n > MaxWords {
		return Code{}, fmt.Errorf("%w: %d words; use %d or %d", ErrBadCode, n, MinWords, MaxWords)
	}
	num, err := rand.Int(rnd, big.NewInt(maxNumber-minNew+1))
	if err != nil {
		return Code{}, fmt.Errorf("rendezvous: cannot read random bytes: %w", err)
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(rnd, b); err != nil {
		return Code{}, fmt.Errorf("rendezvous: cannot read random bytes: %w", err)
	}
	c := Code{Number: minNew + int(num.Int64())}
	for _, x := range b {
		c.Words = append(c.Words, words[x])
	}
	return c, nil
}

// ParseCode reads a code as a person types it: the number, then 2 or 3
// words, separated by "-", spaces, dots or commas, in any case. A word may
// be shortened to any start that only one word of the list has ("gui" for
// guitar). The error says which part is wrong and what the choices are.
func ParseCode(s string) (Code, error) {
	fields := strings.FieldsFunc(strings.ToLower(strings.TrimSpace(s)), func(r rune) bool {
		return r == '-' || r == ' ' || r == '.' || r == ',' || r == '\t' || r == '_'
	})
	if len(fields) == 0 {
		return Code{}, fmt.Errorf("%w: empty; a code looks like 4821-guitar-orange", ErrBadCode)
	}
	n, err := strconv.Atoi(fields[0])
	if err != nil || n < 1 || n > maxNumber || len(fields[0]) > 4 {
		return Code{}, fmt.Errorf("%w: %q does not start with a number from 1 to 9999; a code looks like 4821-guitar-orange", ErrBadCode, s)
	}
	ws := fields[1:]
	if len(ws) < MinWords || len(ws) > MaxWords {
		return Code{}, fmt.Errorf("%w: %q needs %d or %d words after the number, it has %d", ErrBadCode, s, MinWords, MaxWords, len(ws))
	}
	c := Code{Number: n}
	for _, w := range ws {
		full, err := CompleteWord(w)
		if err != nil {
			return Code{}, err
		}
		c.Words = append(c.Words, full)
	}
	return c, nil
}

// CompleteWord returns the word of the list that starts with prefix, if
// exactly one does; otherwise an error that names the candidates.
func CompleteWord(prefix string) (string, error) {
	prefix = strings.ToLower(prefix)
	m := Completions(prefix)
	switch {
	case len(m) == 1:
		return m[0], nil
	case len(m) == 0:
		return "", fmt.Errorf("%w: %q is not a code word: check the spelling", ErrBadCode, prefix)
	}
	for _, w := range m {
		if w == prefix {
			return w, nil
		}
	}
	if len(m) > 6 {
		m = append(m[:6], "...")
	}
	return "", fmt.Errorf("%w: %q could be %s: type more letters", ErrBadCode, prefix, strings.Join(m, ", "))
}

// Completions lists the code words that start with prefix, in list order,
// for word completion at a prompt.
func Completions(prefix string) []string {
	var out []string
	for _, w := range words {
		if strings.HasPrefix(w, prefix) {
			out = append(out, w)
		}
	}
	return out
}
