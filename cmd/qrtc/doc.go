// Command qrtc connects two computers with WebRTC without a signaling
// server: each side's complete session description is packed into a short
// token, shown as a QR code and as a line of text, and the other side scans
// the code (a photo of the screen will do) or pastes the token. One offer, one
// answer, then a data channel carries a line-based chat.
//
// # Usage
//
//	alice$ qrtc offer                 # shows the offer, then reads the answer
//	bob$   qrtc answer offer.jpg      # or: qrtc answer QRTC1...
//	alice> (pastes Bob's answer token, or types the path of a photo of it)
//
// Both sides then print "connected" and the same verification phrase on
// stderr; standard input then goes to the other side's standard output and
// back, byte for byte (package stream), the end of input means "nothing more
// to send", and qrtc exits 0 once both directions have ended with everything
// written on the other side. The helpers encode, decode, scan and qr
// convert between SDP, tokens, QR images and JSON; "qrtc CMD --help" explains
// each command with an example.
//
// # Streams
//
// Standard output carries data only: first the own token as one line, then
// the messages received, one per line (or the output of a helper).
//
// A message is printed exactly as it came unless it contains a line break
// (LF or CR). qrtc sends each input line as one message, so it never sends
// a line break, and text piped through two qrtc comes out byte for byte as it
// went in, backslashes included. Browsers and other WebRTC programs can send
// line breaks: such a message is printed on one line with every "\" written
// as "\\", LF as "\n" and CR as "\r", so that it can be turned back. Only a
// message that contains the characters "\n" or "\r" and no line break reads
// the same as an escaped one; escaping every backslash would end that doubt
// but change every line with a backslash sent between two qrtc.
//
// When stdout is a terminal, a message that holds a control character is
// escaped the same way, so that the other side cannot drive the terminal
// (move the cursor, retitle the window, write the clipboard with OSC 52, draw
// a fake verification phrase): every C0 control but TAB, DEL, every C1
// control (U+0080 to U+009F) and every byte that is not UTF-8 is written
// "\xHH", and "\" becomes "\\". Pipes and files get those bytes raw.
//
// Input is read line by line: a line ends at LF, a CR just before the LF is
// dropped, and a last line without LF is still sent as one message. So text
// of LF-terminated lines goes through byte for byte; CRLF line endings become
// LF, and a missing final LF is added on the other side.
//
// Standard error carries everything meant for people: the QR code, prompts, status,
// the verification phrase and errors. An error takes two lines: the cause,
// starting with "qrtc:", then, indented, what to do. The QR code is drawn with half blocks and explicit colours when
// stderr is a terminal and NO_COLOR is unset (the eight basic colours when
// TERM is linux, vt100, vt220 or ansi, or names no 256-colour, truecolor or
// direct terminal, and COLORTERM is unset), without colours otherwise.
// Without colours the terminal's foreground colour is the ink, which turns
// the code light on dark on a dark theme; when COLORFGBG names a dark
// background, the code is drawn inverted so that it comes out dark on light.
//
// # Exit codes
//
//	0    the session ended normally (either side's input ended), or a helper did its job
//	1    could not connect, timed out (--timeout), or the other side vanished
//	2    bad usage or bad input: a broken token, an image without a QR code,
//	     an offer where an answer belongs, an answer to another offer
//	130  interrupted by Ctrl-C (SIGINT); a connected session is closed so
//	     that the other side sees it leave
//	143  terminated by SIGTERM, closed the same way
//
// At a terminal a bad answer is explained and asked for again; from a pipe it
// ends qrtc with exit code 2. A computer with more addresses than a token
// carries (32: Docker and VM bridges, IPv6 privacy addresses) cannot encode
// its own offer or answer: that ends qrtc with exit code 2 and asks to limit
// the addresses with --interface NAME (repeatable), --ipv4 or --ipv6. When
// standard output can no longer be written (the program reading a pipe
// ended), qrtc says "could not write to standard output" and exits with 1.
//
// # Environment
//
//	QRTC_TURN_PASS  the TURN password when --turn-pass is not given; unlike a
//	                flag, other users cannot read it with ps
//	NO_COLOR        draw the QR code without colours
//	TERM, COLORTERM a terminal without 256 colours gets the QR code in the
//	                eight basic colours
//	COLORFGBG       with NO_COLOR or without a colour terminal, a dark
//	                background makes the code drawn inverted
package main
