package transfer

import (
	"bytes"
	"context"
	"crypto/sha256"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// seedMessages are one message of each type, for the fuzz corpus and the
// round-trip test.
var seedMessages = []any{
	hello{version: Version, entries: 3, total: 1 << 40},
	manifestMsg{first: 2, entries: []Entry{{Name: "a"}, {Kind: Folder, Name: "d"}, {Kind: Link, Name: "l", Target: "a"}, {Name: "d/x", Size: 300, Exec: true}}},
	planMsg{items: []planItem{{index: 1, what: planSkip, reason: "exists"}, {index: 2, what: planResume, offset: 1 << 20, hash: [32]byte{1}}, {index: 3, what: planHave, replace: true, hash: [32]byte{2}}}},
	decision{accept: true},
	decision{reason: "no"},
	dataMsg{index: 4, offset: 1 << 33, data: []byte("bytes")},
	fileEnd{index: 4, hash: [32]byte{3}},
	fileSkip{index: 5, reason: "unreadable"},
	ack{index: 6},
	ack{index: 7, failed: true, reason: "hash"},
	endMsg{},
	errorMsg{reason: "disk full"},
}

func TestRoundTrip(t *testing.T) {
	for _, m := range seedMessages {
		b := encode(nil, m)
		got, err := parse(b)
		if err != nil {
			t.Errorf("parse(encode(%+v)): %v", m, err)
			continue
		}
		if again := encode(nil, got); !bytes.Equal(again, b) {
			t.Errorf("%+v: encodes to %x, parses and encodes again to %x", m, b, again)
		}
	}
}

// FuzzParse: parse never panics, and what it accepts encodes back to the
// same bytes (one wire form per message).
func FuzzParse(f *testing.F) {
	for _, m := range seedMessages {
		f.Add(encode(nil, m))
	}
	f.Add([]byte{typeHello})
	f.Add([]byte{typeManifest, 0, 0x80, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := parse(b)
		if err != nil {
			return
		}
		if again := encode(nil, m); !bytes.Equal(again, b) {
			t.Fatalf("parse(%x) = %+v, which encodes to %x", b, m, again)
		}
	})
}

// FuzzCheckName: CheckName never panics, and a name it accepts has no
// component that leads elsewhere.
func FuzzCheckName(f *testing.F) {
	for _, s := range []string{"a", "../x", "/etc/x", "a/../../x", "CON", "a/b.txt", "caf\u00e9", "x.qrtc-part", "a//b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if CheckName(name) != nil {
			return
		}
		for _, c := range bytes.Split([]byte(name), []byte("/")) {
			if len(c) == 0 || string(c) == "." || string(c) == ".." {
				t.Fatalf("CheckName accepted %q", name)
			}
		}
	})
}

// FuzzReceive feeds a receiver a sequence of messages (each one prefixed
// by its length byte in the fuzz input): it never panics or hangs, writes
// nothing beside its folder, and leaves no link there that leads out.
func FuzzReceive(f *testing.F) {
	seed := func(msgs ...any) []byte {
		var b []byte
		for _, m := range msgs {
			e := encode(nil, m)
			b = append(append(b, byte(len(e))), e...)
		}
		return b
	}
	f.Add(seed(hello{version: Version, entries: 2, total: 3}, manifestMsg{entries: []Entry{{Kind: Folder, Name: "d"}, {Name: "d/f", Size: 3}}},
		dataMsg{index: 1, data: []byte("abc")}, fileEnd{index: 1, hash: sha256.Sum256([]byte("abc"))}, endMsg{}))
	f.Add(seed(hello{version: Version, entries: 1, total: 1}, manifestMsg{entries: []Entry{{Name: "../x", Size: 1}}}, dataMsg{index: 0, data: []byte("x")}, endMsg{}))
	f.Fuzz(func(t *testing.T, in []byte) {
		parent := t.TempDir()
		dst := filepath.Join(parent, "in")
		if err := os.Mkdir(dst, 0o755); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		a, b := newPipe()
		done := make(chan struct{})
		go func() {
			defer close(done)
			Receive(ctx, b, ReceiveOptions{Dir: dst})
			b.Close() // the sender's next Send fails instead of waiting
		}()
		go func() {
			// Drain what the receiver says.
			for {
				if _, err := a.Receive(ctx); err != nil {
					return
				}
			}
		}()
		for len(in) > 0 {
			n := min(int(in[0]), len(in)-1)
			if a.Send(ctx, in[1:1+n]) != nil {
				break
			}
			in = in[1+n:]
		}
		a.closeWrite()
		<-done
		a.Close()
		if list, _ := os.ReadDir(parent); len(list) != 1 {
			t.Fatalf("the receiver wrote beside its folder: %d entries in the parent", len(list))
		}
		linksStayInside(t, dst)
	})
}
