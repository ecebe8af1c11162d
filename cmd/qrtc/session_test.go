package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// checkChat checks a connected pair: the same phrase on both sides, messages
// both ways, and that the end of both inputs ends both sessions with exit
// code 0, the offerer's input first.
func checkChat(t *testing.T, offerer, answerer *proc) {
	t.Helper()
	wantSamePhrase(t, offerer, answerer)
	offerer.write("hello from the offerer\n")
	answerer.waitStdout("hello from the offerer")
	answerer.write("hello from the answerer\n")
	offerer.waitStdout("hello from the answerer")
	offerer.write("  spaces and unicode: grüße ✓  \n")
	answerer.waitStdout("  spaces and unicode: grüße ✓  ")
	offerer.closeStdin()
	answerer.write("still talking after the offerer finished\n")
	offerer.waitStdout("still talking after the offerer finished")
	answerer.closeStdin()
	for _, p := range []*proc{offerer, answerer} {
		p.waitStderr(regexp.MustCompile(`^Session ended: everything sent was delivered`))
		p.wantExit(0)
	}
}

func TestSessionThroughTokenFiles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	offerFile, answerFile := filepath.Join(dir, "offer.txt"), filepath.Join(dir, "answer.txt")

	offerer := startQRTC(t, "offer", nil, sessionCmd("offer", "--token-out", offerFile)...)
	tok := offerer.token() // printed after the file is written
	data, err := os.ReadFile(offerFile)
	if err != nil {
		t.Fatalf("reading --token-out %s: %v", offerFile, err)
	}
	if got := strings.TrimSpace(string(data)); got != tok {
		t.Fatalf("--token-out file holds %q, stdout %q", got, tok)
	}

	answerer := startQRTC(t, "answer", nil, sessionCmd("answer", "--token-out", answerFile, strings.TrimSpace(string(data)))...)
	answerTok := answerer.token()
	data, err = os.ReadFile(answerFile)
	if err != nil {
		t.Fatalf("reading --token-out %s: %v", answerFile, err)
	}
	if got := strings.TrimSpace(string(data)); got != answerTok {
		t.Fatalf("--token-out file holds %q, stdout %q", got, answerTok)
	}
	offerer.write(string(data))
	checkChat(t, offerer, answerer)
}

func TestSessionThroughPNG(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	offerPNG, answerPNG := filepath.Join(dir, "offer.png"), filepath.Join(dir, "answer code.png")

	offerer := startQRTC(t, "offer", nil, sessionCmd("offer", "--png", offerPNG)...)
	offerer.token()
	answerer := startQRTC(t, "answer", nil, sessionCmd("answer", offerPNG, "--png", answerPNG)...)
	answerer.token()
	// The path as a terminal pastes a dragged file: quoted, with a space.
	offerer.write(fmt.Sprintf("'%s'\n", answerPNG))
	checkChat(t, offerer, answerer)
}

func TestSessionThroughWrappedText(t *testing.T) {
	t.Parallel()
	offerer := startQRTC(t, "offer", nil, sessionCmd("offer")...)
	offerTok := offerer.token()
	if len(offerTok) <= 76 {
		t.Fatalf("offer token is %d characters: too short to test wrapping", len(offerTok))
	}
	answerer := startQRTC(t, "answer", nil, sessionCmd("answer")...)
	answerer.write(wrap(offerTok, 76))
	answerTok := answerer.token()
	offerer.write(wrap(answerTok, 76))
	checkChat(t, offerer, answerer)
}

// TestSessionAnswerTwoMinutesLate gives the offerer its answer two minutes
// after the answerer made it, as a person carrying a photo back might.
func TestSessionAnswerTwoMinutesLate(t *testing.T) {
	if testing.Short() {
		t.Skip("waits two minutes; skipped with -short")
	}
	t.Parallel()
	offerer := startQRTC(t, "offer", nil, sessionCmd("offer")...)
	answerer := startQRTC(t, "answer", nil, sessionCmd("answer", offerer.token())...)
	answerTok := answerer.token()
	select {
	case <-time.After(2 * time.Minute):
	case <-answerer.exited:
		t.Fatalf("answerer exited while waiting for the offerer: %v", answerer.err)
	case <-offerer.exited:
		t.Fatalf("offerer exited while waiting for the answer: %v", offerer.err)
	}
	offerer.write(answerTok + "\n")
	checkChat(t, offerer, answerer)
}
