package onescan

import (
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
)

// AnswerSDP applies the one-scan rule to an answer that a WebRTC stack made
// on its own (a browser's createAnswer), before it becomes the stack's local
// description: when offerSDP carries a=qrtc-one-scan, it returns answerSDP
// with every a=ice-ufrag and a=ice-pwd line replaced by the one-scan ufrag
// of the answer's first SHA-256 fingerprint and a=max-message-size (65536
// when absent, RFC 8841 section 6) and the password derived from the offer's
// credentials. Nothing else changes, so the stack accepts it (Chromium and
// Firefox accept changed ICE credentials in setLocalDescription).
//
// It returns ErrNotOneScan when the offer does not carry the flag or lacks
// ICE credentials, and ErrNotDescribable when the answer has no SHA-256
// fingerprint or a max-message-size below 65536: answer the ordinary way,
// with answerSDP unchanged.
func AnswerSDP(offerSDP, answerSDP string) (string, error) {
	if _, ok := sdpAttr(offerSDP, Attribute); !ok {
		return "", fmt.Errorf("%w: the offer has no a=%s line", ErrNotOneScan, Attribute)
	}
	offerUfrag, ok1 := sdpAttr(offerSDP, "ice-ufrag:")
	offerPwd, ok2 := sdpAttr(offerSDP, "ice-pwd:")
	if !ok1 || !ok2 || offerUfrag == "" || offerPwd == "" {
		return "", fmt.Errorf("%w: the offer has no a=ice-ufrag or a=ice-pwd line", ErrNotOneScan)
	}
	var fp []byte
	for _, l := range sdpLines(answerSDP) {
		v, ok := strings.CutPrefix(l, "a=fingerprint:")
		alg, hexFP, _ := strings.Cut(strings.TrimSpace(v), " ")
		if !ok || !strings.EqualFold(alg, "sha-256") {
			continue
		}
		b, err := hex.DecodeString(strings.ReplaceAll(strings.TrimSpace(hexFP), ":", ""))
		if err == nil {
			fp = b
			break
		}
	}
	if fp == nil {
		return "", fmt.Errorf("%w: the answer has no a=fingerprint:sha-256 line", ErrNotDescribable)
	}
	var mms uint64 = 65536
	if v, ok := sdpAttr(answerSDP, "max-message-size:"); ok {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return "", fmt.Errorf("%w: a=max-message-size:%s is not a number", ErrNotDescribable, clip(v))
		}
		mms = n
	}
	ufrag, err := Ufrag(fp, mms)
	if err != nil {
		return "", err
	}
	pwd := Password(offerUfrag, offerPwd, ufrag)
	lines := strings.SplitAfter(answerSDP, "\n")
	for i, l := range lines {
		body := strings.TrimRight(l, "\r\n")
		eol := l[len(body):]
		switch {
		case strings.HasPrefix(body, "a=ice-ufrag:"):
			lines[i] = "a=ice-ufrag:" + ufrag + eol
		case strings.HasPrefix(body, "a=ice-pwd:"):
			lines[i] = "a=ice-pwd:" + pwd + eol
		}
	}
	return strings.Join(lines, ""), nil
}

// sdpLines returns the lines of an SDP text without their line endings.
func sdpLines(sdp string) []string {
	lines := strings.Split(sdp, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, "\r")
	}
	return lines
}

// sdpAttr returns the value of the first line "a=" + name + value, trimmed;
// name ends in ":" for an attribute with a value.
func sdpAttr(sdp, name string) (string, bool) {
	for _, l := range sdpLines(sdp) {
		if v, ok := strings.CutPrefix(l, "a="+name); ok {
			if !strings.HasSuffix(name, ":") && v != "" {
				continue // a longer attribute name
			}
			return strings.TrimSpace(v), true
		}
	}
	return "", false
}
