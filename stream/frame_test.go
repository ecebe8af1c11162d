package stream

import (
	"bytes"
	"encoding/hex"
	"errors"
	"testing"
)

// TestGoldenMessages: the bytes of each message, as doc.go states them.
func TestGoldenMessages(t *testing.T) {
	for _, c := range []struct {
		name string
		got  []byte
		hex  string
	}{
		{"HELLO", appendHello(nil), "017172746301"},
		{"END 3 bytes 1 line", appendCounts(nil, typeEnd, 3, 1), "03" + "0000000000000003" + "0000000000000001"},
		{"ACK 2^40 bytes", appendCounts(nil, typeAck, 1<<40, 7), "04" + "0000010000000000" + "0000000000000007"},
		{"DONE 0", appendCounts(nil, typeDone, 0, 0), "05" + "0000000000000000" + "0000000000000000"},
	} {
		if got := hex.EncodeToString(c.got); got != c.hex {
			t.Errorf("%s = %s, want %s", c.name, got, c.hex)
		}
		f, err := parse(c.got)
		if err != nil || f.kind != c.got[0] {
			t.Errorf("parse(%s) = %+v, %v; want a %s", c.hex, f, err, c.name)
		}
	}
	f, err := parse([]byte("\x02hi\n"))
	if err != nil || string(f.data) != "hi\n" {
		t.Errorf("parse(DATA \"hi\\n\") = %+v, %v", f, err)
	}
	f, err = parse([]byte("\x01qrtc\x01reserved"))
	if err != nil || f.version != 1 {
		t.Errorf("parse(HELLO with reserved bytes) = %+v, %v; want version 1", f, err)
	}
}

// FuzzParse: parse never panics, refuses with ErrProtocol, and a message it
// takes is written back the same by the functions that make messages.
func FuzzParse(f *testing.F) {
	for _, seed := range [][]byte{
		appendHello(nil), []byte("\x02hi\n"), appendCounts(nil, typeEnd, 3, 1),
		appendCounts(nil, typeAck, 1<<40, 7), appendCounts(nil, typeDone, 0, 0),
		{}, {0x00}, {0x80, 1}, {0x02}, []byte("\x01qrtc"), []byte("\x01qrtc\x02extra"),
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, msg []byte) {
		fr, err := parse(msg)
		if err != nil {
			if !errors.Is(err, ErrProtocol) {
				t.Fatalf("parse(%x) = %v, want ErrProtocol", msg, err)
			}
			return
		}
		var again []byte
		switch fr.kind {
		case typeHello:
			again = append(appendHello(nil)[:5], fr.version)
			msg = msg[:helloSize]
		case typeData:
			again = append([]byte{typeData}, fr.data...)
		case typeEnd, typeAck, typeDone:
			if fr.lines > fr.bytes {
				t.Fatalf("parse(%x) took %d lines in %d bytes", msg, fr.lines, fr.bytes)
			}
			again = appendCounts(nil, fr.kind, fr.bytes, fr.lines)
		default:
			if fr.kind < typeOptional {
				t.Fatalf("parse(%x) took the unknown type 0x%02x", msg, fr.kind)
			}
			return
		}
		if !bytes.Equal(again, msg) {
			t.Fatalf("parse(%x) = %+v, which writes back as %x", msg, fr, again)
		}
	})
}
