package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"

	"github.com/qrtc/qrtc/sdpcompact"
)

// awaitAnswer reads the answer at the prompt while the peer may take it
// from the answerer's first connectivity check (one-scan, package
// onescan), whichever comes first. oneScan tells which.
//
// Standard input that is not a terminal and does not start with an answer
// (a token, or the path of an image) is not read here at all: it is the
// stream this side sends, as in "qrtc offer < file", and the answer can
// then only come inside a connectivity check.
func (s *session) awaitAnswer(offer sdpcompact.Description, tr *tokenReader, prompt string, check func(string, sdpcompact.Description) error) (answer sdpcompact.Description, oneScan bool, err error) {
	ctx, cancel := context.WithCancel(s.waitCtx)
	defer cancel()
	if !s.st.inTTY && !s.f.noOneScan {
		peeked := make(chan []byte, 1)
		go func() {
			// Takes nothing from the input; exits when it holds a line or
			// ends, or when ctx ends.
			if b, err := s.lines.peek(ctx); err == nil {
				peeked <- b
			}
		}()
		select {
		case b := <-peeked:
			if !startsWithAnswer(b) {
				s.st.say("Standard input does not start with an answer, so all of it is for the other side. Waiting for the answer inside the other side's first connectivity check (a browser page sends none: for its answer, give it on the first line of standard input, before the data)...")
				select {
				case <-s.p.OneScanAnswered():
					return sdpcompact.Description{}, true, s.answeredInCheck(offer)
				case <-ctx.Done():
					return sdpcompact.Description{}, false, ctx.Err()
				}
			}
		case <-s.p.OneScanAnswered():
			return sdpcompact.Description{}, true, s.answeredInCheck(offer)
		case <-ctx.Done():
			return sdpcompact.Description{}, false, ctx.Err()
		}
	}
	type result struct {
		d   sdpcompact.Description
		err error
	}
	got := make(chan result, 1)
	go func() {
		// Exits when an answer is read, input ends, or ctx ends.
		_, d, err := tr.read(ctx, prompt, check)
		got <- result{d, err}
	}()
	select {
	case r := <-got:
		return r.d, false, r.err
	case <-s.p.OneScanAnswered():
		cancel()
		<-got // the reader stops reading lines before the chat does
		return sdpcompact.Description{}, true, s.answeredInCheck(offer)
	case <-ctx.Done():
		return sdpcompact.Description{}, false, ctx.Err()
	}
}

// answeredInCheck says that the answer came inside a connectivity check,
// and has the session skip the answer token should it come as a line of
// input after all.
func (s *session) answeredInCheck(offer sdpcompact.Description) error {
	s.st.say("The answer came inside the other side's first connectivity check: nothing to scan or paste back.")
	s.skipLine = func(text string) bool { return isAnswerTo(text, offer) }
	return nil
}

// startsWithAnswer reports whether input, the start of standard input,
// begins (after blank lines) with what the offer prompt takes: a token, or
// the path of an existing file or one named like an image or a token file
// (a mistyped path is meant as the answer, and is explained as one).
func startsWithAnswer(input []byte) bool {
	for len(input) > 0 {
		first, rest, _ := bytes.Cut(input, []byte("\n"))
		text := strings.TrimSpace(string(first))
		if text == "" {
			input = rest
			continue
		}
		if sdpcompact.LooksLikeToken(text) {
			return true
		}
		if !plausiblePath(text) {
			return false
		}
		path := unquotePath(text)
		if _, err := os.Stat(path); err == nil {
			return true
		}
		switch strings.ToLower(filepath.Ext(path)) {
		case ".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".tif", ".tiff", ".heic", ".txt":
			return true
		}
		return false
	}
	return false
}

// isAnswerTo reports whether text is an answer token made for offer.
func isAnswerTo(text string, offer sdpcompact.Description) bool {
	if !sdpcompact.LooksLikeToken(text) {
		return false
	}
	d, err := sdpcompact.Decode(text)
	return err == nil && d.Type == sdpcompact.Answer && sdpcompact.CheckAnswer(text, offer) == nil
}

// oneScanNote is what the answering person reads under the instructions
// when the offer accepts one-scan answers (and this side makes one): the
// other side may connect without this answer. It is "" otherwise.
func (s *session) oneScanNote(offer sdpcompact.Description) string {
	if s.f.noOneScan {
		return ""
	}
	if ses, err := sdpcompact.Parse(offer.SDP); err == nil && ses.OneScan {
		return " The other side may connect without it, from this computer's first connectivity check: bring it over only if it does not."
	}
	return ""
}

// answeredError explains ErrAnswered on the answer side: the offer side
// took another answer.
func (s *session) answeredError(what string, err error) error {
	return failf(exitNoConnect, "someone else who had the offer answered it first; ask for a new offer", "qrtc: %s: %w", what, err)
}
