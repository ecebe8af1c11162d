package transfer

import (
	"encoding/binary"
	"fmt"
	"math"
	"unicode/utf8"
)

// Version is the protocol version this package speaks (doc.go).
const Version = 1

// Message types (doc.go, "Wire format").
const (
	typeHello    = 0x01
	typeManifest = 0x02
	typePlan     = 0x03
	typeDecision = 0x04
	typeData     = 0x05
	typeFileEnd  = 0x06
	typeFileSkip = 0x07
	typeAck      = 0x08
	typeEnd      = 0x09
	typeError    = 0x0a
)

// Plan item kinds.
const (
	planSkip   = 0
	planResume = 1
	planHave   = 2
)

// maxControl is the largest message other than DATA: manifests and plans
// are split to stay below it.
const maxControl = 64 << 10

// maxString bounds a string field: names, targets and reasons.
const maxString = 4096

// HashSize is the length of a SHA-256 hash.
const HashSize = 32

// Kind is what an entry of the manifest is.
type Kind byte

// The kinds of entries.
const (
	File   Kind = 0 // a regular file
	Folder Kind = 1 // a folder (directory)
	Link   Kind = 2 // a symbolic link
)

// String returns "file", "folder" or "link".
func (k Kind) String() string {
	switch k {
	case File:
		return "file"
	case Folder:
		return "folder"
	case Link:
		return "link"
	}
	return fmt.Sprintf("kind %d", byte(k))
}

// Entry is one item of a transfer's manifest.
type Entry struct {
	Kind   Kind
	Name   string // relative, "/"-separated
	Size   int64  // files only
	Exec   bool   // files only: the executable bit
	Target string // links only
}

type hello struct {
	version byte
	entries uint64
	total   uint64
}

type manifestMsg struct {
	first   uint64
	entries []Entry
}

type planItem struct {
	index   uint64
	what    byte
	reason  string   // planSkip
	offset  uint64   // planResume
	replace bool     // planHave
	hash    [32]byte // planResume, planHave
}

type planMsg struct{ items []planItem }

type decision struct {
	accept bool
	reason string
}

type dataMsg struct {
	index, offset uint64
	data          []byte
}

type fileEnd struct {
	index uint64
	hash  [32]byte
}

type fileSkip struct {
	index  uint64
	reason string
}

type ack struct {
	index  uint64
	failed bool
	reason string
}

type endMsg struct{}

type errorMsg struct{ reason string }

// appendString appends a string field.
func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, 1)
	}
	return append(b, 0)
}

// appendEntry appends one manifest entry.
func appendEntry(b []byte, e Entry) []byte {
	var flags byte
	if e.Exec {
		flags = 1
	}
	b = append(b, byte(e.Kind), flags)
	if e.Kind == File {
		b = binary.AppendUvarint(b, uint64(e.Size))
	}
	b = appendString(b, e.Name)
	if e.Kind == Link {
		b = appendString(b, e.Target)
	}
	return b
}

// encode appends the wire form of m (one of the message structs) to b.
func encode(b []byte, m any) []byte {
	switch m := m.(type) {
	case hello:
		b = append(b, typeHello, m.version)
		b = binary.AppendUvarint(b, m.entries)
		return binary.AppendUvarint(b, m.total)
	case manifestMsg:
		b = append(b, typeManifest)
		b = binary.AppendUvarint(b, m.first)
		b = binary.AppendUvarint(b, uint64(len(m.entries)))
		for _, e := range m.entries {
			b = appendEntry(b, e)
		}
		return b
	case planMsg:
		b = append(b, typePlan)
		b = binary.AppendUvarint(b, uint64(len(m.items)))
		for _, it := range m.items {
			b = appendPlanItem(b, it)
		}
		return b
	case decision:
		b = appendBool(append(b, typeDecision), m.accept)
		return appendString(b, m.reason)
	case dataMsg:
		b = append(b, typeData)
		b = binary.AppendUvarint(b, m.index)
		b = binary.AppendUvarint(b, m.offset)
		return append(b, m.data...)
	case fileEnd:
		b = binary.AppendUvarint(append(b, typeFileEnd), m.index)
		return append(b, m.hash[:]...)
	case fileSkip:
		b = binary.AppendUvarint(append(b, typeFileSkip), m.index)
		return appendString(b, m.reason)
	case ack:
		b = binary.AppendUvarint(append(b, typeAck), m.index)
		b = appendBool(b, m.failed)
		return appendString(b, m.reason)
	case endMsg:
		return append(b, typeEnd)
	case errorMsg:
		return appendString(append(b, typeError), m.reason)
	}
	return b // unreachable: every message type is listed above
}

func appendPlanItem(b []byte, it planItem) []byte {
	b = binary.AppendUvarint(b, it.index)
	b = append(b, it.what)
	switch it.what {
	case planSkip:
		b = appendString(b, it.reason)
	case planResume:
		b = binary.AppendUvarint(b, it.offset)
		b = append(b, it.hash[:]...)
	case planHave:
		b = appendBool(b, it.replace)
		b = append(b, it.hash[:]...)
	}
	return b
}

// planItemSize bounds the encoded size of a plan item.
func planItemSize(it planItem) int {
	return 2*binary.MaxVarintLen64 + 2 + HashSize + len(it.reason)
}

// entrySize bounds the encoded size of a manifest entry.
func entrySize(e Entry) int {
	return 2 + 3*binary.MaxVarintLen64 + len(e.Name) + len(e.Target)
}

// reader takes fields off a message; the first error sticks.
type reader struct {
	b   []byte
	err error
}

func (r *reader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: "+format, append([]any{ErrProtocol}, args...)...)
	}
}

func (r *reader) byte(what string) byte {
	if r.err != nil {
		return 0
	}
	if len(r.b) == 0 {
		r.fail("message ends before its %s", what)
		return 0
	}
	v := r.b[0]
	r.b = r.b[1:]
	return v
}

func (r *reader) bool(what string) bool {
	switch v := r.byte(what); v {
	case 0:
		return false
	case 1:
		return true
	default:
		r.fail("%s is %d, want 0 or 1", what, v)
		return false
	}
}

// uvarint reads a varint in its shortest form, at most 2^63-1.
func (r *reader) uvarint(what string) uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.fail("%s is not a valid varint", what)
		return 0
	}
	if n > 1 && r.b[n-1] == 0 {
		r.fail("%s is a varint with a redundant last byte", what)
		return 0
	}
	if v > math.MaxInt64 {
		r.fail("%s %d is too large", what, v)
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) string(what string) string {
	n := r.uvarint(what + " length")
	if r.err != nil {
		return ""
	}
	if n > maxString {
		r.fail("%s is %d bytes long, more than %d", what, n, maxString)
		return ""
	}
	if n > uint64(len(r.b)) {
		r.fail("%s of %d bytes goes past the end of the message", what, n)
		return ""
	}
	s := string(r.b[:n])
	r.b = r.b[n:]
	if !utf8.ValidString(s) {
		r.fail("%s %q is not valid UTF-8", what, s)
		return ""
	}
	return s
}

func (r *reader) hash(what string) (h [32]byte) {
	if r.err != nil {
		return h
	}
	if len(r.b) < HashSize {
		r.fail("message ends inside the %s", what)
		return h
	}
	copy(h[:], r.b)
	r.b = r.b[HashSize:]
	return h
}

// count reads a number of items that each take at least min bytes.
func (r *reader) count(what string, min int) int {
	n := r.uvarint(what)
	if r.err == nil && n > uint64(len(r.b)/min) {
		r.fail("%s %d cannot fit in the message", what, n)
		return 0
	}
	return int(n)
}

func (r *reader) entry() Entry {
	var e Entry
	k := r.byte("entry kind")
	flags := r.byte("entry flags")
	if r.err != nil {
		return e
	}
	if k > byte(Link) {
		r.fail("entry kind %d is unknown", k)
		return e
	}
	e.Kind = Kind(k)
	switch {
	case flags > 1:
		r.fail("entry flags %#x has unknown bits", flags)
	case flags == 1 && e.Kind != File:
		r.fail("a %s cannot be executable", e.Kind)
	}
	e.Exec = flags == 1
	if e.Kind == File {
		e.Size = int64(r.uvarint("file size"))
	}
	e.Name = r.string("name")
	if e.Kind == Link {
		e.Target = r.string("link target")
	}
	return e
}

// parse decodes one message into one of the message structs. It refuses
// anything encode would not write.
func parse(msg []byte) (any, error) {
	if len(msg) == 0 {
		return nil, fmt.Errorf("%w: empty message", ErrProtocol)
	}
	r := &reader{b: msg[1:]}
	var m any
	switch msg[0] {
	case typeHello:
		m = hello{version: r.byte("version"), entries: r.uvarint("entry count"), total: r.uvarint("total size")}
	case typeManifest:
		mm := manifestMsg{first: r.uvarint("first index")}
		n := r.count("entry count", 3)
		for i := 0; i < n && r.err == nil; i++ {
			mm.entries = append(mm.entries, r.entry())
		}
		m = mm
	case typePlan:
		var pm planMsg
		n := r.count("item count", 3)
		for i := 0; i < n && r.err == nil; i++ {
			it := planItem{index: r.uvarint("plan index"), what: r.byte("plan kind")}
			switch it.what {
			case planSkip:
				it.reason = r.string("reason")
			case planResume:
				it.offset = r.uvarint("resume offset")
				it.hash = r.hash("prefix hash")
			case planHave:
				it.replace = r.bool("replace")
				it.hash = r.hash("file hash")
			default:
				r.fail("plan kind %d is unknown", it.what)
			}
			pm.items = append(pm.items, it)
		}
		m = pm
	case typeDecision:
		m = decision{accept: r.bool("verdict"), reason: r.string("reason")}
	case typeData:
		d := dataMsg{index: r.uvarint("file index"), offset: r.uvarint("offset")}
		d.data = r.b
		r.b = nil
		m = d
	case typeFileEnd:
		m = fileEnd{index: r.uvarint("file index"), hash: r.hash("file hash")}
	case typeFileSkip:
		m = fileSkip{index: r.uvarint("file index"), reason: r.string("reason")}
	case typeAck:
		m = ack{index: r.uvarint("index"), failed: r.bool("status"), reason: r.string("reason")}
	case typeEnd:
		m = endMsg{}
	case typeError:
		m = errorMsg{reason: r.string("reason")}
	default:
		return nil, fmt.Errorf("%w: unknown message type %#02x", ErrProtocol, msg[0])
	}
	if r.err != nil {
		return nil, r.err
	}
	if len(r.b) > 0 {
		return nil, fmt.Errorf("%w: %d bytes left over after a message of type %#02x", ErrProtocol, len(r.b), msg[0])
	}
	return m, nil
}
