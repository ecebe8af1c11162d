package main

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"net"
	"regexp"
	"strings"
	"time"

	"github.com/pion/stun/v4"

	"github.com/qrtc/qrtc/peer"
	"github.com/qrtc/qrtc/qr"
)

// How a code is laid out on a terminal (stderr), so that in 80x24 the whole
// code, its quiet zone, the line to copy and the prompt are on screen at
// once:
//
//	┌─────────────┐
//	│  QR code    │   This is your offer (95 characters).
//	│             │   On the other computer, run the command
//	│             │   below ...
//	└─────────────┘
//	qrtc answer QRTC1O...                 <- the line to copy (may wrap)
//	Paste the answer ... then press Enter: _
//
// The caption goes beside the code when the terminal is wide enough and
// under it otherwise. The quiet zone shrinks from the standard 4 modules
// down to 2 (1 for ASCII, which is drawn without colours, so the terminal's
// background continues it) until everything fits; when even that does not
// fit, the code drops from error-correction level M to L (a smaller code
// for tokens of 123 to 154 characters); when even that does not fit, one
// line says what size is needed and that --png FILE is the way out.

// minCaptionWidth is the narrowest column a caption beside the code takes.
const minCaptionWidth = 24

// captionGap is the blank columns between the code and a caption beside it.
const captionGap = 3

// copyTokenRE finds "qrtc COMMAND TOKEN" in the instructions for the other
// side: the command the copy line spells out with the real token.
var copyTokenRE = regexp.MustCompile(`qrtc [a-z]+(?: --?[a-z-]+)* TOKEN`)

// copyLine returns the line the other side copies: the command of the
// instructions with the token in it ("qrtc answer QRTC1O..."), or the token
// alone when they name no command (an answer is pasted at a prompt).
func copyLine(instructions, token string) string {
	if m := copyTokenRE.FindString(instructions); m != "" {
		return strings.TrimSuffix(m, "TOKEN") + token
	}
	return token
}

// captionText is the instructions as they read above or beside the copy
// line: "qrtc answer TOKEN" becomes "the command below".
func captionText(instructions string) string {
	return copyTokenRE.ReplaceAllString(instructions, "the command below")
}

// rowsOf returns how many terminal rows a line of n characters takes when
// the terminal wraps it at width.
func rowsOf(n, width int) int {
	if n == 0 || width <= 0 {
		return 1
	}
	return (n + width - 1) / width
}

// wrapWords breaks text into lines of at most width characters at spaces
// (a longer word takes a line of its own).
func wrapWords(text string, width int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(text) {
		switch {
		case line == "":
			line = w
		case len(line)+1+len(w) <= width:
			line += " " + w
		default:
			lines = append(lines, line)
			line = w
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

// wrapText is text broken at spaces into lines of at most width
// characters (see wrapWords), so that a terminal does not cut its words.
func wrapText(text string, width int) string {
	return strings.Join(wrapWords(text, width), "\n")
}

// codeLayout is how a code and its text take a terminal.
type codeLayout struct {
	level     qr.Level
	quietZone int
	beside    bool     // the caption is beside the code, not under it
	caption   []string // the caption's lines when beside
}

// fitCode chooses the layout of text's code in a width x height terminal,
// with caption, the copy line and below rows (the prompt) on screen too.
// ok is false when nothing fits; then needW x needH is the smallest
// terminal that would do.
func fitCode(text string, opt qr.TerminalOptions, caption, copy string, below, width, height int) (l codeLayout, ok bool, needW, needH int, err error) {
	minQZ := 2
	if opt.Style == qr.StyleASCII {
		minQZ = 1
	}
	// Level M first (what a code gets elsewhere); level L, whose 7 % of
	// error correction a screen's clean picture can afford, makes a
	// 123-to-154-character token a version 5 code instead of a 6, which
	// fits 80x24.
	first := opt.Level
	if first == qr.LevelDefault {
		first = qr.LevelM
	}
	for _, level := range []qr.Level{first, qr.LevelL} {
		opt.Level = level
		for qz := 4; qz >= minQZ; qz-- {
			opt.QuietZone = qz
			cols, rows, err := qr.TerminalSize(text, opt)
			if err != nil {
				return codeLayout{}, false, 0, 0, err
			}
			if cols > width {
				continue
			}
			rest := rowsOf(len(copy), width) + below
			if side := width - cols - captionGap; side >= minCaptionWidth {
				lines := wrapWords(caption, side)
				if len(lines) <= rows && rows+rest <= height {
					return codeLayout{level: level, quietZone: qz, beside: true, caption: lines}, true, 0, 0, nil
				}
			}
			if rows+len(wrapWords(caption, width))+rest <= height {
				return codeLayout{level: level, quietZone: qz}, true, 0, 0, nil
			}
		}
	}
	opt.QuietZone = minQZ
	cols, rows, err := qr.TerminalSize(text, opt)
	if err != nil {
		return codeLayout{}, false, 0, 0, err
	}
	return codeLayout{}, false, cols, rows + len(wrapWords(caption, cols)) + rowsOf(len(copy), cols) + below, nil
}

// showCode draws text's QR code on stderr for people, with caption (what
// it is, what to do) and copy, the line the other side copies, under it.
// below is the number of rows that follow at once (a prompt) and must stay
// on screen with the code. On a terminal of known size the code is fitted
// (see fitCode); elsewhere it is drawn at its standard size.
func (st *stdio) showCode(text, caption, copy string, noQR, ascii bool, below int) {
	opt := st.terminalOptions(st.errTTY, ascii)
	var b bytes.Buffer
	width, height, sized := 0, 0, false
	if st.size != nil {
		width, height, sized = st.size()
	}
	if sized && width > 1 {
		// Lines the terminal would cut are broken between words.
		caption = wrapText(caption, width)
	}
	switch {
	case noQR:
		fmt.Fprintf(&b, "%s\n", caption)
	case !sized:
		if err := qr.WriteTerminal(&b, text, opt); err != nil {
			fmt.Fprintf(&b, "qrtc: cannot draw the QR code (%v); use the line below instead\n", forPeople(err.Error()))
		}
		fmt.Fprintf(&b, "%s\n", caption)
	default:
		l, ok, needW, needH, err := fitCode(text, opt, caption, copy, below, width, height)
		switch {
		case err != nil:
			fmt.Fprintf(&b, "qrtc: cannot draw the QR code (%v); use the line below instead\n", forPeople(err.Error()))
			fmt.Fprintf(&b, "%s\n", caption)
		case !ok:
			what := "QR code"
			if ascii {
				what = "ASCII QR code"
			}
			fmt.Fprintf(&b, "%s\n", wrapText(fmt.Sprintf("qrtc: this terminal (%dx%d) is too small for the %s, which needs %dx%d: enlarge it, or use --png FILE", width, height, what, needW, needH), width))
			fmt.Fprintf(&b, "%s\n", caption)
		default:
			opt.Level, opt.QuietZone = l.level, l.quietZone
			var code bytes.Buffer
			if err := qr.WriteTerminal(&code, text, opt); err != nil {
				fmt.Fprintf(&b, "qrtc: cannot draw the QR code (%v); use the line below instead\n", forPeople(err.Error()))
				break
			}
			if !l.beside {
				b.Write(code.Bytes())
				fmt.Fprintf(&b, "%s\n", caption)
				break
			}
			for i, line := range strings.Split(strings.TrimSuffix(code.String(), "\n"), "\n") {
				b.WriteString(line)
				if i < len(l.caption) {
					b.WriteString(strings.Repeat(" ", captionGap) + l.caption[i])
				}
				b.WriteByte('\n')
			}
		}
	}
	fmt.Fprintf(&b, "%s\n", copy)
	st.err.Write(b.Bytes()) // one write: nothing comes between the code and its text
}

// copyToClipboard asks the terminal to put text on the clipboard with
// OSC 52 (xterm's "manipulate selection data"), for --copy. Only when
// stderr is a terminal that may know it; terminals that do not, ignore
// the sequence, except the Linux console and "dumb" ones, which print it,
// so those are skipped with a note.
func (st *stdio) copyToClipboard(text string) {
	switch t := st.getenv("TERM"); {
	case !st.errTTY:
		st.say("qrtc: --copy needs a terminal on stderr; copy the line above by hand")
		return
	case t == "" || t == "dumb" || t == "linux":
		st.say("qrtc: --copy: this terminal (TERM=%s) has no clipboard sequence; copy the line above by hand", t)
		return
	}
	fmt.Fprintf(st.err, "\x1b]52;c;%s\a", base64.StdEncoding.EncodeToString([]byte(text)))
}

// waiting shows what is awaited and until when: on a terminal one line,
// rewritten every second with the time left; elsewhere (and with -v,
// whose lines would break into it) printed once. The returned stop ends
// the refreshing and clears the line; it may be called more than once.
func (st *stdio) waiting(what string, limit time.Duration, refresh bool) (stop func()) {
	if !st.errTTY || !refresh {
		st.say("%s, up to %s...", what, inWords(limit))
		return func() {}
	}
	deadline := time.Now().Add(limit)
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		// Exits when stop is called.
		defer close(finished)
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			left := time.Until(deadline).Round(time.Second)
			line := fmt.Sprintf("%s, up to %s (%s left)...", what, inWords(limit), leftText(max(left, 0)))
			if st.size != nil {
				if w, _, ok := st.size(); ok && len(line) >= w {
					line = line[:w-1] // a wrapped line could not be rewritten in place
				}
			}
			fmt.Fprintf(st.err, "\r\x1b[K%s", line)
			select {
			case <-done:
				fmt.Fprint(st.err, "\r\x1b[K")
				return
			case <-tick.C:
			}
		}
	}()
	stopped := false
	return func() {
		if !stopped {
			stopped = true
			close(done)
			<-finished
		}
	}
}

// leftText writes the time left as a clock: "14:05" or "0:27".
func leftText(d time.Duration) string {
	s := int(d / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// routeText says how the connection runs, for people: directly between
// which addresses, or through which TURN relay (this side's, named by its
// --turn URL when it is one of turns, or the other side's).
func routeText(r peer.Route, turns []string) string {
	local, remote := r.LocalType == "relay", r.RemoteType == "relay"
	mine := "your TURN relay at " + r.LocalAddress
	host, _, _ := net.SplitHostPort(r.LocalAddress)
	for _, u := range turns {
		if uri, err := stun.ParseURI(u); err == nil && uri.Host == host {
			mine = fmt.Sprintf("your TURN relay %s (address %s)", u, r.LocalAddress)
		}
	}
	theirs := "the other side's TURN relay at " + r.RemoteAddress
	switch {
	case local && remote:
		return "Relayed connection, through " + mine + " and " + theirs + "."
	case local:
		return "Relayed connection, through " + mine + "."
	case remote:
		return "Relayed connection, through " + theirs + "."
	}
	return fmt.Sprintf("Direct connection, no relay: %s to %s (%s to %s).", r.LocalAddress, r.RemoteAddress, r.LocalType, r.RemoteType)
}
