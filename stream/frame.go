package stream

import (
	"encoding/binary"
	"fmt"
)

// Version is the version of the stream protocol this package speaks, the
// last byte of HELLO.
const Version = 1

// Protocol is the data channel subprotocol (RFC 8832 section 5.1) that an
// offerer speaking this protocol announces: the answerer knows from it that
// the other side speaks the protocol.
const Protocol = "qrtc-stream/1"

// The message types, the first byte of every protocol message.
const (
	typeHello byte = 0x01
	typeData  byte = 0x02
	typeEnd   byte = 0x03
	typeAck   byte = 0x04
	typeDone  byte = 0x05

	// typeOptional is the first of the types a receiver ignores when it
	// does not know them (0x80 to 0xff): room for later extensions.
	typeOptional byte = 0x80
)

// helloMagic follows the type byte of HELLO.
const helloMagic = "qrtc"

// Sizes of the fixed-size messages, in bytes.
const (
	helloSize = 1 + len(helloMagic) + 1 // type, magic, version
	countSize = 1 + 8 + 8               // type, bytes, lines (END, ACK, DONE)
)

// frame is one parsed protocol message.
type frame struct {
	kind    byte
	version byte   // HELLO
	data    []byte // DATA: the payload, a slice of the message
	bytes   uint64 // END, ACK, DONE
	lines   uint64 // END, ACK, DONE
}

// parse reads one binary protocol message. It never keeps msg beyond the
// data slice of a DATA frame.
func parse(msg []byte) (frame, error) {
	if len(msg) == 0 {
		return frame{}, fmt.Errorf("%w: an empty binary message; a qrtc stream message starts with its type byte", ErrProtocol)
	}
	f := frame{kind: msg[0]}
	switch f.kind {
	case typeHello:
		if len(msg) < helloSize || string(msg[1:1+len(helloMagic)]) != helloMagic {
			return frame{}, fmt.Errorf("%w: a HELLO of %d bytes %q; want 0x01, \"qrtc\" and a version byte", ErrProtocol, len(msg), truncate(msg))
		}
		f.version = msg[1+len(helloMagic)]
	case typeData:
		if len(msg) < 2 {
			return frame{}, fmt.Errorf("%w: a DATA message without data", ErrProtocol)
		}
		f.data = msg[1:]
	case typeEnd, typeAck, typeDone:
		if len(msg) != countSize {
			return frame{}, fmt.Errorf("%w: %s of %d bytes; want %d", ErrProtocol, typeName(f.kind), len(msg), countSize)
		}
		f.bytes = binary.BigEndian.Uint64(msg[1:9])
		f.lines = binary.BigEndian.Uint64(msg[9:17])
		if f.lines > f.bytes {
			return frame{}, fmt.Errorf("%w: %s counts %d lines in %d bytes", ErrProtocol, typeName(f.kind), f.lines, f.bytes)
		}
	default:
		if f.kind < typeOptional {
			return frame{}, fmt.Errorf("%w: unknown message type 0x%02x; is the other side a newer qrtc? update this one", ErrProtocol, f.kind)
		}
	}
	return f, nil
}

// appendHello appends a HELLO message to b.
func appendHello(b []byte) []byte {
	b = append(b, typeHello)
	b = append(b, helloMagic...)
	return append(b, Version)
}

// appendCounts appends an END, ACK or DONE message to b.
func appendCounts(b []byte, kind byte, bytes, lines uint64) []byte {
	b = append(b, kind)
	b = binary.BigEndian.AppendUint64(b, bytes)
	return binary.BigEndian.AppendUint64(b, lines)
}

// typeName names a message type for errors.
func typeName(kind byte) string {
	switch kind {
	case typeHello:
		return "HELLO"
	case typeData:
		return "DATA"
	case typeEnd:
		return "END"
	case typeAck:
		return "ACK"
	case typeDone:
		return "DONE"
	}
	return fmt.Sprintf("type 0x%02x", kind)
}

// truncate shortens a message for an error text.
func truncate(b []byte) []byte {
	if len(b) > 16 {
		return b[:16]
	}
	return b
}
