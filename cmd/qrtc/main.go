package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync/atomic"
	"syscall"
)

// command is one subcommand of qrtc: a row of the commands table.
type command struct {
	name    string // the word after "qrtc"
	summary string // one line for "qrtc --help"
	help    string // the full help: synopsis, description and an example
	run     func(ctx context.Context, st *stdio, args []string) error
}

// commands is the dispatch table. A new subcommand lives in its own file and
// adds one line here.
var commands = []command{
	{"offer", "start a session: show an offer, then read the other side's answer", offerHelp, runOffer},
	{"answer", "join a session: read an offer, show the answer", answerHelp, runAnswer},
	{"send", "send files and folders: show an offer (or answer one with --to)", sendHelp, runSend},
	{"receive", "receive files and folders: answer a sender's offer (or make one)", receiveHelp, runReceive},
	{"encode", "turn an SDP (or its JSON form) into a token", encodeHelp, runEncode},
	{"decode", "turn a token (or a photo of its QR code) into JSON SDP", decodeHelp, runDecode},
	{"scan", "print the text of the QR code in each image", scanHelp, runScan},
	{"qr", "draw any text as a QR code", qrHelp, runQR},
	{"relay", "run a STUN and TURN server that relays for peers behind NATs", relayHelp, runRelay},
	{"web", "serve the qrtc page (camera scanning in a browser) or write it as one file", webHelp, runWeb},
	{"version", "print the version of qrtc (also: qrtc --version)", versionHelp, runVersion},
	{"completion", "print a shell completion script (bash, zsh or fish)", completionHelp, runCompletion},
	{"man", "print the manual page (man -l)", manHelp, runMan},
}

func main() {
	ctx, cancel := context.WithCancelCause(context.Background())
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	// A closed stdout pipe gives EPIPE, which qrtc reports (exit code 1),
	// instead of a silent death by SIGPIPE.
	signal.Ignore(syscall.SIGPIPE)
	var terminated atomic.Bool
	go func() {
		// Exits with the process.
		sig := <-signals
		name := "SIGTERM"
		if sig == os.Interrupt {
			name = "Ctrl-C (SIGINT)"
		} else {
			terminated.Store(true)
		}
		cancel(fmt.Errorf("%w by %s", errInterrupted, name))
		signal.Stop(signals) // a second Ctrl-C kills at once
	}()
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	code := report(err, os.Stderr)
	if code == exitInterrupted && terminated.Load() {
		code = exitTerminated
	}
	os.Exit(code)
}

// report prints err on stderr for people (the cause, then what to do),
// unless there is nothing to say, and returns the exit code for it.
func report(err error, stderr io.Writer) int {
	code := exitCode(err)
	if err != nil && code != exitOK {
		writeError(stderr, err)
	}
	return code
}

// run is qrtc without the process around it: the arguments after the program
// name, the three standard streams, and a context that is cancelled by Ctrl-C.
// Its error carries the exit code (see exitCode).
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	st := newStdio(stdin, stdout, stderr, os.Getenv)
	if len(args) == 0 {
		writeMainHelp(st.err)
		return failf(exitBadInput, "run \"qrtc offer\" on one computer and \"qrtc answer\" on the other", "qrtc: no command given")
	}
	name := args[0]
	switch name {
	case "-h", "-help", "--help", "help":
		if name == "help" && len(args) > 1 {
			if c, ok := findCommand(args[1]); ok {
				writeCommandHelp(st.out, c)
				return nil
			}
			return unknownCommand(args[1])
		}
		writeMainHelp(st.out)
		return nil
	case "-version", "--version", "-V":
		return runVersion(ctx, st, args[1:])
	}
	c, ok := findCommand(name)
	if !ok {
		return unknownCommand(name)
	}
	err := c.run(ctx, st, args[1:])
	if errors.Is(err, errHelpShown) {
		return nil
	}
	return err
}

// unknownCommand says that name is no command, and which one was meant.
func unknownCommand(name string) error {
	var names []string
	for _, c := range commands {
		names = append(names, c.name)
	}
	if strings.HasPrefix(name, "-") {
		return failf(exitBadInput, "a command comes first, then its flags: run \"qrtc --help\" for the commands", "qrtc: %s before a command", name)
	}
	if m := didYouMean(name, names); m != "" {
		return failf(exitBadInput, fmt.Sprintf("did you mean \"qrtc %s\"? Run \"qrtc --help\" for the list", m), "qrtc: unknown command %q", name)
	}
	return failf(exitBadInput, "run \"qrtc --help\" for the list of commands", "qrtc: unknown command %q", name)
}

// findCommand returns the row of the commands table called name.
func findCommand(name string) (command, bool) {
	for _, c := range commands {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}
