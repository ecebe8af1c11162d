package sdpcompact_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qrtc/qrtc/sdpcompact"
)

func TestInvalidDescriptions(t *testing.T) {
	want := map[string]error{
		"audio.sdp":               sdpcompact.ErrMediaNotSupported,
		"audio-and-data.sdp":      sdpcompact.ErrMediaNotSupported,
		"two-data-sections.sdp":   sdpcompact.ErrMediaNotSupported,
		"no-candidates.sdp":       sdpcompact.ErrNoCandidates,
		"component-2-only.sdp":    sdpcompact.ErrNoCandidates,
		"too-many-candidates.sdp": sdpcompact.ErrTooManyCandidates,
		"no-fingerprint.sdp":      sdpcompact.ErrMalformedSDP,
		"short-fingerprint.sdp":   sdpcompact.ErrMalformedSDP,
		"unknown-hash.sdp":        sdpcompact.ErrMalformedSDP,
		"tcp-without-tcptype.sdp": sdpcompact.ErrMalformedSDP,
		"short-password.sdp":      sdpcompact.ErrMalformedSDP,
		"bad-port.sdp":            sdpcompact.ErrMalformedSDP,
		"rejected-data.sdp":       sdpcompact.ErrMalformedSDP,
		"no-mid.sdp":              sdpcompact.ErrMalformedSDP,
		"not-sdp.sdp":             sdpcompact.ErrMalformedSDP,
		"pranswer.json":           sdpcompact.ErrMalformedSDP,
		"no-data-section.sdp":     sdpcompact.ErrMalformedSDP,
	}
	paths, err := filepath.Glob(filepath.Join("testdata", "invalid", "*"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no files in testdata/invalid: %v", err)
	}
	for _, p := range paths {
		name := filepath.Base(p)
		t.Run(name, func(t *testing.T) {
			wantErr, ok := want[name]
			if !ok {
				t.Fatalf("testdata/invalid/%s has no expected error in this table", name)
			}
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			_, err = sdpcompact.ParseDescription(string(b))
			if !errors.Is(err, wantErr) {
				t.Errorf("ParseDescription = %v, want %v", err, wantErr)
			}
			if strings.HasSuffix(name, ".sdp") {
				_, err = sdpcompact.Encode(sdpcompact.Description{Type: sdpcompact.Offer, SDP: string(b)})
				if !errors.Is(err, wantErr) {
					t.Errorf("Encode = %v, want %v", err, wantErr)
				}
			}
			if err != nil && !strings.HasPrefix(err.Error(), "sdpcompact: ") {
				t.Errorf("error %q does not start with the package name", err)
			}
		})
	}
}

func TestRejectedDataSection(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "invalid", "rejected-data.sdp"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = sdpcompact.Parse(string(b))
	if !errors.Is(err, sdpcompact.ErrMalformedSDP) || !strings.Contains(err.Error(), "port 0: the other side rejected the data channel") {
		t.Errorf("Parse(SDP with m=application 0) = %v, want ErrMalformedSDP saying the data channel was rejected", err)
	}
	// The same description with port 9 is fine: only port 0 is refused.
	ok := strings.Replace(string(b), "m=application 0 ", "m=application 9 ", 1)
	if _, err := sdpcompact.Parse(ok); err != nil {
		t.Errorf("Parse(the same SDP with m=application 9) = %v, want nil", err)
	}
}

// realToken returns the token of a corpus file.
func realToken(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "corpus", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	d, err := sdpcompact.ParseDescription(string(b))
	if err != nil {
		t.Fatal(err)
	}
	tok, err := sdpcompact.Encode(d)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestDecodeTolerates(t *testing.T) {
	tok := realToken(t, "edge-chromium-mdns-srflx-offer")
	var wrapped strings.Builder
	for i := 0; i < len(tok); i += 76 {
		wrapped.WriteString(tok[i:min(i+76, len(tok))])
		wrapped.WriteString("\r\n")
	}
	want, err := sdpcompact.Decode(tok)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, in string }{
		{"lower case", strings.ToLower(tok)},
		{"mixed case", strings.ToLower(tok[:40]) + tok[40:]},
		{"wrapped at 76 columns with CRLF", wrapped.String()},
		{"wrapped with LF and indent", "  " + tok[:50] + "\n  " + tok[50:] + "\n"},
		{"spaces every 4 characters", strings.Join(chunks(tok, 4), " ")},
		{"tabs and surrounding whitespace", "\t " + tok + " \n\n"},
		{"double quotes", `"` + tok + `"`},
		{"angle brackets", "<" + tok + ">"},
		{"non-breaking space", tok[:30] + "\u00a0" + tok[30:]},
		{"zero-width space and byte order mark", "\ufeff" + tok[:30] + "\u200b" + tok[30:]},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := sdpcompact.Decode(tc.in)
			if err != nil || got != want {
				t.Errorf("Decode(%q) = %v; want the same description as the clean token", tc.in, err)
			}
			if !sdpcompact.LooksLikeToken(tc.in) {
				t.Errorf("LooksLikeToken(%q) = false, want true", tc.in)
			}
		})
	}
}

// chunks splits s into pieces of n bytes.
func chunks(s string, n int) []string {
	var out []string
	for len(s) > n {
		out = append(out, s[:n])
		s = s[n:]
	}
	return append(out, s)
}

func TestDecodeErrors(t *testing.T) {
	tok := realToken(t, "pion-host-offer")
	for _, tc := range []struct {
		name, in string
		want     error
		text     string // part of the message
	}{
		{"empty", "", sdpcompact.ErrNotToken, "paste the token"},
		{"SDP", "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\n", sdpcompact.ErrNotToken, `"V=0O=-11...", a token starts with "QRTC"`},
		{"file name", "offer.txt", sdpcompact.ErrNotToken, ""},
		{"wrong prefix", "QRTX" + tok[4:], sdpcompact.ErrNotToken, ""},
		{"prefix only", "QRT", sdpcompact.ErrTruncated, ""},
		{"header only", tok[:7], sdpcompact.ErrTruncated, "copy the whole token"},
		{"future version", "QRTC2O0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", sdpcompact.ErrUnsupportedVersion, "use the same qrtc version"},
		{"letter version", "QRTCZO0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", sdpcompact.ErrUnsupportedVersion, ""},
		{"mistyped version", "QRTC2" + tok[5:], sdpcompact.ErrChecksum, "character 5 '2' should be '1'"},
		{"dash", tok[:20] + "-" + tok[21:], sdpcompact.ErrInvalidCharacter, `'-' at position 21`},
		{"dot at end", tok + ".", sdpcompact.ErrInvalidCharacter, "position"},
		{"unicode", tok[:10] + "é" + tok[11:], sdpcompact.ErrInvalidCharacter, `'é' at position 11`},
		{"swapped neighbours", tok[:30] + tok[31:32] + tok[30:31] + tok[32:], sdpcompact.ErrChecksum, "characters 31 and 32 ('M' and '5') are probably swapped"},
		{"type letter", tok[:5] + "X" + tok[6:], sdpcompact.ErrChecksum, ""},
		{"one extra character", tok[:40] + "7" + tok[40:], sdpcompact.ErrChecksum, "character 41 '7' is one too many"},
		{"one missing character", tok[:40] + tok[41:], sdpcompact.ErrChecksum, "missing near position 41"},
		{"offer letter as answer", tok[:5] + "A" + tok[6:], sdpcompact.ErrChecksum, ""},
		{"last character dropped", tok[:len(tok)-1], sdpcompact.ErrTruncated, "got 94 of at least 95 characters"},
		{"half", tok[:len(tok)/2], sdpcompact.ErrTruncated, "copy the whole token"},
		{"36 characters missing", tok[:len(tok)-36], sdpcompact.ErrTruncated, "got 59 characters and 36 or more are missing at the end"},
		{"72 characters missing", tok[:len(tok)-72], sdpcompact.ErrTruncated, "got 23 characters and 36 or more are missing at the end"},
		{"mistyped O for 0", tok[:40] + "O" + tok[41:], sdpcompact.ErrChecksum, "character 41 'O' is probably mistyped"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.in == tok {
				t.Fatal("test case does not change the token")
			}
			_, err := sdpcompact.Decode(tc.in)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Decode(%q) = %v, want %v", tc.in, err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.text) {
				t.Errorf("Decode(%q) = %q, want a message containing %q", tc.in, err, tc.text)
			}
		})
	}
}

func TestLooksLikeToken(t *testing.T) {
	tok := realToken(t, "pion-host-offer")
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{tok, true},
		{strings.ToLower(tok), true},
		{" " + tok[:10] + "\n" + tok[10:], true},
		{"QRTC2OABC", true},
		{"qrtc-offer.json", false},
		{"qrtc1o.txt", false},
		{"./QRTC1O", false},
		{"offer.json", false},
		{`{"type":"offer"}`, false},
		{"QRTC", false},
		{"", false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			if got := sdpcompact.LooksLikeToken(tc.in); got != tc.want {
				t.Errorf("LooksLikeToken(%q) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
}
