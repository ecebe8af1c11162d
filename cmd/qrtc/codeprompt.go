package main

import (
	"context"
	"io"
	"strings"

	"golang.org/x/sys/unix"
	"golang.org/x/term"

	"github.com/qrtc/qrtc/rendezvous"
)

// promptCodeLine reads one line at a terminal with golang.org/x/term's line
// editor, so that Tab completes the code word being typed (see
// completeCodeWord). ok is false when standard input cannot be put out of
// canonical mode; the caller then reads a plain line. The terminal is
// restored before it returns. Keys typed after Enter, before the session
// reads again, are dropped with the editor.
func promptCodeLine(ctx context.Context, st *stdio, lines *lineReader, prompt string) (text string, ok bool, err error) {
	f, isFd := st.in.(fder)
	if !isFd || !st.inTTY || !st.errTTY {
		return "", false, nil
	}
	fd := int(f.Fd())
	old, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return "", false, nil
	}
	edit := editorMode(*old) // as in the chat
	if err := unix.IoctlSetTermios(fd, unix.TCSETS, &edit); err != nil {
		return "", false, nil
	}
	defer unix.IoctlSetTermios(fd, unix.TCSETS, old) // best effort: the terminal as it was
	t := term.NewTerminal(struct {
		io.Reader
		io.Writer
	}{lines, st.err}, prompt)
	if w, h, err := term.GetSize(fd); err == nil && w > 0 && h > 0 {
		_ = t.SetSize(w, h) // a wrong size only misplaces a long line
	}
	t.AutoCompleteCallback = completeCodeWord
	type result struct {
		text string
		err  error
	}
	done := make(chan result, 1)
	go func() {
		// Returns with the line, or at the end of input; after Ctrl-C the
		// process ends with it still waiting on the terminal.
		l, err := t.ReadLine()
		done <- result{l, err}
	}()
	select {
	case r := <-done:
		return r.text, true, r.err
	case <-ctx.Done():
		return "", true, ctx.Err()
	}
}

// completeCodeWord is the editor's Tab key at the code prompt: it completes
// the word before the cursor to the one code word it starts, or to the
// longest start that all the words it may be share. Other keys, and words
// that match none, are left to the editor.
func completeCodeWord(line string, pos int, key rune) (string, int, bool) {
	if key != '\t' {
		return "", 0, false
	}
	start := strings.LastIndexAny(line[:pos], "- .,") + 1
	prefix := strings.ToLower(line[start:pos])
	if prefix == "" || start == 0 { // the number comes first: nothing to complete
		return "", 0, false
	}
	words := rendezvous.Completions(prefix)
	if len(words) == 0 {
		return "", 0, false
	}
	common := words[0]
	for _, w := range words[1:] {
		for !strings.HasPrefix(w, common) {
			common = common[:len(common)-1]
		}
	}
	return line[:start] + common + line[pos:], start + len(common), true
}
