package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

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

// lineReader reads standard input in its own goroutine so that a session
// can wait for input and for the other side at the same time. It reads only
// when asked (next for a line, Read for bytes), so that what follows the
// token lines stays unread for the stream, and what a person types while
// the session connects stays in the terminal until the chat decides what to
// do with it.
type lineReader struct {
	reqs chan readRequest
	stop chan struct{}
	once sync.Once

	mu      sync.Mutex
	pending chan readResult // the reply to a request its caller gave up on (ctx), for the next one
}

// readRequest asks the reading goroutine for a line (n == 0), for up to n
// bytes, or (peek) for a look at what comes next without taking it.
type readRequest struct {
	n     int
	peek  bool
	reply chan readResult // buffered: a reply nobody waits for any more is dropped
}

// readResult is a line, or bytes read.
type readResult struct {
	line line
	data []byte
	err  error
}

// newLineReader starts the goroutine that reads r. It exits once close has
// been called and it is not reading. close cannot interrupt a read that is
// blocked on r: a goroutine waiting on a terminal or a pipe that stays open
// lives until that input ends or the process exits, which for qrtc is the
// end of the session.
func newLineReader(r io.Reader) *lineReader {
	lr := &lineReader{reqs: make(chan readRequest), stop: make(chan struct{})}
	go lr.loop(r)
	return lr
}

// close tells the reading goroutine to stop; it does not wait for it, nor
// wake it from a blocked read.
func (lr *lineReader) close() {
	lr.once.Do(func() { close(lr.stop) })
}

func (lr *lineReader) loop(r io.Reader) {
	br := bufio.NewReaderSize(r, 64<<10)
	for {
		var req readRequest
		select {
		case req = <-lr.reqs:
		case <-lr.stop:
			return
		}
		if req.peek {
			req.reply <- readResult{data: peekLine(br)}
			continue
		}
		if req.n == 0 {
			req.reply <- readResult{line: readLine(br)}
			continue
		}
		buf := make([]byte, req.n)
		n, err := br.Read(buf)
		req.reply <- readResult{data: buf[:n], err: err}
	}
}

// ask sends a request and waits for its result, or for ctx. A caller that
// gives up leaves the reply for the next caller, so that nothing read is
// lost: a line asked for at a prompt that another event ended is the next
// line of the chat. A line that reaches a caller that asked for bytes comes
// as the line and "\n".
func (lr *lineReader) ask(ctx context.Context, n int) (readResult, error) {
	lr.mu.Lock()
	reply := lr.pending
	lr.pending = nil
	lr.mu.Unlock()
	if reply == nil {
		req := readRequest{n: n, reply: make(chan readResult, 1)}
		select {
		case lr.reqs <- req:
		case <-lr.stop:
			return readResult{}, io.ErrClosedPipe
		case <-ctx.Done():
			return readResult{}, ctx.Err()
		}
		reply = req.reply
	}
	select {
	case res := <-reply:
		if n > 0 && res.data == nil && res.err == nil {
			l := res.line
			if l.err != nil {
				return readResult{err: l.err}, nil
			}
			res.data = []byte(l.text + "\n")
			if len(res.data) > n {
				// A caller that wants fewer bytes gets the rest next time.
				rest := make(chan readResult, 1)
				rest <- readResult{data: res.data[n:]}
				lr.mu.Lock()
				lr.pending = rest
				lr.mu.Unlock()
				res.data = res.data[:n]
			}
		}
		return res, nil
	case <-ctx.Done():
		lr.mu.Lock()
		lr.pending = reply
		lr.mu.Unlock()
		return readResult{}, ctx.Err()
	}
}

// ready returns what a request given up on has read, without waiting, or
// nil when there is none or it is still reading. The end of input (at a
// terminal, Ctrl-D) comes as byte 4.
func (lr *lineReader) ready() []byte {
	lr.mu.Lock()
	defer lr.mu.Unlock()
	if lr.pending == nil {
		return nil
	}
	select {
	case res := <-lr.pending:
		lr.pending = nil
		switch {
		case res.data != nil:
			return res.data
		case res.line.err == nil:
			return []byte(res.line.text + "\n")
		case errors.Is(res.line.err, io.EOF):
			// At a terminal, Ctrl-D: kept as the byte it was typed as.
			return []byte{4}
		}
		return nil
	default:
		return nil
	}
}

// Read reads up to len(p) bytes of what follows the lines already taken.
// It blocks until input arrives (there is no ctx: the stream reads on a
// goroutine of its own, which the end of the process ends).
func (lr *lineReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	res, err := lr.ask(context.Background(), len(p))
	if err != nil {
		return 0, err
	}
	return copy(p, res.data), res.err
}

// peekLine returns a copy of what br holds once it holds a whole line, or
// is full, or its input ended or failed, without taking anything from it.
func peekLine(br *bufio.Reader) []byte {
	for {
		b, _ := br.Peek(br.Buffered())
		if bytes.IndexByte(b, '\n') >= 0 || len(b) == br.Size() {
			return bytes.Clone(b)
		}
		if _, err := br.Peek(len(b) + 1); err != nil {
			b, _ = br.Peek(br.Buffered())
			return bytes.Clone(b)
		}
	}
}

// reading reports whether a line asked for by a caller that gave up is
// still to come (see ask): the next line is then that one, and peek cannot
// see it.
func (lr *lineReader) reading() bool {
	lr.mu.Lock()
	defer lr.mu.Unlock()
	return lr.pending != nil
}

// peek returns the start of what is still unread (at least its first line
// when that fits in 64 KiB; less only when input ended), or ctx's error.
// Nothing is taken: a peek given up on leaves the input as it was.
func (lr *lineReader) peek(ctx context.Context) ([]byte, error) {
	if lr.reading() {
		return nil, errors.New("qrtc: peek after a read given up on; this is a bug in qrtc")
	}
	req := readRequest{peek: true, reply: make(chan readResult, 1)}
	select {
	case lr.reqs <- req:
	case <-lr.stop:
		return nil, io.ErrClosedPipe
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	select {
	case res := <-req.reply:
		return res.data, nil
	case <-ctx.Done():
		return nil, ctx.Err()
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

// line returns the next line as read (its err is io.EOF at the end of
// input), or ctx's error.
func (lr *lineReader) line(ctx context.Context) (line, error) {
	res, err := lr.ask(ctx, 0)
	return res.line, err
}

// next returns the next line, or an error when input ends or ctx is done.
func (lr *lineReader) next(ctx context.Context) (line, error) {
	res, err := lr.ask(ctx, 0)
	if err != nil {
		return line{}, err
	}
	l := res.line
	if l.err != nil {
		if errors.Is(l.err, io.EOF) {
			return l, withCode(exitBadInput, errNoInput)
		}
		return l, failf(exitNoConnect, "check where standard input comes from", "qrtc: cannot read standard input: %w", l.err)
	}
	return l, nil
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
		if tr.interactive && tr.st.errTTY {
			// The cursor waits on the prompt's line; the terminal's echo
			// of Enter ends it.
			fmt.Fprint(tr.st.err, tr.st.promptLine(prompt))
		} else {
			tr.st.say("%s", prompt)
		}
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

// promptLine is prompt followed by the space the cursor waits after,
// broken at spaces to the terminal's width, so that a narrow terminal does
// not cut its words.
func (st *stdio) promptLine(prompt string) string {
	if st.size != nil {
		if w, _, ok := st.size(); ok && w > 1 && len(prompt)+1 > w {
			return wrapText(prompt, w-1) + " "
		}
	}
	return prompt + " "
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
			return "", sdpcompact.Description{}, failf(exitBadInput, "paste the token, or the path of an image of its QR code", "qrtc: a line of %d bytes is too long for a token", l.tooLong)
		}
		first = strings.TrimSpace(l.text)
	}
	if !sdpcompact.LooksLikeToken(first) {
		if !plausiblePath(first) {
			// Data, as in "qrtc offer --no-one-scan < file": said briefly,
			// not echoed whole.
			return "", sdpcompact.Description{}, failf(exitBadInput, "give the token (it starts with QRTC), or the path of a photo of its QR code, on a line of its own before any data",
				"%w: a line of %d bytes that starts with %q", errNotTokenOrImage, len(first), clip(strings.ToValidUTF8(first, "\uFFFD"), 24))
		}
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

// plausiblePath reports whether text could be a file's path: UTF-8, no
// control characters, no longer than systems allow (4,096 bytes, 255 a
// name).
func plausiblePath(text string) bool {
	if len(text) > 4096 || !utf8.ValidString(text) || strings.IndexFunc(text, unicode.IsControl) >= 0 {
		return false
	}
	for _, name := range strings.FieldsFunc(text, func(r rune) bool { return r == '/' || r == '\\' }) {
		if len(name) > 255 {
			return false
		}
	}
	return true
}

// incomplete reports whether a decode error may go away with more text. A
// checksum mismatch does not: tokens carry their length, so a token cut
// short is ErrTruncated and a mismatch means a misread character.
func incomplete(err error) bool {
	return errors.Is(err, sdpcompact.ErrTruncated)
}

// tokenError explains a decoding error; sdpcompact's errors say what went
// wrong and, after the last "; ", what to do.
func tokenError(err error) error {
	return libraryError(exitBadInput, "qrtc: bad token", "paste the whole token again, or the path of a photo of its QR code", err)
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
		return "", readError(path, err, "paste the token (it starts with QRTC)")
	}
	if text := strings.TrimSpace(string(data)); sdpcompact.LooksLikeToken(text) {
		return text, nil
	}
	text, err := qr.DecodeBytes(data)
	if err != nil {
		if errors.Is(err, qr.ErrNoCode) {
			return "", failf(exitBadInput, "take a sharper photo with the whole code in view, or paste the token instead", "qrtc: no QR code found in %s", path)
		}
		return "", libraryError(exitBadInput, fmt.Sprintf("qrtc: cannot read %s as an image", path), "give a PNG or JPEG photo of the QR code, or paste the token", err)
	}
	return strings.TrimSpace(text), nil
}

// readFileCapped reads a regular file of at most maxInputFile bytes.
func readFileCapped(path string) ([]byte, error) {
	// A directory, a device or a FIFO could block or never end. Checked
	// before opening too: opening a FIFO blocks until a writer comes.
	notRegular := failf(exitBadInput, "give the path of an image file", "%w: %s is not a regular file", errNotTokenOrImage, path)
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
		return nil, failf(exitBadInput, "copy the file again, or paste the token", "qrtc: cannot read %s: %w", path, err)
	}
	if len(data) > maxInputFile {
		return nil, failf(exitBadInput, "give a smaller image", "%w: %s is larger than %d MiB", errTooLarge, path, maxInputFile>>20)
	}
	return data, nil
}

// unquotePath undoes what terminals add when a file is dragged onto them:
// surrounding quotes, a file:// prefix, backslash-escaped spaces; and it
// expands a leading "~/" to the home directory, as a shell would.
func unquotePath(s string) string {
	if len(s) >= 2 && (s[0] == '\'' || s[0] == '"') && s[len(s)-1] == s[0] {
		s = s[1 : len(s)-1]
	}
	s = strings.TrimPrefix(s, "file://")
	if s == "~" || strings.HasPrefix(s, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			s = filepath.Join(home, s[1:])
		}
	}
	if _, err := os.Stat(s); err != nil && strings.Contains(s, `\ `) {
		s = strings.ReplaceAll(s, `\ `, " ")
	}
	return s
}

// missingFile explains an argument or input line that is neither a token
// nor an existing file: a mistyped path gets "no file named X in DIR" and
// the closest name there; other text, what a token looks like.
func missingFile(path, instead string) error {
	path = filepath.Clean(path) // "dir/missing/" is the file "missing" in dir
	base := filepath.Base(path)
	looksLikePath := strings.ContainsAny(path, "/\\") || (filepath.Ext(base) != "" && !strings.ContainsAny(base, " \t"))
	if !looksLikePath {
		return failf(exitBadInput, "paste the whole token (it starts with QRTC), or the path of a photo of its QR code", "%w: %q", errNotTokenOrImage, path)
	}
	dir := filepath.Dir(path)
	shown := dir
	if abs, err := filepath.Abs(dir); err == nil {
		shown = abs
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return failf(exitBadInput, "check the path, or "+instead, "qrtc: no file named %s: there is no directory %s", base, shown)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	todo := "check the name, or " + instead
	if m := didYouMean(base, names); m != "" {
		todo = fmt.Sprintf("did you mean %s? Or %s", filepath.Join(dir, m), instead)
	}
	return failf(exitBadInput, todo, "qrtc: no file named %s in %s", base, shown)
}

// readError explains why the file at path could not be read; instead is
// the other way to give what it should hold.
func readError(path string, err error, instead string) error {
	var ee *exitError
	switch {
	case errors.As(err, &ee):
		return err // readFileCapped's own explanation
	case errors.Is(err, os.ErrNotExist):
		return missingFile(path, instead)
	case errors.Is(err, os.ErrPermission):
		return failf(exitBadInput, "give a file you may read, or "+instead, "qrtc: no permission to read %s", path)
	}
	why := err
	var pe *os.PathError
	if errors.As(err, &pe) {
		why = pe.Err
	}
	return failf(exitBadInput, "check the path, or "+instead, "qrtc: cannot read %s: %v", path, why)
}
