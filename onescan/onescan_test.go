package onescan_test

import (
	"bytes"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/qrtc/qrtc/onescan"
)

// fp is a SHA-256 fingerprint: the bytes 0x00 to 0x1f.
var fp = func() []byte {
	b := make([]byte, 32)
	for i := range b {
		b[i] = byte(i)
	}
	return b
}()

func TestUfragRoundTrip(t *testing.T) {
	for _, tc := range []struct {
		name       string
		size, want uint64
		letter     byte
	}{
		{"no limit", 0, 1073741823, 'C'},
		{"firefox", 1073741823, 1073741823, 'C'},
		{"chromium", 262144, 262144, 'B'},
		{"between", 300000, 262144, 'B'},
		{"rfc default", 65536, 65536, 'A'},
		{"odd", 100000, 65536, 'A'},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u, err := onescan.Ufrag(fp, tc.size)
			if err != nil {
				t.Fatalf("Ufrag(fp, %d): %v", tc.size, err)
			}
			if len(u) != onescan.UfragLen || u[3] != tc.letter || !strings.HasPrefix(u, "QS1") {
				t.Fatalf("Ufrag(fp, %d) = %q, want %d characters starting QS1%c", tc.size, u, onescan.UfragLen, tc.letter)
			}
			a, err := onescan.ParseUfrag(u)
			if err != nil {
				t.Fatalf("ParseUfrag(%q): %v", u, err)
			}
			if !bytes.Equal(a.Fingerprint, fp) || a.MaxMessageSize != tc.want {
				t.Errorf("ParseUfrag(%q) = %x, %d; want %x, %d", u, a.Fingerprint, a.MaxMessageSize, fp, tc.want)
			}
		})
	}
}

// TestUfragGolden pins the version 1 layout of doc.go.
func TestUfragGolden(t *testing.T) {
	u, err := onescan.Ufrag(fp, 262144)
	if err != nil {
		t.Fatal(err)
	}
	const want = "QS1BAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"
	if u != want {
		t.Errorf("Ufrag = %q, want %q", u, want)
	}
}

func TestUfragRefused(t *testing.T) {
	if _, err := onescan.Ufrag(fp[:20], 0); !errors.Is(err, onescan.ErrNotDescribable) {
		t.Errorf("Ufrag(20-byte fingerprint) error = %v, want ErrNotDescribable", err)
	}
	if _, err := onescan.Ufrag(fp, 16384); !errors.Is(err, onescan.ErrNotDescribable) {
		t.Errorf("Ufrag(fp, 16384) error = %v, want ErrNotDescribable", err)
	}
}

func TestParseUfragRefuses(t *testing.T) {
	good, _ := onescan.Ufrag(fp, 0)
	for _, u := range []string{
		"", "abcd", "rFj5", // ordinary ufrags
		"QS2" + good[3:],                   // another version
		"QS1D" + good[4:],                  // unknown size letter
		good[:len(good)-1] + "!",           // not base64
		good[:len(good)-1] + "h",           // non-zero padding bits: not canonical base64
		good + "A",                         // too long
		strings.Replace(good, "Q", "q", 1), // case matters
	} {
		if _, err := onescan.ParseUfrag(u); !errors.Is(err, onescan.ErrNotOneScan) {
			t.Errorf("ParseUfrag(%q) error = %v, want ErrNotOneScan", u, err)
		}
	}
}

func TestParseUsername(t *testing.T) {
	u, _ := onescan.Ufrag(fp, 0)
	got, a, err := onescan.ParseUsername("rFj5:"+u, "rFj5")
	if err != nil || got != u || !bytes.Equal(a.Fingerprint, fp) {
		t.Fatalf("ParseUsername(rFj5:%s) = %q, %x, %v; want the ufrag and its fingerprint", u, got, a.Fingerprint, err)
	}
	for _, name := range []string{u, "xxxx:" + u, "rFj5:abcd", "rFj5" + u, ":" + u} {
		if _, _, err := onescan.ParseUsername(name, "rFj5"); !errors.Is(err, onescan.ErrNotOneScan) {
			t.Errorf("ParseUsername(%q) error = %v, want ErrNotOneScan", name, err)
		}
	}
}

// TestHKDFVector checks the primitive against RFC 5869 appendix A.1.
func TestHKDFVector(t *testing.T) {
	ikm, _ := hex.DecodeString("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b")
	salt, _ := hex.DecodeString("000102030405060708090a0b0c")
	info, _ := hex.DecodeString("f0f1f2f3f4f5f6f7f8f9")
	okm, err := hkdf.Key(sha256.New, ikm, salt, string(info), 42)
	if err != nil {
		t.Fatal(err)
	}
	const want = "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"
	if hex.EncodeToString(okm) != want {
		t.Errorf("HKDF-SHA-256 of RFC 5869 A.1 = %x, want %s", okm, want)
	}
}

// TestPassword recomputes the password with HMAC-SHA-256 by hand (RFC 5869
// section 2: extract, then one block of expand) and pins a golden value
// that the page's WebCrypto code must reproduce.
func TestPassword(t *testing.T) {
	const offerUfrag, offerPwd = "rFj5", "lwS8oz5tDDGDedYMUWAttA"
	answerUfrag, _ := onescan.Ufrag(fp, 262144)
	got := onescan.Password(offerUfrag, offerPwd, answerUfrag)

	ext := hmac.New(sha256.New, []byte("qrtc one-scan v1"))
	ext.Write([]byte(offerPwd))
	prk := ext.Sum(nil)
	exp := hmac.New(sha256.New, prk)
	exp.Write([]byte(offerUfrag + ":" + answerUfrag))
	exp.Write([]byte{1})
	want := base64.RawStdEncoding.EncodeToString(exp.Sum(nil)[:16])
	if got != want {
		t.Fatalf("Password = %q, HKDF by hand = %q", got, want)
	}
	const golden = "3kbF/cvKlRw3GCt42BoDsA"
	if got != golden {
		t.Errorf("Password = %q, want the golden %q (doc.go's derivation changed?)", got, golden)
	}
	if other := onescan.Password(offerUfrag, offerPwd, "QS1B"+strings.Repeat("A", 43)); other == got {
		t.Errorf("two answer ufrags gave the same password %q", got)
	}
}

func FuzzParseUsername(f *testing.F) {
	u, _ := onescan.Ufrag(fp, 0)
	for _, s := range []string{"rFj5:" + u, "rFj5:abcd", "", ":", "rFj5:QS1A", "rFj5:" + u + ":x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, username string) {
		remote, a, err := onescan.ParseUsername(username, "rFj5")
		if err != nil {
			if !errors.Is(err, onescan.ErrNotOneScan) {
				t.Fatalf("ParseUsername(%q) error %v is not ErrNotOneScan", username, err)
			}
			return
		}
		again, err := onescan.Ufrag(a.Fingerprint, a.MaxMessageSize)
		if err != nil || again != remote || username != "rFj5:"+remote {
			t.Fatalf("ParseUsername(%q) = %q, but Ufrag of what it read = %q, %v", username, remote, again, err)
		}
	})
}
