package main

import (
	"fmt"
	"io"
	"os"
	"regexp"
	"syscall"
	"testing"
	"unsafe"

	"github.com/qrtc/qrtc/internal/netns"
)

// openPTY opens a pseudo-terminal pair: the test writes what a person types
// into master; the process reads it from the terminal end.
func openPTY(t *testing.T) (master, terminal *os.File) {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		netns.SkipUnlessRequired(t, fmt.Errorf("no pseudo-terminals here (opening /dev/ptmx: %w)", err))
	}
	t.Cleanup(func() { master.Close() })
	unlock := int32(0)
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, master.Fd(), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); errno != 0 {
		t.Fatalf("unlocking the pseudo-terminal: %v", errno)
	}
	var n uint32
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, master.Fd(), syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n))); errno != 0 {
		t.Fatalf("asking for the pseudo-terminal's number: %v", errno)
	}
	terminal, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatalf("opening /dev/pts/%d: %v", n, err)
	}
	t.Cleanup(func() { terminal.Close() })
	// The terminal echoes what is typed; nobody needs to see it.
	go io.Copy(io.Discard, master)
	return master, terminal
}

// TestInteractivePrompt types at a terminal: a bad answer is explained and
// asked for again without losing the session, a wrapped token is completed
// over several lines, and Ctrl-D ends the session.
func TestInteractivePrompt(t *testing.T) {
	t.Parallel()
	master, terminal := openPTY(t)
	offerer := startProc(t, "offer", nil, terminal, master, sessionCmd("offer")...)
	offerTok := offerer.token()

	offerer.write("hello there\n")
	offerer.waitStderr(regexp.MustCompile(`^qrtc: neither a token nor the path of an image: "hello there"`))
	offerer.write(offerTok + "\n")
	offerer.waitStderr(regexp.MustCompile(`^qrtc: wrong kind of token: this is an offer, not an answer`))

	answerer := startQRTC(t, "answer", nil, sessionCmd("answer", offerTok)...)
	answerTok := answerer.token()
	offerer.write(answerTok[:50] + "\n")
	offerer.waitStderr(regexp.MustCompile(`looks incomplete`))
	offerer.write(answerTok[50:] + "\n")
	wantSamePhrase(t, offerer, answerer)
	offerer.waitStderr(regexp.MustCompile(`Type lines to send them`)) // the chat reads the terminal now
	offerer.write("typed at a terminal\n")
	answerer.waitStdout("typed at a terminal")
	offerer.write("\x04") // Ctrl-D at the start of a line: end of input
	offerer.waitStderr(regexp.MustCompile(`You have finished sending; the other side is told`))
	answerer.closeStdin()
	offerer.wantExit(0)
	answerer.wantExit(0)
}
