package main

import "strings"

// messageLine returns how a received message is printed: on exactly one
// line (without the final "\n", which the caller adds).
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
func messageLine(msg string) string {
	if !strings.ContainsAny(msg, "\r\n") {
		return msg
	}
	var b strings.Builder
	b.Grow(len(msg) + 8)
	for i := 0; i < len(msg); i++ {
		switch c := msg[i]; c {
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
