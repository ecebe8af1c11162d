package sdpcompact_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/klauspost/compress/flate"
	"github.com/pion/sdp/v3"

	"github.com/qrtc/qrtc/sdpcompact"
)

var update = flag.Bool("update", false, "rewrite the golden tokens in testdata/golden")

// corpusFile is one description of testdata/corpus.
type corpusFile struct {
	name string // file name without .json
	text string // the file as the stack printed it
	desc sdpcompact.Description
}

// loadCorpus reads every description of testdata/corpus.
func loadCorpus(tb testing.TB) []corpusFile {
	tb.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "corpus", "*.json"))
	if err != nil || len(paths) == 0 {
		tb.Fatalf("no corpus files in testdata/corpus: %v", err)
	}
	var files []corpusFile
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		d, err := sdpcompact.ParseDescription(string(b))
		if err != nil {
			tb.Fatalf("ParseDescription(%s) = %v", p, err)
		}
		files = append(files, corpusFile{name: strings.TrimSuffix(filepath.Base(p), ".json"), text: string(b), desc: d})
	}
	return files
}

// deflateBase64 is the obvious alternative to a token: the SDP deflated at
// the best level and base64 encoded.
func deflateBase64(tb testing.TB, s string) string {
	tb.Helper()
	var buf bytes.Buffer
	w, err := flate.NewWriter(&buf, flate.BestCompression)
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := w.Write([]byte(s)); err != nil {
		tb.Fatal(err)
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(buf.Bytes())
}

func TestGolden(t *testing.T) {
	for _, f := range loadCorpus(t) {
		t.Run(f.name, func(t *testing.T) {
			wantType := sdpcompact.Offer
			if strings.Contains(f.name, "-answer") {
				wantType = sdpcompact.Answer
			}
			if f.desc.Type != wantType {
				t.Fatalf("ParseDescription type = %v, file name says %v", f.desc.Type, wantType)
			}
			want, err := sdpcompact.Parse(f.desc.SDP)
			if err != nil {
				t.Fatalf("Parse(corpus SDP) = %v", err)
			}
			tok, err := sdpcompact.Encode(f.desc)
			if err != nil {
				t.Fatalf("Encode = %v", err)
			}
			golden := filepath.Join("testdata", "golden", f.name+".token")
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, []byte(tok+"\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			g, err := os.ReadFile(golden)
			if err != nil {
				t.Errorf("reading golden token (run go test ./sdpcompact -run TestGolden -update to create it): %v", err)
			} else if strings.TrimSpace(string(g)) != tok {
				t.Errorf("Encode = %s\nwant golden %s (run go test -update if the format changed on purpose)", tok, strings.TrimSpace(string(g)))
			}
			d, err := sdpcompact.Decode(tok)
			if err != nil {
				t.Fatalf("Decode(%s) = %v", tok, err)
			}
			if d.Type != f.desc.Type {
				t.Errorf("Decode type = %v, want %v", d.Type, f.desc.Type)
			}
			got, err := sdpcompact.Parse(d.SDP)
			if err != nil {
				t.Fatalf("Parse(Decode output) = %v\n%s", err, d.SDP)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Parse(Decode(Encode(sdp))) =\n%+v\nwant Parse(sdp) =\n%+v", got, want)
			}
			var pion sdp.SessionDescription
			if err := pion.UnmarshalString(d.SDP); err != nil {
				t.Errorf("pion/sdp cannot read the Decode output: %v\n%s", err, d.SDP)
			}
			again, err := sdpcompact.Encode(d)
			if err != nil || again != tok {
				t.Errorf("Encode(Decode(token)) = %s, %v; want the same token %s", again, err, tok)
			}
			if alt := deflateBase64(t, f.desc.SDP); len(tok) > len(alt) {
				t.Errorf("token has %d characters, deflate+base64 of the SDP only %d", len(tok), len(alt))
			}
		})
	}
}

func TestEncodeAnswerTag(t *testing.T) {
	files := loadCorpus(t)
	offers := map[string]sdpcompact.Description{}
	for _, f := range files {
		if f.desc.Type == sdpcompact.Offer {
			offers[strings.Replace(f.name, "-offer", "", 1)] = f.desc
		}
	}
	pairs := 0
	for _, f := range files {
		offer, ok := offers[strings.Replace(f.name, "-answer", "", 1)]
		if f.desc.Type != sdpcompact.Answer || !ok {
			continue
		}
		pairs++
		t.Run(f.name, func(t *testing.T) {
			tok, err := sdpcompact.EncodeAnswer(f.desc, offer)
			if err != nil {
				t.Fatalf("EncodeAnswer = %v", err)
			}
			if err := sdpcompact.CheckAnswer(tok, offer); err != nil {
				t.Errorf("CheckAnswer(answer, its offer) = %v, want nil", err)
			}
			mine, err := sdpcompact.Parse(offer.SDP)
			if err != nil {
				t.Fatal(err)
			}
			for name, other := range offers {
				// The tag identifies an offer by its credentials and
				// fingerprints; hand-made variants share them.
				if o, err := sdpcompact.Parse(other.SDP); err != nil || o.ICEPwd == mine.ICEPwd {
					continue
				}
				if err := sdpcompact.CheckAnswer(tok, other); !errorsIs(err, sdpcompact.ErrWrongOffer) {
					t.Errorf("CheckAnswer(answer, offer %s) = %v, want ErrWrongOffer", name, err)
				}
			}
			plain, err := sdpcompact.Encode(f.desc)
			if err != nil {
				t.Fatal(err)
			}
			if err := sdpcompact.CheckAnswer(plain, offers["pion-host"]); err != nil {
				t.Errorf("CheckAnswer(untagged answer) = %v, want nil", err)
			}
			offerTok, err := sdpcompact.Encode(offer)
			if err != nil {
				t.Fatal(err)
			}
			err = sdpcompact.CheckAnswer(offerTok, offer)
			if !errorsIs(err, sdpcompact.ErrWrongType) || errorsIs(err, sdpcompact.ErrWrongOffer) {
				t.Errorf("CheckAnswer(the offer's own token, offer) = %v, want ErrWrongType and not ErrWrongOffer", err)
			} else if !strings.Contains(err.Error(), `expected an answer token (QRTC1A...), got an offer (QRTC1O...)`) {
				t.Errorf("CheckAnswer(offer token) = %q, want it to say an answer was expected and an offer given", err)
			}
			d, err := sdpcompact.Decode(tok)
			if err != nil {
				t.Fatalf("Decode(tagged answer) = %v", err)
			}
			if d.Type != sdpcompact.Answer {
				t.Errorf("Decode type = %v, want answer", d.Type)
			}
			if len(tok) > len(plain)+4 {
				t.Errorf("tag costs %d characters, want at most 4", len(tok)-len(plain))
			}
		})
	}
	if pairs == 0 {
		t.Fatal("no offer/answer pairs in the corpus")
	}
}

func TestDescriptionJSON(t *testing.T) {
	for _, f := range loadCorpus(t) {
		t.Run(f.name, func(t *testing.T) {
			b, err := json.Marshal(f.desc)
			if err != nil {
				t.Fatal(err)
			}
			var back sdpcompact.Description
			if err := json.Unmarshal(b, &back); err != nil || back != f.desc {
				t.Errorf("JSON round trip = %+v, %v; want %+v", back, err, f.desc)
			}
			raw, err := sdpcompact.ParseDescription("\n  " + strings.ReplaceAll(f.desc.SDP, "\r\n", "\n") + "\n\n")
			if err != nil {
				t.Fatalf("ParseDescription(raw LF SDP) = %v", err)
			}
			// An answer with a=setup:actpass breaks RFC 8842 section 5.3
			// and reads as an offer without its JSON type.
			if raw.Type != f.desc.Type && !strings.Contains(f.name, "actpass-answer") {
				t.Errorf("ParseDescription(raw SDP) type = %v, want %v (inferred from a=setup)", raw.Type, f.desc.Type)
			}
		})
	}
}

func BenchmarkEncode(b *testing.B) {
	for _, f := range loadCorpus(b) {
		if !strings.HasSuffix(f.name, "host-offer") && !strings.HasSuffix(f.name, "mdns-srflx-offer") {
			continue
		}
		b.Run(f.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := sdpcompact.Encode(f.desc); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkDecode(b *testing.B) {
	for _, f := range loadCorpus(b) {
		if !strings.HasSuffix(f.name, "host-offer") && !strings.HasSuffix(f.name, "mdns-srflx-offer") {
			continue
		}
		tok, err := sdpcompact.Encode(f.desc)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(f.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := sdpcompact.Decode(tok); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
