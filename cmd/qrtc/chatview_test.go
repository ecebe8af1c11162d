package main

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestChatMarkColour: without NO_COLOR, the chat view marks the other
// side's lines in colour (with NO_COLOR, TestChatOnTerminals reads the
// plain "them: ").
func TestChatMarkColour(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	offerFile := filepath.Join(dir, "offer")
	offerer := startOnTerminalEnv(t, "offer", []string{"NO_COLOR=", "TERM=xterm-256color"}, sessionCmd("offer", "--token-out", offerFile)...)
	offerer.screen.wait(t, regexp.MustCompile(`Paste the answer`), 0)
	offerTok, err := os.ReadFile(offerFile)
	if err != nil {
		t.Fatal(err)
	}
	answerer := startQRTC(t, "answer", nil, sessionCmd("answer", strings.TrimSpace(string(offerTok)))...)
	offerer.typeKeys(answerer.token() + "\r")
	at := offerer.screen.wait(t, regexp.MustCompile(`Type lines to send them`), 0)
	answerer.write("in colour\n")
	offerer.screen.wait(t, regexp.MustCompile(`\x1b\[1;36mthem:\x1b\[0m in colour`), at)
	offerer.typeKeys("\x04")
	answerer.closeStdin()
	offerer.wantExit(0)
	answerer.wantExit(0)
}

// TestChatStdoutIsData: typing at a terminal with stdout going to a pipe,
// stdout holds the own token and the received lines, byte for byte: no
// mark, prompt or colour; the line editor draws on stderr.
func TestChatStdoutIsData(t *testing.T) {
	t.Parallel()
	master, terminal := openPTY(t)
	offerer := startProc(t, "offer", nil, terminal, master, sessionCmd("offer")...)
	offerTok := offerer.token()
	answerer := startQRTC(t, "answer", nil, sessionCmd("answer", offerTok)...)
	offerer.write(answerer.token() + "\n")
	offerer.waitStderr(regexp.MustCompile(`Type lines to send them`))
	lines := []string{"first line", "them: not a mark", "\tindented"}
	for _, l := range lines {
		answerer.write(l + "\n")
	}
	offerer.waitStdout(lines[len(lines)-1])
	offerer.write("typed\n")
	answerer.waitStdout("typed")
	offerer.write("\x04")
	answerer.closeStdin()
	offerer.wantExit(0)
	answerer.wantExit(0)
	if got, want := offerer.stdout.all(), append([]string{offerTok}, lines...); !slices.Equal(got, want) {
		t.Errorf("stdout of qrtc offer typed at a terminal = %q; want exactly %q", got, want)
	}
	if screen := strings.Join(offerer.stderr.all(), "\n"); !strings.Contains(screen, "you: ") {
		t.Errorf("the line editor's prompt is not on stderr:\n%s", screen)
	}
}
