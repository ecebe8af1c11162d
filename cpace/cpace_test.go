package cpace

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/gtank/ristretto255"
)

// unhex decodes hex written as in the draft: in lines, with spaces.
func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		t.Fatalf("bad hex in test: %v", err)
	}
	return b
}

// The vectors of draft-irtf-cfrg-cpace-21 appendix B.3 (ristretto255,
// SHA-512).
var (
	tcPRS = []byte("Password")
	tcCI  = []byte("\x0bA_initiator\x0bB_responder")
	tcSID = "7e4b4791d6a8ef019b936c79fb7f2c57"
	tcGen = `11435061636552697374726574746f3235350850617373776f726464
	00000000000000000000000000000000000000000000000000000000
	00000000000000000000000000000000000000000000000000000000
	00000000000000000000000000000000000000000000000000000000
	00000000000000000000000000000000180b415f696e69746961746f
	720b425f726573706f6e646572107e4b4791d6a8ef019b936c79fb7f
	2c57`
	tcG  = "222b6b195fe84b1652badb6f6a3ae3d24341e7306967f0b8115b40d5698c7e56"
	tcYa = "da3d23700a9e5699258aef94dc060dfda5ebb61f02a5ea77fad53f4ff0976d08"
	tcYA = "d6bac480f2c386c394efc7c47adb9925dcd2630b64f240c50f8d0eec482b9157"
	tcYb = "d2316b454718c35362d83d69df6320f38578ed5984651435e2949762d900b80d"
	tcYB = "3ea7e0b19560d7c0b0f5734f63b955286dfa8232b5ebe63324e2d9e7433f7258"
	tcK  = "80b69a8a76457ab6a4d7f887a4bf6b55a2f80ac19c333f917a05fc9887c8b40f"
	tcIR = `b69effbf61b51d56401c0f65601abe428de8206feaaf0e32198896dc
	ae7b35cd2b38950a39dfd5d4a79164614c2984f7daa460b588c1e80c
	3fa2068af7900447`
)

func TestGeneratorVector(t *testing.T) {
	sid := unhex(t, tcSID)
	if got, want := generatorString(tcPRS, tcCI, sid), unhex(t, tcGen); !bytes.Equal(got, want) {
		t.Errorf("generatorString = %x, want %x (draft B.3.1)", got, want)
	}
	if got := generator(tcPRS, tcCI, sid).Encode(nil); !bytes.Equal(got, unhex(t, tcG)) {
		t.Errorf("generator = %x, want %s (draft B.3.1)", got, tcG)
	}
}

func TestProtocolVector(t *testing.T) {
	sid := unhex(t, tcSID)
	var ya, yb [32]byte
	copy(ya[:], unhex(t, tcYa))
	copy(yb[:], unhex(t, tcYb))
	a, err := start(ya, Initiator, tcPRS, tcCI, sid, []byte("ADa"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := start(yb, Responder, tcPRS, tcCI, sid, []byte("ADb"))
	if err != nil {
		t.Fatal(err)
	}
	if got := a.Share(); !bytes.Equal(got, unhex(t, tcYA)) {
		t.Errorf("Ya = %x, want %s (draft B.3.2)", got, tcYA)
	}
	if got := b.Share(); !bytes.Equal(got, unhex(t, tcYB)) {
		t.Errorf("Yb = %x, want %s (draft B.3.3)", got, tcYB)
	}
	k, err := scalarMultVfy(a.y, b.Share())
	if err != nil || !bytes.Equal(k, unhex(t, tcK)) {
		t.Errorf("scalar_mult_vfy(ya, Yb) = %x, %v; want %s (draft B.3.4)", k, err, tcK)
	}
	iskA, err := a.Finish(b.Share(), []byte("ADb"))
	if err != nil {
		t.Fatalf("a.Finish: %v", err)
	}
	iskB, err := b.Finish(a.Share(), []byte("ADa"))
	if err != nil {
		t.Fatalf("b.Finish: %v", err)
	}
	want := unhex(t, tcIR)
	if !bytes.Equal(iskA, want) || !bytes.Equal(iskB, want) {
		t.Errorf("ISK = %x (A), %x (B); want %x (draft B.3.5)", iskA, iskB, want)
	}
	if _, err := a.Finish(b.Share(), nil); !errors.Is(err, ErrFinished) {
		t.Errorf("second Finish: err = %v, want ErrFinished", err)
	}
}

// TestScalarMultVfyVectors: draft B.3.10 and B.3.11.
func TestScalarMultVfyVectors(t *testing.T) {
	s := ristretto255.NewScalar()
	if err := s.Decode(unhex(t, "7cd0e075fa7955ba52c02759a6c90dbbfc10e6d40aea8d283e407d88cf538a05")); err != nil {
		t.Fatal(err)
	}
	got, err := scalarMultVfy(s, unhex(t, "2c3c6b8c4f3800e7aef6864025b4ed79bd599117e427c41bd47d93d654b4a51c"))
	if want := "7c13645fe790a468f62c39beb7388e541d8405d1ade69d1778c5fe3e7f6b600e"; err != nil || hex.EncodeToString(got) != want {
		t.Errorf("scalar_mult_vfy(s, X) = %x, %v; want %s", got, err, want)
	}
	for name, y := range map[string]string{
		"Y_i1 (does not decode)": "2b3c6b8c4f3800e7aef6864025b4ed79bd599117e427c41bd47d93d654b4a51c",
		"Y_i2 (identity)":        "0000000000000000000000000000000000000000000000000000000000000000",
		"short":                  "2c3c6b8c",
		"empty":                  "",
	} {
		if k, err := scalarMultVfy(s, unhex(t, y)); !errors.Is(err, ErrBadShare) {
			t.Errorf("scalar_mult_vfy(s, %s) = %x, %v; want ErrBadShare", name, k, err)
		}
	}
}

// TestAbortOnInvalidShare: a run fed a weak share aborts (section 9).
func TestAbortOnInvalidShare(t *testing.T) {
	a, err := Start(rand.Reader, Initiator, tcPRS, nil, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Finish(make([]byte, 32), nil); !errors.Is(err, ErrBadShare) {
		t.Errorf("Finish(identity) err = %v, want ErrBadShare", err)
	}
}

func TestWrongPassword(t *testing.T) {
	sid := []byte("0123456789abcdef")
	a, _ := Start(rand.Reader, Initiator, []byte("4821-guitar-orange"), nil, sid, nil)
	b, _ := Start(rand.Reader, Responder, []byte("4821-guitar-orangf"), nil, sid, nil)
	ka, errA := a.Finish(b.Share(), nil)
	kb, errB := b.Finish(a.Share(), nil)
	if errA != nil || errB != nil {
		t.Fatalf("Finish: %v, %v", errA, errB)
	}
	if bytes.Equal(ka, kb) {
		t.Errorf("different passwords gave the same key %x", ka)
	}
}

func TestLEB128(t *testing.T) {
	for n, want := range map[int]string{0: "00", 127: "7f", 128: "8001", 255: "ff01", 300: "ac02"} {
		if got := hex.EncodeToString(leb128(nil, n)); got != want {
			t.Errorf("leb128(%d) = %s, want %s", n, got, want)
		}
	}
	long := bytes.Repeat([]byte{1}, 200)
	if got := generatorString(long, nil, nil); len(got) != len(prependLen([]byte(DSI)))+len(prependLen(long))+1+1+1 {
		t.Errorf("generatorString with a 200-byte PRS is %d bytes: the zero padding must be empty", len(got))
	}
}

// FuzzFinish: any bytes as the other party's share are either refused
// with ErrBadShare or give a key; never a panic.
func FuzzFinish(f *testing.F) {
	f.Add(unhex(f, tcYB), []byte("ADb"))
	f.Add(unhex(f, "2b3c6b8c4f3800e7aef6864025b4ed79bd599117e427c41bd47d93d654b4a51c"), []byte{})
	f.Add(make([]byte, 32), []byte(nil))
	f.Add([]byte{1, 2, 3}, []byte("x"))
	f.Fuzz(func(t *testing.T, share, ad []byte) {
		var ya [32]byte
		copy(ya[:], unhex(t, tcYa))
		a, err := start(ya, Initiator, tcPRS, tcCI, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		isk, err := a.Finish(share, ad)
		if err != nil {
			if !errors.Is(err, ErrBadShare) {
				t.Fatalf("Finish(%x) err = %v, want ErrBadShare", share, err)
			}
			return
		}
		if len(isk) != KeySize || len(share) != ShareSize {
			t.Fatalf("Finish(%x) gave a %d-byte key", share, len(isk))
		}
	})
}

func BenchmarkRun(b *testing.B) {
	sid := make([]byte, 16)
	for b.Loop() {
		x, _ := Start(rand.Reader, Initiator, tcPRS, nil, sid, nil)
		y, _ := Start(rand.Reader, Responder, tcPRS, nil, sid, nil)
		if _, err := x.Finish(y.Share(), nil); err != nil {
			b.Fatal(err)
		}
		if _, err := y.Finish(x.Share(), nil); err != nil {
			b.Fatal(err)
		}
	}
}
