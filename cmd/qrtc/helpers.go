package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"syscall"

	"github.com/qrtc/qrtc/qr"
	"github.com/qrtc/qrtc/sdpcompact"
)

// jsonDescription is the form of a session description that a browser's
// RTCPeerConnection.setRemoteDescription takes.
type jsonDescription struct {
	Type string `json:"type"`
	SDP  string `json:"sdp"`
}

// readInput returns the text of FILE, or of standard input when there is no
// argument or it is "-". what names what standard input should hold, for
// the line that says so when it is a terminal. Ctrl-C ends the wait.
func readInput(ctx context.Context, st *stdio, pos []string, cmd, what string) (string, error) {
	switch {
	case len(pos) > 1:
		return "", failf(exitBadInput, "give one, or none to read standard input", "qrtc %s: too many arguments (%d)", cmd, len(pos))
	case len(pos) == 1 && pos[0] != "-":
		data, err := readFileCapped(unquotePath(pos[0]))
		if err != nil {
			return "", inCommand(cmd, readError(pos[0], err, "give it on standard input"))
		}
		return string(data), nil
	}
	if st.inTTY {
		st.say("qrtc %s: reading %s from the terminal: paste it, then press Enter and Ctrl-D (Ctrl-C gives up)", cmd, what)
	}
	type result struct {
		data []byte
		err  error
	}
	done := make(chan result, 1)
	go func() {
		// Exits when standard input ends; after Ctrl-C that is the end
		// of the process.
		data, err := io.ReadAll(io.LimitReader(st.in, maxInputFile+1))
		done <- result{data, err}
	}()
	var r result
	select {
	case r = <-done:
	case <-ctx.Done():
		if cause := context.Cause(ctx); errors.Is(cause, errInterrupted) {
			return "", cause
		}
		return "", errInterrupted
	}
	if r.err != nil {
		return "", failf(exitNoConnect, "check where standard input comes from", "qrtc %s: cannot read standard input: %w", cmd, r.err)
	}
	if len(r.data) > maxInputFile {
		return "", failf(exitBadInput, "give a smaller input", "%w: standard input is larger than %d MiB", errTooLarge, maxInputFile>>20)
	}
	return string(r.data), nil
}

// runEncode is "qrtc encode": SDP or its JSON form in, token out.
func runEncode(ctx context.Context, st *stdio, args []string) error {
	fs := newFlagSet("encode")
	typ := fs.String("type", "", "treat raw SDP as an `offer` or an answer (JSON input carries its own type)")
	offerArg := fs.String("offer", "", "for an answer: the offer `TOKEN` (or image or file holding it) it answers, so that qrtc offer can check that it belongs")
	pos, err := parseFlags(st, fs, encodeHelp, args)
	if err != nil {
		return err
	}
	text, err := readInput(ctx, st, pos, "encode", "an SDP or its JSON form")
	if err != nil {
		return err
	}
	d, err := sdpcompact.ParseDescription(text)
	if err != nil {
		if errors.Is(err, sdpcompact.ErrNoCandidates) {
			return encodeError("qrtc encode: cannot use the description", err)
		}
		return libraryError(exitBadInput, "qrtc encode: cannot read the description", `give SDP text or JSON {"type":"offer","sdp":"..."}`, err)
	}
	switch strings.ToLower(*typ) {
	case "":
	case "offer":
		d.Type = sdpcompact.Offer
	case "answer":
		d.Type = sdpcompact.Answer
	default:
		return failf(exitBadInput, "write --type offer or --type answer", "qrtc encode: --type %q is neither offer nor answer", *typ)
	}
	var token string
	if *offerArg != "" {
		if d.Type != sdpcompact.Answer {
			return failf(exitBadInput, "leave --offer out, or give the answer's description", "qrtc encode: --offer is for answers, and this description is an %s", d.Type)
		}
		_, offer, err := tokenFromArg(*offerArg)
		if err != nil {
			return inCommand("encode: --offer", err)
		}
		token, err = sdpcompact.EncodeAnswer(d, offer)
		if err != nil {
			return encodeError("qrtc encode: --offer needs an answer to encode and an offer token", err)
		}
	} else if token, err = sdpcompact.Encode(d); err != nil {
		return encodeError("qrtc encode: cannot encode this description", err)
	}
	_, err = fmt.Fprintln(st.out, token)
	return stdoutError(err)
}

// runDecode is "qrtc decode": token (or image of one) in, JSON out.
func runDecode(ctx context.Context, st *stdio, args []string) error {
	fs := newFlagSet("decode")
	pos, err := parseFlags(st, fs, decodeHelp, args)
	if err != nil {
		return err
	}
	var d sdpcompact.Description
	switch {
	case len(pos) > 1:
		return failf(exitBadInput, "give one token or image path, or none to read standard input", "qrtc decode: too many arguments (%d)", len(pos))
	case len(pos) == 1 && pos[0] != "-":
		_, d, err = tokenFromArg(pos[0])
	default:
		var text string
		text, err = readInput(ctx, st, nil, "decode", "a token (or the path of an image of its QR code)")
		if err != nil {
			return err
		}
		text = strings.TrimSpace(text)
		if sdpcompact.LooksLikeToken(text) {
			// Decode ignores white space, so a token wrapped over lines works.
			d, err = sdpcompact.Decode(text)
			if err != nil {
				err = tokenError(err)
			}
		} else {
			_, d, err = tokenFromArg(text)
		}
	}
	if err != nil {
		return err
	}
	enc := json.NewEncoder(st.out)
	enc.SetEscapeHTML(false)
	return stdoutError(enc.Encode(jsonDescription{Type: d.Type.String(), SDP: d.SDP}))
}

// runScan is "qrtc scan": the text of the QR code in each image, one line
// per image in argument order. An image without a readable code gives an
// empty line on stdout, so that line N still belongs to image N, and its
// error on stderr; the exit code is 2 once all images are done. Line breaks
// in a code's text (and, on a terminal, control characters) are escaped the
// way received messages are (see messageLine).
func runScan(_ context.Context, st *stdio, args []string) error {
	fs := newFlagSet("scan")
	pos, err := parseFlags(st, fs, scanHelp, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return failf(exitBadInput, "run \"qrtc scan IMAGE...\"", "qrtc scan: no image given")
	}
	failed := 0
	var last error
	for _, path := range pos {
		text, err := scanImage(path)
		if err != nil {
			failed++
			last = err
			if len(pos) > 1 {
				st.sayError(inCommand("scan", err))
			}
		}
		if _, err := io.WriteString(st.out, messageLine(text, st.outTTY)+"\n"); err != nil {
			return stdoutError(err)
		}
	}
	switch {
	case failed == 0:
		return nil
	case len(pos) == 1:
		return inCommand("scan", last)
	}
	return failf(exitBadInput, "see the messages above; their lines are empty", "qrtc scan: %d of %d images held no readable QR code", failed, len(pos))
}

// scanImage returns the text of the QR code in the image at path.
func scanImage(path string) (string, error) {
	data, err := readFileCapped(path)
	if err != nil {
		return "", readError(path, err, "give another image")
	}
	text, err := qr.DecodeBytes(data)
	switch {
	case errors.Is(err, qr.ErrNoCode):
		return "", failf(exitBadInput, "take a sharper photo with the whole code in view", "no QR code found in %s", path)
	case err != nil:
		return "", libraryError(exitBadInput, fmt.Sprintf("cannot read %s as an image", path), "give a PNG or JPEG image", err)
	}
	return text, nil
}

// runQR is "qrtc qr": draw any text as a QR code.
func runQR(ctx context.Context, st *stdio, args []string) error {
	fs := newFlagSet("qr")
	png := fs.String("png", "", "write the QR code as a PNG image to `FILE` instead of drawing it")
	ascii := fs.Bool("ascii", false, "draw with ASCII characters (for terminals without Unicode)")
	pos, err := parseFlags(st, fs, qrHelp, args)
	if err != nil {
		return err
	}
	var text string
	if len(pos) > 0 {
		text = strings.Join(pos, " ")
	} else {
		text, err = readInput(ctx, st, nil, "qr", "the text to draw")
		if err != nil {
			return err
		}
		text = strings.TrimRight(text, "\r\n")
	}
	if text == "" {
		return failf(exitBadInput, "run \"qrtc qr TEXT\" or give the text on standard input", "qrtc qr: no text given")
	}
	if *png != "" {
		if err := qr.WritePNGFile(*png, text, qr.PNGOptions{}); err != nil {
			return qrError("--png", *png, text, err)
		}
		return nil
	}
	opt := st.terminalOptions(st.outTTY, *ascii)
	if st.outSize != nil {
		if w, h, ok := st.outSize(); ok {
			l, fits, needW, needH, err := fitCode(text, opt, "", "", 0, w, h)
			if err != nil {
				return qrError("", "", text, err)
			}
			if !fits {
				return failf(exitBadInput, "enlarge it, or use --png FILE", "qrtc qr: this terminal (%dx%d) is too small for the QR code, which needs %dx%d", w, h, needW, needH)
			}
			opt.Level, opt.QuietZone = l.level, l.quietZone
		}
	}
	if err := qr.WriteTerminal(st.out, text, opt); err != nil {
		if errors.Is(err, syscall.EPIPE) {
			return stdoutError(err)
		}
		return qrError("", "", text, err)
	}
	return nil
}

// encodeError explains why sdpcompact could not encode a description.
func encodeError(cause string, err error) error {
	switch {
	case errors.Is(err, sdpcompact.ErrNoCandidates):
		return failf(exitBadInput, "take the description once ICE gathering is complete (a browser's icegatheringstate is \"complete\")", "%s: %w", cause, reword(err, "it lists no ICE candidate"))
	case errors.Is(err, sdpcompact.ErrTooManyCandidates):
		return libraryError(exitBadInput, cause, candidateFlagsHint, err)
	}
	return libraryError(exitBadInput, cause, "check that it is a WebRTC data-channel description", err)
}

// qrError explains why "qrtc qr" could not draw text or write it to the
// file that flag names.
func qrError(flag, path, text string, err error) error {
	switch {
	case errors.Is(err, qr.ErrTextTooLong):
		return failf(exitBadInput, "shorten the text", "qrtc qr: %w", reword(err, "the text (%d bytes) is too long for a QR code", len(text)))
	case errors.Is(err, syscall.EPIPE):
		return stdoutError(err)
	case flag != "":
		return fileError(flag, path, err)
	}
	return libraryError(exitBadInput, "qrtc qr", "try again; if it persists, report it", err)
}
