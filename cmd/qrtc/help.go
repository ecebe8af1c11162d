package main

import (
	"context"
	"fmt"
	"io"
	"strings"
)

// writeMainHelp prints "qrtc --help": what qrtc does, the commands, an example.
func writeMainHelp(w io.Writer) {
	fmt.Fprint(w, strings.TrimLeft(mainHelpHead, "\n"))
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, mainHelpTail)
}

// writeCommandHelp prints the help of one command, as "qrtc CMD --help" does.
func writeCommandHelp(w io.Writer, c command) {
	// Running the command with --help prints its help and its flags.
	_ = c.run(context.Background(), &stdio{out: w, err: io.Discard, getenv: func(string) string { return "" }}, []string{"--help"})
}

const mainHelpHead = `
qrtc connects two computers with WebRTC without a signaling server: each side
shows its connection details as a QR code and a text token, and the other side
scans the code (a photo of the screen will do) or pastes the token. Then the two
chat, line by line, over an encrypted data channel.

Usage:
  qrtc COMMAND [flags] [arguments]
`

const mainHelpTail = `
Example:
  alice$ qrtc offer                # shows a QR code and a token, then waits
  bob$   qrtc answer offer.jpg     # a photo of Alice's screen, or the pasted token
                                   # shows the answer's QR code and token
  alice> (pastes Bob's token, or types the path of a photo of Bob's screen)
  Both sides print "connected" and the same verification phrase; then every
  line typed is sent to the other side. Ctrl-D: "I have finished sending";
  the session ends when both sides have (Ctrl-C leaves at once).

stdout carries only data (the own token, then what the other side sends;
--data-only leaves the token out, for pipes such as "| tar x"); stderr carries
everything for people. Between two qrtc, standard input is a byte stream to
the other side's stdout, each way, like an ssh pipe: any bytes arrive
unchanged (NUL, CR, invalid UTF-8, lines of any length, a last line without
LF). End of input (Ctrl-D) means "I have finished sending"; each side exits
once both have. When stdout is a terminal, control characters (ESC, other C0
and C1 controls, DEL, bytes that are not UTF-8) are escaped, each such byte
written "\xHH" ("\" as "\\", LF inside a message "\n", CR "\r"), so that the
other side cannot drive the terminal; pipes and files get the bytes raw.
A browser page knows no byte stream: there each input line is one message, a
message holding a line break is printed on one line escaped as above, and a
line longer than the page takes (256 KiB) is skipped and counted.

Exit codes: 0 everything sent was delivered and everything received written;
1 could not connect / timed out / the other side vanished or left before the
streams ended / something was not delivered or skipped (the numbers are on
stderr) / the phrase was not confirmed; 2 bad usage or bad input; 130
interrupted (Ctrl-C); 143 terminated (SIGTERM). An error is printed as two
lines: what went wrong, then what to do.

Run "qrtc COMMAND --help" for the flags and examples of each command.
`

const offerHelp = `
Usage: qrtc offer [flags]

Starts a session. Gathers this computer's addresses, prints the offer token on
stdout (one line) and draws it as a QR code on stderr, sized to fit the
terminal, with the whole command for the other computer under it ("qrtc answer
QRTC1O..."; --copy also puts it on the clipboard). Then it reads the other
side's answer from standard input: the token (a token wrapped over several
lines works too) or the path of an image of the answer's QR code. A bad answer
typed at a terminal is explained and asked for again; from a pipe it ends qrtc
with exit code 2. Standard input from a file or pipe that does not start with
an answer ("qrtc offer < data", "tar c dir | qrtc offer") is all sent: the
answer then comes inside the other side's first connectivity check, as qrtc
answer sends it unless --no-one-scan is given. Once connected, both sides print the same verification phrase;
standard input then goes to the other side's stdout and the other side's
input to this stdout, byte for byte (see "qrtc --help" for browser peers).
End of input (Ctrl-D) means "I have finished sending": qrtc exits once both
sides have, with exit code 0 only when everything was written on the other
side. --verify asks whether both screens show the same phrase first.

Example:
  qrtc offer --png offer.png       # then paste the answer, or type: answer.jpg
  qrtc offer --code                # a short code to read aloud (4821-guitar-orange) instead of a token
  qrtc offer --link default        # a phone's camera app opens the qrtc page with this offer
  qrtc offer --token-out offer.txt | tee chat.log   # stdout: the token, then messages
  QRTC_TURN_PASS=secret qrtc offer --turn turn:relay.example.org:3478 --turn-user alice
  qrtc offer --ipv4 --interface eth0   # a computer with Docker bridges or many IPv6 addresses

The TURN password may come from the environment variable QRTC_TURN_PASS instead
of --turn-pass, which other users of the computer can read in "ps". A token
carries at most 32 addresses; on a computer with more, qrtc exits with code 2
and asks to limit them with --interface, --ipv4 or --ipv6.
`

const answerHelp = `
Usage: qrtc answer [flags] [OFFER]

Joins a session. OFFER is the offer token or the path of an image (a photo of
the other screen, a screenshot, a PNG) holding its QR code; without OFFER the
offer is read from standard input. Prints the answer token on stdout (one line)
and draws it as a QR code on stderr: the other side pastes it into its
"qrtc offer". Once connected, both sides print the same verification phrase;
standard input then goes to the other side's stdout and back, byte for byte.
End of input (Ctrl-D) means "I have finished sending": qrtc exits once both
sides have, with exit code 0 only when everything was written on the other
side.

Example:
  qrtc answer offer.jpg
  qrtc answer QRTC...              # the token Alice sent by mail or chat
  qrtc answer 4821-guitar-orange   # the code of "qrtc offer --code", read to you over the phone
  qrtc answer --stun none --no-qr --token-out answer.txt offer.png
`

const encodeHelp = `
Usage: qrtc encode [flags] [FILE]

Turns a session description into a qrtc token, printed on stdout. FILE (or
standard input without FILE) holds raw SDP or the JSON form that browsers use,
{"type":"offer","sdp":"v=0..."}. With --offer, an answer's token carries a
tag of the offer it answers, so that "qrtc offer" can tell a stale answer.

Example:
  qrtc encode offer.json
  echo "$SDP" | qrtc encode --type answer --offer QRTC1...
`

const decodeHelp = `
Usage: qrtc decode [TOKEN|IMAGE]

Turns a qrtc token, or an image of its QR code, back into the JSON form
{"type":"offer","sdp":"..."} that a browser's setRemoteDescription takes,
printed on stdout. Without an argument the token is read from standard input
(line breaks inside it are ignored).

Example:
  qrtc decode QRTC...
  qrtc decode offer.png | jq -r .sdp
`

const scanHelp = `
Usage: qrtc scan IMAGE...

Prints the text of the QR code in each image (PNG, JPEG or GIF; photos work),
exactly one line per image, in the order given. An image without a readable
code gets an empty line, is reported on stderr and makes the exit code 2. Line
breaks in a code's text are escaped as in received messages ("\" as "\\", LF
as "\n", CR as "\r"; on a terminal also control characters as "\xHH").

Example:
  qrtc scan photo.jpg screenshot.png
`

const qrHelp = `
Usage: qrtc qr [flags] [TEXT]

Draws any text as a QR code on stdout (half blocks, coloured on a terminal
unless NO_COLOR is set; with NO_COLOR, inverted when COLORFGBG names a dark
background), or writes it as a PNG image with --png. On a terminal the code
is sized to fit it, or qrtc says that the terminal is too small (exit code 2).
Without TEXT the text is read from standard input.

Example:
  qrtc qr "https://example.org"
  qrtc qr --png code.png < token.txt
`
