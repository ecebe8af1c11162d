package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
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
// argument or it is "-".
func readInput(st *stdio, pos []string, cmd string) (string, error) {
	switch {
	case len(pos) > 1:
		return "", usageErrorf("qrtc %s: too many arguments (%d): give one, or none to read standard input", cmd, len(pos))
	case len(pos) == 1 && pos[0] != "-":
		data, err := readFileCapped(unquotePath(pos[0]))
		if err != nil {
			return "", withCode(exitBadInput, fmt.Errorf("qrtc %s: %w", cmd, err))
		}
		return string(data), nil
	}
	data, err := io.ReadAll(io.LimitReader(st.in, maxInputFile+1))
	if err != nil {
		return "", fmt.Errorf("qrtc %s: cannot read standard input: %w", cmd, err)
	}
	if len(data) > maxInputFile {
		return "", usageErrorf("%w: standard input is larger than %d MiB", errTooLarge, maxInputFile>>20)
	}
	return string(data), nil
}

// runEncode is "qrtc encode": SDP or its JSON form in, token out.
func runEncode(_ context.Context, st *stdio, args []string) error {
	fs := newFlagSet("encode")
	typ := fs.String("type", "", "treat raw SDP as an `offer` or an answer (JSON input carries its own type)")
	offerArg := fs.String("offer", "", "for an answer: the offer `TOKEN` (or image or file holding it) it answers, so that qrtc offer can check that it belongs")
	pos, err := parseFlags(st, fs, encodeHelp, args)
	if err != nil {
		return err
	}
	text, err := readInput(st, pos, "encode")
	if err != nil {
		return err
	}
	d, err := sdpcompact.ParseDescription(text)
	if err != nil {
		return withCode(exitBadInput, fmt.Errorf("qrtc encode: cannot read the description: %w; give SDP text or JSON {\"type\":\"offer\",\"sdp\":\"...\"}", err))
	}
	switch strings.ToLower(*typ) {
	case "":
	case "offer":
		d.Type = sdpcompact.Offer
	case "answer":
		d.Type = sdpcompact.Answer
	default:
		return usageErrorf("qrtc encode: --type %q is neither offer nor answer", *typ)
	}
	var token string
	if *offerArg != "" {
		_, offer, err := tokenFromArg(*offerArg)
		if err != nil {
			return fmt.Errorf("qrtc encode: --offer: %w", err)
		}
		token, err = sdpcompact.EncodeAnswer(d, offer)
		if err != nil {
			return withCode(exitBadInput, fmt.Errorf("qrtc encode: --offer needs an answer to encode and an offer token: %w", err))
		}
	} else if token, err = sdpcompact.Encode(d); err != nil {
		return withCode(exitBadInput, fmt.Errorf("qrtc encode: cannot encode this description: %w", err))
	}
	_, err = fmt.Fprintln(st.out, token)
	return stdoutError(err)
}

// runDecode is "qrtc decode": token (or image of one) in, JSON out.
func runDecode(_ context.Context, st *stdio, args []string) error {
	fs := newFlagSet("decode")
	pos, err := parseFlags(st, fs, decodeHelp, args)
	if err != nil {
		return err
	}
	var d sdpcompact.Description
	switch {
	case len(pos) > 1:
		return usageErrorf("qrtc decode: too many arguments (%d): give one token or image path, or none to read standard input", len(pos))
	case len(pos) == 1 && pos[0] != "-":
		_, d, err = tokenFromArg(pos[0])
	default:
		var text string
		text, err = readInput(st, nil, "decode")
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
		return usageErrorf("qrtc scan: no image given: run \"qrtc scan IMAGE...\"")
	}
	failed := 0
	var last error
	for _, path := range pos {
		text, err := scanImage(path)
		if err != nil {
			failed++
			last = err
			if len(pos) > 1 {
				st.say("qrtc scan: %v", err)
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
		return withCode(exitBadInput, fmt.Errorf("qrtc scan: %w", last))
	}
	return withCode(exitBadInput, fmt.Errorf("qrtc scan: %d of %d images held no readable QR code (see above; their lines are empty)", failed, len(pos)))
}

// scanImage returns the text of the QR code in the image at path.
func scanImage(path string) (string, error) {
	data, err := readFileCapped(path)
	if err != nil {
		return "", err
	}
	text, err := qr.DecodeBytes(data)
	switch {
	case errors.Is(err, qr.ErrNoCode):
		return "", fmt.Errorf("no QR code found in %q: take a sharper photo with the whole code in view", path)
	case err != nil:
		return "", fmt.Errorf("cannot read %q as an image: %w", path, err)
	}
	return text, nil
}

// runQR is "qrtc qr": draw any text as a QR code.
func runQR(_ context.Context, st *stdio, args []string) error {
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
		text, err = readInput(st, nil, "qr")
		if err != nil {
			return err
		}
		text = strings.TrimRight(text, "\r\n")
	}
	if text == "" {
		return usageErrorf("qrtc qr: no text given: run \"qrtc qr TEXT\" or give the text on standard input")
	}
	if *png != "" {
		if err := qr.WritePNGFile(*png, text, qr.PNGOptions{}); err != nil {
			return withCode(exitBadInput, fmt.Errorf("qrtc qr: cannot write %q: %w", *png, err))
		}
		return nil
	}
	if err := qr.WriteTerminal(st.out, text, st.terminalOptions(st.outTTY, *ascii)); err != nil {
		if errors.Is(err, syscall.EPIPE) {
			return stdoutError(err)
		}
		return withCode(exitBadInput, fmt.Errorf("qrtc qr: %w", err))
	}
	return nil
}

// runVersion is "qrtc version".
func runVersion(_ context.Context, st *stdio, args []string) error {
	fs := newFlagSet("version")
	pos, err := parseFlags(st, fs, versionHelp, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageErrorf("qrtc version: unexpected argument %q", pos[0])
	}
	version := "(devel)"
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		version = bi.Main.Version
	}
	_, err = fmt.Fprintf(st.out, "qrtc %s\n", version)
	return stdoutError(err)
}
