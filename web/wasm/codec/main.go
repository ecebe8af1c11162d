//go:build js && wasm

// Command codec is the page's codec, compiled to WebAssembly: the same
// sdpcompact, onescan and phrase code as the qrtc command, exposed to the page's
// JavaScript as globalThis.qrtcCodec. It is all the page needs before it is
// usable; drawing and reading QR codes (package qr) is in command scan, which
// loads in a worker when needed. See package web for the calls.
package main

import (
	"errors"
	"fmt"
	"syscall/js"

	"github.com/qrtc/qrtc/onescan"
	"github.com/qrtc/qrtc/phrase"
	"github.com/qrtc/qrtc/sdpcompact"
)

func main() {
	api := map[string]any{
		"encode":        js.FuncOf(encode),
		"encodeAnswer":  js.FuncOf(encodeAnswer),
		"decode":        js.FuncOf(decode),
		"checkAnswer":   js.FuncOf(checkAnswer),
		"phrase":        js.FuncOf(derivePhrase),
		"link":          js.FuncOf(link),
		"oneScanAnswer": js.FuncOf(oneScanAnswer),
	}
	js.Global().Set("qrtcCodec", js.ValueOf(api))
	if ready := js.Global().Get("qrtcCodecReady"); ready.Type() == js.TypeFunction {
		ready.Invoke()
	}
	select {} // the functions stay callable while the page lives
}

// result is what every call returns: {value} or {error}.
func result(v any, err error) any {
	if err != nil {
		return map[string]any{"error": err.Error()}
	}
	return map[string]any{"value": v}
}

// arg returns argument i as a string, "" when missing or not a string.
func arg(args []js.Value, i int) string {
	if i >= len(args) || args[i].Type() != js.TypeString {
		return ""
	}
	return args[i].String()
}

func descType(s string) (sdpcompact.Type, error) {
	switch s {
	case "offer":
		return sdpcompact.Offer, nil
	case "answer":
		return sdpcompact.Answer, nil
	}
	return 0, fmt.Errorf("web: description type %q is neither offer nor answer", s)
}

// encode(type, sdp) -> {value: token}
func encode(_ js.Value, args []js.Value) any {
	t, err := descType(arg(args, 0))
	if err != nil {
		return result(nil, err)
	}
	tok, err := sdpcompact.Encode(sdpcompact.Description{Type: t, SDP: arg(args, 1)})
	return result(tok, err)
}

// encodeAnswer(answerSDP, offerSDP) -> {value: token tagged with its offer}
func encodeAnswer(_ js.Value, args []js.Value) any {
	tok, err := sdpcompact.EncodeAnswer(
		sdpcompact.Description{Type: sdpcompact.Answer, SDP: arg(args, 0)},
		sdpcompact.Description{Type: sdpcompact.Offer, SDP: arg(args, 1)})
	return result(tok, err)
}

// decode(text) -> {value: {type, sdp}}; text is a token or a link holding one.
func decode(_ js.Value, args []js.Value) any {
	d, err := sdpcompact.Decode(arg(args, 0))
	if err != nil {
		return result(nil, err)
	}
	t := "offer"
	if d.Type == sdpcompact.Answer {
		t = "answer"
	}
	return result(map[string]any{"type": t, "sdp": d.SDP}, nil)
}

// checkAnswer(token, offerSDP) -> {value: true} or {error}
func checkAnswer(_ js.Value, args []js.Value) any {
	err := sdpcompact.CheckAnswer(arg(args, 0), sdpcompact.Description{Type: sdpcompact.Offer, SDP: arg(args, 1)})
	return result(err == nil, err)
}

// phrase(sdpA, sdpB) -> {value: "four words"}
func derivePhrase(_ js.Value, args []js.Value) any {
	a, b := phrase.Fingerprint(arg(args, 0)), phrase.Fingerprint(arg(args, 1))
	if a == "" || b == "" {
		return result(nil, errors.New("web: a description has no a=fingerprint line"))
	}
	return result(phrase.Derive(a, b), nil)
}

// link(base, token) -> {value: "https://host/path#TOKEN"}
func link(_ js.Value, args []js.Value) any {
	return result(sdpcompact.Link(arg(args, 0), arg(args, 1)))
}

// oneScanAnswer(offerSDP, answerSDP) -> {value: answerSDP with one-scan
// credentials} or {error} when the offer has no one-scan flag or the answer
// cannot be described (onescan.AnswerSDP): answer the ordinary way then.
func oneScanAnswer(_ js.Value, args []js.Value) any {
	return result(onescan.AnswerSDP(arg(args, 0), arg(args, 1)))
}
