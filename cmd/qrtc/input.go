package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/qrtc/qrtc/qr"
	"github.com/qrtc/qrtc/sdpcompact"
)

const (
	// maxLine is the longest input line qrtc keeps; longer lines are reported
	// and skipped. No WebRTC peer we know accepts messages this long by default.
	maxLine = 1 << 20
	// maxTokenText caps the text gathered for one token over several lines.
	maxTokenText = 64 << 10
	// maxTokenLines caps the number of lines one token may be broken over.
	maxTokenLines = 200
	// maxInputFile caps the size of an image or token file qrtc reads.
	maxInputFile = 64 << 20
)

// line is one line of standard input without its line ending.
type line struct {
	text    string
	tooLong int   // when > 0 the line had this many bytes and text is empty
	err     error // io.EOF at the end of input, or the read error
}

// lineReader reads standard input in its own goroutine so that a session can
// wait for input and for the other side at the same time.
type lineReader struct {
	lines chan line
	stop  chan struct{}
}

// newLineReader starts reading r. The goroutine exits at the end of r (EOF),
// after a read error, or, once close has been called, when its next read
// returns and it would hand over a line. close cannot interrupt a read that
// is blocked on r: a goroutine waiting on a terminal or a pipe that stays
// open lives until that input ends or the process exits, which for qrtc is
// the end of the session. A line read after close is dropped.
func newLineReader(r io.Reader) *lineReader {
	lr := &lineReader{lines: make(chan line), stop: make(chan struct{})}
	go lr.loop(r)
	return lr
}

// close tells the reading goroutine to stop at its next line; it does not
// wait for it, nor wake it from a blocked read.
func (lr *lineReader) close() {
	select {
	case <-lr.stop:
	default:
		close(lr.stop)
	}
}

func (lr *lineReader) loop(r io.Reader) {
	br := bufio.NewReaderSize(r, 64<<10)
	for {
		l := readLine(br)
		select {
		case lr.lines <- l:
		case <-lr.stop:
			return
		}
		if l.err != nil {
			return
		}
	}
}

// readLine reads one line, dropping "\n" or "\r\n"; a last line without a
// line ending counts. Lines longer than maxLine are consumed and reported by
// length.
func readLine(br *bufio.Reader) line {
	var buf []byte
	n := 0
	for {
		chunk, err := br.ReadSlice('\n')
		n += len(chunk)
		if n <= maxLine+2 {
			buf = append(buf, chunk...)
		} else {
			buf = nil
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil && n == 0 {
			return line{err: err}
		}
		// A line, complete or the last one; a read error shows on the next call.
		text := bytes.TrimSuffix(buf, []byte("\n"))
		text = bytes.TrimSuffix(text, []byte("\r"))
		if n > maxLine+2 || len(text) > maxLine {
			return line{tooLong: n}
		}
		return line{text: string(text)}
	}
}

// next returns the next line, or an error when input ends or ctx is done.
func (lr *lineReader) next(ctx context.Context) (line, error) {
	select {
	case l := <-lr.lines:
		if l.err != nil {
			if errors.Is(l.err, io.EOF) {
				return l, withCode(exitBadInput, errNoInput)
			}
			return l, fmt.Errorf("qrtc: cannot read standard input: %w", l.err)
		}
		return l, nil
	case <-ctx.Done():
		return line{}, ctx.Err()
	}
}

// tokenReader reads tokens from standard input: a token on one line, a token
// broken over several lines (as mail clients wrap it), or the path of an
// image holding its QR code.
type tokenReader struct {
	lines       *lineReader
	st          *stdio
	interactive bool // say what is wrong and ask again instead of failing
}

// read asks with prompt until it gets a token that decodes and passes check.
// It returns the token text and the description it holds.
func (tr *tokenReader) read(ctx context.Context, prompt string, check func(token string, d sdpcompact.Description) error) (string, sdpcompact.Description, error) {
	for {
		tr.st.say("%s", prompt)
		token, d, err := tr.readOne(ctx)
		if err == nil {
			err = check(token, d)
		}
		if err == nil {
			return token, d, nil
		}
		if ctx.Err() != nil || errors.Is(err, errNoInput) || !tr.interactive {
			return "", sdpcompact.Description{}, err
		}
		tr.st.sayError(err)
	}
}

// readOne reads one token (or image path) from the lines.
func (tr *tokenReader) readOne(ctx context.Context) (string, sdpcompact.Description, error) {
	var first string
	for first == "" {
		l, err := tr.lines.next(ctx)
		if err != nil {
			return "", sdpcompact.Description{}, err
		}
		if l.tooLong > 0 {
			return "", sdpcompact.Description{}, withCode(exitBadInput, fmt.Errorf("qrtc: a line of %d bytes is too long for a token: paste the token or the path of an image of its QR code", l.tooLong))
		}
		first = strings.TrimSpace(l.text)
	}
	if !sdpcompact.LooksLikeToken(first) {
		return tokenFromArg(first)
	}
	text := first
	d, err := sdpcompact.Decode(text)
	for lines := 1; err != nil && incomplete(err); lines++ {
		if len(text) > maxTokenText || lines >= maxTokenLines {
			break
		}
		if tr.interactive {
			tr.st.say("(the token looks incomplete: paste the rest, or an empty line to start over)")
		}
		l, rerr := tr.lines.next(ctx)
		if rerr != nil && !errors.Is(rerr, errNoInput) {
			return "", sdpcompact.Description{}, rerr
		}
		more := strings.TrimSpace(l.text)
		if rerr != nil || l.tooLong > 0 || more == "" {
			break
		}
		if sdpcompact.LooksLikeToken(more) {
			// A new token started: the broken one is given up, the new one counts.
			text = more
			d, err = sdpcompact.Decode(text)
			continue
		}
		d2, err2 := sdpcompact.Decode(text + more)
		if errors.Is(err2, sdpcompact.ErrInvalidCharacter) {
			break // not a piece of a token: the token stays incomplete
		}
		text, d, err = text+more, d2, err2
	}
	if err != nil {
		return "", sdpcompact.Description{}, tokenError(err)
	}
	return text, d, nil
}

// incomplete reports whether a decode error may go away with more text. A
// checksum mismatch does not: tokens carry their length, so a token cut
// short is ErrTruncated and a mismatch means a misread character.
func incomplete(err error) bool {
	return errors.Is(err, sdpcompact.ErrTruncated)
}

// tokenError turns a decoding error into one line; sdpcompact's errors say
// what went wrong and what to do.
func tokenError(err error) error {
	return withCode(exitBadInput, fmt.Errorf("qrtc: bad token: %w", err))
}

// tokenFromArg resolves a command-line argument or an input line: a token,
// the path of an image holding its QR code, or the path of a text file
// holding the token (as --token-out writes it).
func tokenFromArg(arg string) (string, sdpcompact.Description, error) {
	arg = strings.TrimSpace(arg)
	if sdpcompact.LooksLikeToken(arg) {
		d, err := sdpcompact.Decode(arg)
		if err != nil {
			return "", sdpcompact.Description{}, tokenError(err)
		}
		return arg, d, nil
	}
	path := unquotePath(arg)
	token, err := tokenFromFile(path)
	if err != nil {
		return "", sdpcompact.Description{}, err
	}
	d, err := sdpcompact.Decode(token)
	if err != nil {
		return "", sdpcompact.Description{}, tokenError(err)
	}
	return token, d, nil
}

// tokenFromFile reads the text of the QR code in an image, or the token in a
// text file.
func tokenFromFile(path string) (string, error) {
	data, err := readFileCapped(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return "", withCode(exitBadInput, fmt.Errorf("%w: %q: paste the whole token (it starts with QRTC) or give the path of a photo of the QR code", errNotTokenOrImage, path))
		}
		return "", withCode(exitBadInput, err)
	}
	if text := strings.TrimSpace(string(data)); sdpcompact.LooksLikeToken(text) {
		return text, nil
	}
	text, err := qr.DecodeBytes(data)
	if err != nil {
		if errors.Is(err, qr.ErrNoCode) {
			return "", withCode(exitBadInput, fmt.Errorf("qrtc: no QR code found in %q: take a sharper photo with the whole code in view, or paste the token instead", path))
		}
		return "", withCode(exitBadInput, fmt.Errorf("qrtc: cannot read %q as an image: %w; give a PNG or JPEG photo of the QR code, or paste the token", path, err))
	}
	return strings.TrimSpace(text), nil
}

// readFileCapped reads a regular file of at most maxInputFile bytes.
func readFileCapped(path string) ([]byte, error) {
	// A directory, a device or a FIFO could block or never end. Checked
	// before opening too: opening a FIFO blocks until a writer comes.
	notRegular := fmt.Errorf("%w: %q is not a regular file: give the path of an image file", errNotTokenOrImage, path)
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, notRegular
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	// The path may have been replaced since: check what was opened.
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		return nil, notRegular
	}
	data, err := io.ReadAll(io.LimitReader(f, maxInputFile+1))
	if err != nil {
		return nil, fmt.Errorf("qrtc: cannot read %q: %w", path, err)
	}
	if len(data) > maxInputFile {
		return nil, fmt.Errorf("%w: %q is larger than %d MiB: give a smaller image", errTooLarge, path, maxInputFile>>20)
	}
	return data, nil
}

// unquotePath undoes what terminals add when a file is dragged onto them:
// surrounding quotes, a file:// prefix, backslash-escaped spaces.
func unquotePath(s string) string {
	if len(s) >= 2 && (s[0] == '\'' || s[0] == '"') && s[len(s)-1] == s[0] {
		s = s[1 : len(s)-1]
	}
	s = strings.TrimPrefix(s, "file://")
	if _, err := os.Stat(s); err != nil && strings.Contains(s, `\ `) {
		s = strings.ReplaceAll(s, `\ `, " ")
	}
	return s
}
