package sdpcompact

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// goldenTokens returns the tokens of testdata/golden.
func goldenTokens(tb testing.TB) []string {
	tb.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "golden", "*.token"))
	if err != nil || len(paths) == 0 {
		tb.Fatalf("no golden tokens: %v", err)
	}
	var toks []string
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		toks = append(toks, strings.TrimSpace(string(b)))
	}
	return toks
}

// corpusDescriptions returns the descriptions of testdata/corpus.
func corpusDescriptions(tb testing.TB) []Description {
	tb.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "corpus", "*.json"))
	if err != nil || len(paths) == 0 {
		tb.Fatalf("no corpus: %v", err)
	}
	var ds []Description
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		d, err := ParseDescription(string(b))
		if err != nil {
			tb.Fatalf("%s: %v", p, err)
		}
		ds = append(ds, d)
	}
	return ds
}

func FuzzDecode(f *testing.F) {
	for i, tok := range goldenTokens(f) {
		f.Add(tok)
		f.Add(strings.ToLower(tok))
		f.Add(tok[:len(tok)*(i%7+1)/8])
		f.Add(tok[:10+i%20] + "Z" + tok[11+i%20:])
		f.Add(tok[:len(tok)/2] + "\r\n " + tok[len(tok)/2:])
	}
	f.Add("")
	f.Add("QRTC")
	f.Add("QRTC1O")
	f.Add("QRTC2O0000000000")
	f.Add("QRTC1A0000000000000000000000000000000")
	f.Fuzz(func(t *testing.T, in string) {
		checkDecode(t, in)
		// Most mutations break the checksum; repair it so the fuzzer also
		// reaches the payload decoder.
		if fixed, ok := reseal(in); ok {
			checkDecode(t, fixed)
		}
	})
}

// reseal sets the length letter and checksum of a token with a valid
// header, or returns false.
func reseal(in string) (string, bool) {
	tok := []byte(normalize(in))
	if len(tok) <= headerLen+checksumLen || !strings.HasPrefix(string(tok), "QRTC1") {
		return "", false
	}
	for _, c := range tok {
		if charValue(c) < 0 {
			return "", false
		}
	}
	return seal(tok[:len(tok)-checksumLen]), true
}

// checkDecode checks the properties of Decode on one input.
func checkDecode(t *testing.T, in string) {
	{
		typ, s, tag, err := decode(in)
		if err != nil {
			if !isDecodeError(err) {
				t.Fatalf("decode(%q) = %v, which is none of the documented errors", in, err)
			}
			return
		}
		// A token that decodes re-encodes to itself.
		again, err := encodeSession(s, typ, tag)
		if err != nil || again != normalize(in) {
			t.Fatalf("decode(%q) succeeded but encodes back to %q, %v", in, again, err)
		}
		// The SDP it expands to reads back as the same session and
		// encodes to the same token, minus the offer tag.
		d, err := Decode(in)
		if err != nil {
			t.Fatalf("Decode(%q) = %v after decode succeeded", in, err)
		}
		back, err := Parse(d.SDP)
		if err != nil {
			t.Fatalf("Parse(Decode(%q)) = %v\n%s", in, err, d.SDP)
		}
		if !reflect.DeepEqual(back, s) {
			t.Fatalf("Parse(Decode(%q)) = %+v, want %+v", in, back, s)
		}
		plain, err := Encode(d)
		if err != nil {
			t.Fatalf("Encode(Decode(%q)) = %v", in, err)
		}
		if tag == nil && plain != again {
			t.Fatalf("Encode(Decode(%q)) = %q, want %q", in, plain, again)
		}
	}
}

func FuzzEncode(f *testing.F) {
	for _, d := range corpusDescriptions(f) {
		f.Add(d.SDP, d.Type == Answer)
	}
	paths, _ := filepath.Glob(filepath.Join("testdata", "invalid", "*.sdp"))
	for _, p := range paths {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(string(b), false)
		}
	}
	f.Fuzz(func(t *testing.T, sdp string, answer bool) {
		typ := Offer
		if answer {
			typ = Answer
		}
		if _, err := ParseDescription(sdp); err != nil && !isEncodeError(err) {
			t.Fatalf("ParseDescription = %v, which is none of the documented errors", err)
		}
		tok, err := Encode(Description{Type: typ, SDP: sdp})
		if err != nil {
			if !isEncodeError(err) {
				t.Fatalf("Encode = %v, which is none of the documented errors", err)
			}
			return
		}
		d, err := Decode(tok)
		if err != nil {
			t.Fatalf("Decode(Encode(sdp)) = %v; token %s", err, tok)
		}
		if d.Type != typ {
			t.Fatalf("Decode type = %v, want %v", d.Type, typ)
		}
		want, err := Parse(sdp)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Parse(d.SDP)
		if err != nil {
			t.Fatalf("Parse(Decode(Encode(sdp))) = %v\n%s", err, d.SDP)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("Parse(Decode(Encode(sdp))) = %+v, want %+v", got, want)
		}
		if again, err := Encode(d); err != nil || again != tok {
			t.Fatalf("Encode(Decode(%s)) = %s, %v", tok, again, err)
		}
	})
}

// isEncodeError reports whether err is one of the errors Encode documents.
func isEncodeError(err error) bool {
	for _, e := range []error{ErrMalformedSDP, ErrMediaNotSupported, ErrNoCandidates, ErrTooManyCandidates} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}
