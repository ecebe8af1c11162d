package main

import (
	"context"

	"github.com/qrtc/qrtc/sdpcompact"
)

// awaitAnswer reads the answer at the prompt while the peer may take it
// from the answerer's first connectivity check (one-scan, package
// onescan), whichever comes first. oneScan tells which.
func (s *session) awaitAnswer(offer sdpcompact.Description, tr *tokenReader, prompt string, check func(string, sdpcompact.Description) error) (answer sdpcompact.Description, oneScan bool, err error) {
	ctx, cancel := context.WithCancel(s.waitCtx)
	defer cancel()
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
	for {
		select {
		case r := <-got:
			return r.d, false, r.err
		case <-s.p.OneScanAnswered():
			cancel()
			<-got // the reader stops reading lines before the chat does
			s.st.say("The answer came inside the other side's first connectivity check: nothing to scan or paste back.")
			s.skipLine = func(text string) bool { return isAnswerTo(text, offer) }
			return sdpcompact.Description{}, true, nil
		case <-ctx.Done():
			return sdpcompact.Description{}, false, ctx.Err()
		}
	}
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
