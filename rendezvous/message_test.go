package rendezvous

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

func TestSlotDerivation(t *testing.T) {
	o, j := slotFor(4821, roleOffer), slotFor(4821, roleJoin)
	if o.pub != j.pub || bytes.Equal(o.salt, j.salt) || o.target == j.target {
		t.Errorf("slots of one number: same key, different salts and targets expected; got %x/%q/%x and %x/%q/%x", o.pub, o.salt, o.target, j.pub, j.salt, j.target)
	}
	if o2 := slotFor(4822, roleOffer); o2.target == o.target {
		t.Errorf("numbers 4821 and 4822 share the target %x", o.target)
	}
	// Golden: the slots are a wire format; they must not change.
	if got, want := hex.EncodeToString(o.target[:]), goldenTarget; got != want {
		t.Errorf("target of 4821/offer = %s, want %s", got, want)
	}
}

const goldenTarget = "8a214a3708bfd54f2e0b0c6c185fa02f6c62e5c3"

func TestMessagesRoundTrip(t *testing.T) {
	var sidA, sidB [sidSize]byte
	copy(sidA[:], "AAAAAAAAAAAAAAAA")
	copy(sidB[:], "BBBBBBBBBBBBBBBB")
	share := bytes.Repeat([]byte{7}, shareSize)
	k, err := deriveKeys(bytes.Repeat([]byte{1}, 64), sidA, sidB)
	if err != nil {
		t.Fatal(err)
	}
	join := &message{typ: typeJoin, sidA: sidA, sidB: sidB, share: share}
	seal(k.join, join, nil)
	offer := &message{typ: typeOffer, sidA: sidA, sidB: sidB}
	seal(k.offer, offer, []byte(strings.Repeat("T", 95)))
	for name, tc := range map[string]struct {
		m    *message
		size int
	}{
		"hello":  {&message{typ: typeHello, sidA: sidA, share: share}, 50},
		"join":   {join, 82},
		"offer":  {offer, 145},
		"burned": {&message{typ: typeBurned, sidA: sidA, sidB: sidB}, 34},
	} {
		b := tc.m.marshal()
		if len(b) != tc.size {
			t.Errorf("%s is %d bytes, want %d (doc.go)", name, len(b), tc.size)
		}
		m, err := parseMessage(b)
		if err != nil {
			t.Errorf("parseMessage(%s): %v", name, err)
			continue
		}
		if !bytes.Equal(m.marshal(), b) {
			t.Errorf("%s: parse and marshal gave %x, want %x", name, m.marshal(), b)
		}
	}
	// A seal opens with its key only, and only over the same header.
	m, _ := parseMessage(offer.marshal())
	if p, err := open(k.offer, m); err != nil || string(p) != strings.Repeat("T", 95) {
		t.Errorf("open(offer) = %q, %v", p, err)
	}
	if _, err := open(k.answer, m); !errors.Is(err, ErrBurned) {
		t.Errorf("open(offer) with the answer key: %v, want ErrBurned", err)
	}
	m.sidB[0] ^= 1
	if _, err := open(k.offer, m); !errors.Is(err, ErrBurned) {
		t.Errorf("open(offer) with another sidB: %v, want ErrBurned", err)
	}
}

func TestParseMessageRefuses(t *testing.T) {
	for name, b := range map[string][]byte{
		"empty":        nil,
		"one byte":     {1},
		"version 2":    append([]byte{2, 1}, make([]byte, 48)...),
		"unknown type": append([]byte{1, 9}, make([]byte, 48)...),
		"short hello":  append([]byte{1, 1}, make([]byte, 47)...),
		"long join":    append([]byte{1, 2}, make([]byte, 81)...),
		"empty offer":  append([]byte{1, 3}, make([]byte, 32+16)...),
		"long burned":  append([]byte{1, 5}, make([]byte, 33)...),
		"over 996":     append([]byte{1, 3}, make([]byte, 995)...),
	} {
		if _, err := parseMessage(b); !errors.Is(err, ErrBadMessage) {
			t.Errorf("parseMessage(%s) err = %v, want ErrBadMessage", name, err)
		}
	}
}

// FuzzParseMessage: any bytes from the DHT or the network are refused with
// ErrBadMessage or parse into a message that writes back the same bytes.
func FuzzParseMessage(f *testing.F) {
	var sid [sidSize]byte
	f.Add((&message{typ: typeHello, sidA: sid, share: make([]byte, 32)}).marshal())
	f.Add((&message{typ: typeJoin, sidA: sid, sidB: sid, share: make([]byte, 32), sealed: make([]byte, 16)}).marshal())
	f.Add((&message{typ: typeOffer, sidA: sid, sidB: sid, sealed: make([]byte, 111)}).marshal())
	f.Add((&message{typ: typeBurned, sidA: sid, sidB: sid}).marshal())
	f.Add([]byte{1})
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := parseMessage(b)
		if err != nil {
			if !errors.Is(err, ErrBadMessage) {
				t.Fatalf("parseMessage(%x) err = %v, want ErrBadMessage", b, err)
			}
			return
		}
		if got := m.marshal(); !bytes.Equal(got, b) {
			t.Fatalf("parseMessage(%x) then marshal = %x", b, got)
		}
	})
}

// FuzzParseCode: whatever a person types is refused with ErrBadCode or
// gives a code whose canonical form parses to itself.
func FuzzParseCode(f *testing.F) {
	for _, s := range []string{"4821-guitar-orange", "4821 GUIT oran", "1-acid-acid-acid", "0-a-b", "99999-x-y", "", "4821-ca-orange", "٤٨٢١-guitar-orange"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCode(s)
		if err != nil {
			if !errors.Is(err, ErrBadCode) {
				t.Fatalf("ParseCode(%q) err = %v, want ErrBadCode", s, err)
			}
			return
		}
		c2, err := ParseCode(c.String())
		if err != nil || c2.String() != c.String() {
			t.Fatalf("ParseCode(%q) = %s, which parses to %s, %v", s, c, c2, err)
		}
	})
}

// FuzzParsePacket: whatever arrives on the multicast group is ignored or
// parsed into a packet that writes back the same bytes.
func FuzzParsePacket(f *testing.F) {
	var target [20]byte
	f.Add(packet(target, 1733234567890, (&message{typ: typeBurned}).marshal()))
	f.Add([]byte(multicastMagic))
	f.Add([]byte("M-SEARCH * HTTP/1.1"))
	f.Fuzz(func(t *testing.T, b []byte) {
		target, seq, msg, ok := parsePacket(b)
		if !ok {
			return
		}
		if got := packet(target, seq, msg); !bytes.Equal(got, b) {
			t.Fatalf("parsePacket(%x) then packet = %x", b, got)
		}
	})
}
