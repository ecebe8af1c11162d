package main

import (
	"strings"
	"unicode/utf8"
)

// messageLine returns how a received message is printed: on exactly one
// line (without the final "\n", which the caller adds). tty says that the
// line goes to a terminal.
//
// A message without a line break (LF or CR) is printed exactly as it came,
// backslashes included: qrtc sends one message per input line and never
// sends a line break, so text piped through two qrtc comes out byte for byte
// as it went in. A message with a line break, which browsers and other
// WebRTC programs can send, is escaped as a whole: "\" becomes "\\", LF
// "\n" and CR "\r", the way Go, C and JSON write them, so that it takes one
// line and can be turned back into the original. The one thing this rule
// cannot tell apart is a message that itself contains the two characters
// "\n" (or "\r") and no line break: it prints the same as an escaped one.
// Escaping every backslash would remove that doubt but would change every
// line with a backslash sent between two qrtc, which matters more.
//
// On a terminal a message is also escaped as a whole when it holds a control
// character that a terminal would act on: C0 controls other than TAB (ESC
// among them), DEL, the C1 controls U+0080 to U+009F, and bytes that are not
// UTF-8 (which a terminal in an 8-bit mode reads as C1 controls). Each such
// byte is written "\xHH" (two lower-case hex digits), so the other side
// cannot move the cursor, retitle the window, write the clipboard (OSC 52)
// or draw a fake verification phrase; the line still turns back into the
// original bytes. Pipes and files get those bytes raw.
func messageLine(msg string, tty bool) string {
	if !needsEscape(msg, tty) {
		return msg
	}
	const hex = "0123456789abcdef"
	var b strings.Builder
	b.Grow(len(msg) + 8)
	for i := 0; i < len(msg); {
		c := msg[i]
		switch {
		case c == '\\':
			b.WriteString(`\\`)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case tty && isControlByte(c):
			b.WriteString(`\x`)
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&0xf])
		case tty && c >= utf8.RuneSelf:
			r, size := utf8.DecodeRuneInString(msg[i:])
			if (r == utf8.RuneError && size == 1) || isC1(r) {
				for _, x := range []byte(msg[i : i+size]) {
					b.WriteString(`\x`)
					b.WriteByte(hex[x>>4])
					b.WriteByte(hex[x&0xf])
				}
			} else {
				b.WriteString(msg[i : i+size])
			}
			i += size
			continue
		default:
			b.WriteByte(c)
		}
		i++
	}
	return b.String()
}

// needsEscape reports whether messageLine must escape msg: it has a line
// break, or, for a terminal, a control character or a byte that is not UTF-8.
func needsEscape(msg string, tty bool) bool {
	if strings.ContainsAny(msg, "\r\n") {
		return true
	}
	if !tty {
		return false
	}
	for i := 0; i < len(msg); {
		c := msg[i]
		if c < utf8.RuneSelf {
			if isControlByte(c) {
				return true
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(msg[i:])
		if (r == utf8.RuneError && size == 1) || isC1(r) {
			return true
		}
		i += size
	}
	return false
}

// isControlByte reports whether an ASCII byte is a C0 control other than TAB,
// or DEL.
func isControlByte(c byte) bool {
	return (c < 0x20 && c != '\t') || c == 0x7f
}

// isC1 reports whether r is one of the C1 control characters.
func isC1(r rune) bool {
	return r >= 0x80 && r <= 0x9f
}
