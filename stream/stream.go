package stream

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// Defaults applied to zero Config fields.
const (
	// DefaultMaxMessageSize is the other side's message size limit assumed
	// when Config.MaxMessageSize is zero: 65536, what RFC 8841 section 6
	// says a peer that announces none accepts.
	DefaultMaxMessageSize = 64 << 10

	// DefaultHelloWait is how long an offerer waits for the answerer's
	// HELLO before it takes the other side for a plain peer.
	DefaultHelloWait = 5 * time.Second
)

// maxChunk caps the data of one DATA message, whatever the other side
// accepts: larger messages gain no throughput and hold more memory.
const maxChunk = 64<<10 - 1

// Message is one message of the data channel under a Stream.
type Message struct {
	// Data is the message's content.
	Data []byte
	// Binary is true for a binary message, false for a text message.
	Binary bool
}

// Conn is the data channel a Stream runs on: reliable and ordered, with
// text and binary messages. *peer.Peer provides it through a two-line
// adapter (its ReceiveMessage returns a peer.Message, which converts to a
// Message).
type Conn interface {
	// Send sends one text message.
	Send(ctx context.Context, msg string) error
	// SendBinary sends one binary message and does not keep msg.
	SendBinary(ctx context.Context, msg []byte) error
	// ReceiveMessage returns the next message; io.EOF once the other
	// side closed the channel on purpose, another error when the
	// connection failed.
	ReceiveMessage(ctx context.Context) (Message, error)
}

// Config configures a Stream. Its zero value is an offerer that assumes the
// other side accepts 64 KiB messages.
type Config struct {
	// MaxMessageSize is the largest message the other side accepts (its
	// a=max-message-size). Zero means DefaultMaxMessageSize; at least 2.
	MaxMessageSize int

	// Answerer is true on the side that answered the offer, which learns
	// from ChannelProtocol whether the offerer speaks the protocol.
	Answerer bool

	// ChannelProtocol is the data channel's subprotocol as the offerer set
	// it (peer.Peer.Protocol); only an answerer looks at it.
	ChannelProtocol string

	// HelloWait is how long an offerer waits for the answerer's HELLO.
	// Zero means DefaultHelloWait.
	HelloWait time.Duration

	// RemoteEnded, when set, is called once when the other side ended its
	// stream (END) and all of it has been written to the output, before
	// DONE is sent: an output that holds back a last line without newline
	// can write it then. It runs on a goroutine of the Stream and must not
	// block for long.
	RemoteEnded func()
}

// Report tells how far a stream came. Lines are counted as newline bytes
// ("\n"); a last line without a newline adds bytes but no line.
type Report struct {
	// Plain is true when the other side does not speak the protocol and
	// the stream fell back to one text message per line.
	Plain bool

	// ReadBytes and ReadLines count what was read from the input.
	ReadBytes, ReadLines int64

	// DeliveredBytes and DeliveredLines count what the other side has
	// acknowledged as written to its output. In plain mode, where nothing
	// is acknowledged, they count what was handed to the connection.
	DeliveredBytes, DeliveredLines int64

	// SentAll is true when the input ended and all of it was delivered.
	SentAll bool

	// ReceivedBytes and ReceivedLines count what was written to the output.
	ReceivedBytes, ReceivedLines int64

	// ReceivedAll is true when the other side's stream ended with END and
	// all of it was written. Always false in plain mode, which has no end
	// mark.
	ReceivedAll bool

	// SkippedLines and SkippedBytes count, in plain mode, the input lines
	// that were not sent because they are longer than the other side's
	// message size limit.
	SkippedLines int
	SkippedBytes int64
}

// Stream carries a byte stream each way over one Conn, by the protocol
// described in the package documentation.
type Stream struct {
	c   Conn
	cfg Config

	negotiated bool
	plain      bool
	first      *Message // a plain peer's first message, taken while waiting for HELLO
	firstErr   error    // or the end of the connection, met while waiting

	mu       sync.Mutex
	r        Report
	sent     [2]int64 // bytes and lines handed (or being handed) to the connection
	sentEnd  bool     // END handed to the connection
	ackedAll bool     // DONE for the other side's stream handed over
	connErr  error    // the connection ended (io.EOF: the other side left)
	failure  error    // the stream cannot go on
	poke     chan struct{}
}

// New returns a Stream over c. Call Negotiate (or let Run call it), then
// Run once.
func New(c Conn, cfg Config) (*Stream, error) {
	if cfg.MaxMessageSize == 0 {
		cfg.MaxMessageSize = DefaultMaxMessageSize
	}
	if cfg.HelloWait == 0 {
		cfg.HelloWait = DefaultHelloWait
	}
	if cfg.MaxMessageSize < 2 {
		return nil, fmt.Errorf("%w: MaxMessageSize \"%d\" leaves no room for data; give the other side's limit, or 0 for the default", ErrBadConfig, cfg.MaxMessageSize)
	}
	if cfg.HelloWait < 0 {
		return nil, fmt.Errorf("%w: HelloWait %q is negative; use 0 for the default", ErrBadConfig, cfg.HelloWait)
	}
	return &Stream{c: c, cfg: cfg, poke: make(chan struct{}, 1)}, nil
}

// Negotiate finds out whether the other side speaks the protocol. An
// answerer decides from Config.ChannelProtocol and, when it does, sends its
// HELLO. An offerer waits up to Config.HelloWait for the first message: a
// HELLO means the protocol, anything else (or nothing) a plain peer, whose
// first message Run then delivers. It returns ErrVersion for a HELLO of
// another version, and ctx's error when ctx ends.
func (s *Stream) Negotiate(ctx context.Context) error {
	if s.negotiated {
		return nil
	}
	if s.cfg.Answerer {
		if s.cfg.ChannelProtocol != Protocol {
			if strings.HasPrefix(s.cfg.ChannelProtocol, "qrtc-stream/") {
				return fmt.Errorf("%w: the other side speaks %q, this side %q: run the same qrtc version on both sides", ErrVersion, s.cfg.ChannelProtocol, Protocol)
			}
			s.plain, s.negotiated = true, true
			return nil
		}
		if err := s.c.SendBinary(ctx, appendHello(nil)); err != nil {
			// The connection ended at once: Run reports it.
			s.firstErr = err
		}
		s.negotiated = true
		return nil
	}
	wctx, cancel := context.WithTimeout(ctx, s.cfg.HelloWait)
	defer cancel()
	m, err := s.c.ReceiveMessage(wctx)
	switch {
	case err != nil && ctx.Err() != nil:
		return err
	case err != nil && wctx.Err() != nil:
		s.plain = true // nothing said: a plain peer that waits for us
	case err != nil:
		s.plain, s.firstErr = true, err
	case m.Binary && len(m.Data) > 0 && m.Data[0] == typeHello:
		f, err := parse(m.Data)
		if err != nil {
			return err
		}
		if f.version != Version {
			return fmt.Errorf("%w: the other side speaks version %d, this side %d: run the same qrtc version on both sides", ErrVersion, f.version, Version)
		}
	default:
		s.plain, s.first = true, &m
	}
	s.negotiated = true
	return nil
}

// Plain reports whether the other side does not speak the protocol; it is
// known once Negotiate returned.
func (s *Stream) Plain() bool { return s.plain }

// Run copies in to the other side and what the other side sends to out,
// until both directions are finished, and reports how far each came.
//
// With a peer that speaks the protocol, the end of in sends END; Run
// returns nil when the other side has acknowledged writing all of in and
// its own stream has ended and been written to out. It returns ErrLeft when
// the other side closes the channel before that, ErrGone when the
// connection fails, ErrProtocol, ErrInput or ErrOutput; the Report then
// says what was not delivered.
//
// With a plain peer each line of in is one text message (lines longer than
// the other side accepts are skipped and counted) and each message one line
// of out; Run returns nil when in has ended, or when the other side closed
// the channel and every line read was sent, since a plain peer cannot say
// more.
//
// Run returns without waiting for a Read of in that blocks (a terminal, a
// pipe that stays open); its goroutine ends when that Read returns. The
// caller closes the connection after Run: gracefully (peer.Shutdown) when
// Run returned nil.
func (s *Stream) Run(ctx context.Context, in io.Reader, out io.Writer) (Report, error) {
	if err := s.Negotiate(ctx); err != nil {
		return s.report(), err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s.mu.Lock()
	s.r.Plain = s.plain
	if s.firstErr != nil {
		s.connErr = s.firstErr
	}
	s.mu.Unlock()
	if s.plain {
		go s.receivePlain(ctx, out)
		go s.sendPlain(ctx, in)
	} else {
		acks := make(chan struct{}, 1)
		go s.receive(ctx, out, acks)
		go s.acknowledge(ctx, acks)
		go s.send(ctx, in)
	}
	for {
		s.mu.Lock()
		r, failure, connErr := s.r, s.failure, s.connErr
		done := r.SentAll && s.ackedAll
		if connErr != nil && r.SentAll && r.ReceivedAll {
			// The other side closed as this side's DONE went out (it
			// may finish the moment DONE arrives, before SendBinary
			// returned here), or left just then: either way this side's
			// stream was delivered and the other's written in full.
			done = true
		}
		if s.plain {
			done = r.SentAll || (connErr == io.EOF && r.DeliveredBytes == r.ReadBytes)
		}
		s.mu.Unlock()
		switch {
		case failure != nil:
			return r, failure
		case done:
			return r, nil
		case errors.Is(connErr, io.EOF):
			return r, ErrLeft
		case connErr != nil:
			return r, fmt.Errorf("%w: %w", ErrGone, connErr)
		}
		select {
		case <-s.poke:
		case <-ctx.Done():
			return s.report(), ctx.Err()
		}
	}
}

// report returns a copy of the report.
func (s *Stream) report() Report {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.r
}

// update changes the state under the lock and wakes Run.
func (s *Stream) update(change func()) {
	s.mu.Lock()
	change()
	s.mu.Unlock()
	select {
	case s.poke <- struct{}{}:
	default:
	}
}

// fail records why the stream cannot go on; the first reason counts.
func (s *Stream) fail(err error) {
	s.update(func() {
		if s.failure == nil {
			s.failure = err
		}
	})
}

// ended records the end of the connection, unless Run is already over.
func (s *Stream) ended(ctx context.Context, err error) {
	if ctx.Err() != nil {
		return
	}
	s.update(func() {
		if s.connErr == nil {
			s.connErr = err
		}
	})
}

// send copies in to DATA messages, then sends END.
func (s *Stream) send(ctx context.Context, in io.Reader) {
	buf := make([]byte, 1+min(s.cfg.MaxMessageSize-1, maxChunk))
	buf[0] = typeData
	for {
		n, err := in.Read(buf[1:])
		if n > 0 {
			data := buf[1 : 1+n]
			lines := int64(bytes.Count(data, []byte{'\n'}))
			// Counted as sent before it goes: its ACK may come back
			// before SendBinary returns.
			s.update(func() {
				s.r.ReadBytes += int64(n)
				s.r.ReadLines += lines
				s.sent[0] += int64(n)
				s.sent[1] += lines
			})
			if err := s.c.SendBinary(ctx, buf[:1+n]); err != nil {
				s.ended(ctx, err)
				return
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			s.fail(fmt.Errorf("%w: %w", ErrInput, err))
			return
		}
	}
	// Marked as sent before it goes: DONE may come back before
	// SendBinary returns.
	s.mu.Lock()
	end := appendCounts(nil, typeEnd, uint64(s.sent[0]), uint64(s.sent[1]))
	s.sentEnd = true
	s.mu.Unlock()
	if err := s.c.SendBinary(ctx, end); err != nil {
		s.ended(ctx, err)
	}
}

// flusher is an output that buffers: Run flushes it before it acknowledges.
type flusher interface{ Flush() error }

// receive writes DATA to out and takes the other side's END, ACKs and
// DONE.
func (s *Stream) receive(ctx context.Context, out io.Writer, acks chan<- struct{}) {
	wake := func() {
		select {
		case acks <- struct{}{}:
		default:
		}
	}
	for {
		m, err := s.c.ReceiveMessage(ctx)
		if err != nil {
			s.ended(ctx, err)
			return
		}
		if !m.Binary {
			s.fail(fmt.Errorf("%w: a text message of %d bytes in the middle of a qrtc stream", ErrProtocol, len(m.Data)))
			return
		}
		f, err := parse(m.Data)
		if err != nil {
			s.fail(err)
			return
		}
		s.mu.Lock()
		r := s.r
		s.mu.Unlock()
		switch f.kind {
		case typeHello:
			s.fail(fmt.Errorf("%w: a HELLO in the middle of the stream", ErrProtocol))
			return
		case typeData:
			if r.ReceivedAll {
				s.fail(fmt.Errorf("%w: %d bytes of DATA after END", ErrProtocol, len(f.data)))
				return
			}
			if err := write(out, f.data); err != nil {
				s.fail(err)
				return
			}
			lines := int64(bytes.Count(f.data, []byte{'\n'}))
			s.update(func() { s.r.ReceivedBytes += int64(len(f.data)); s.r.ReceivedLines += lines })
			wake()
		case typeEnd:
			if r.ReceivedAll {
				s.fail(fmt.Errorf("%w: a second END", ErrProtocol))
				return
			}
			if int64(f.bytes) != r.ReceivedBytes || int64(f.lines) != r.ReceivedLines {
				s.fail(fmt.Errorf("%w: the other side sent %d bytes in %d lines, but %d bytes in %d lines arrived", ErrProtocol, f.bytes, f.lines, r.ReceivedBytes, r.ReceivedLines))
				return
			}
			if s.cfg.RemoteEnded != nil {
				s.cfg.RemoteEnded()
			}
			s.update(func() { s.r.ReceivedAll = true })
			wake()
		case typeAck, typeDone:
			s.mu.Lock()
			sent, sentEnd, delivered := s.sent, s.sentEnd, s.r.DeliveredBytes
			s.mu.Unlock()
			switch {
			case int64(f.bytes) < delivered || int64(f.bytes) > sent[0] || int64(f.lines) > sent[1]:
				s.fail(fmt.Errorf("%w: the other side acknowledged %d bytes and %d lines, but %d bytes in %d lines were sent", ErrProtocol, f.bytes, f.lines, sent[0], sent[1]))
				return
			case f.kind == typeDone && (!sentEnd || int64(f.bytes) != sent[0] || int64(f.lines) != sent[1]):
				s.fail(fmt.Errorf("%w: DONE for %d bytes and %d lines, but this side sent %d bytes in %d lines (END sent: %v)", ErrProtocol, f.bytes, f.lines, sent[0], sent[1], sentEnd))
				return
			}
			s.update(func() {
				s.r.DeliveredBytes, s.r.DeliveredLines = int64(f.bytes), int64(f.lines)
				s.r.SentAll = s.r.SentAll || f.kind == typeDone
			})
		}
		// Types from typeOptional on are extensions: ignored.
	}
}

// write writes data to out and flushes it.
func write(out io.Writer, data []byte) error {
	if _, err := out.Write(data); err != nil {
		return fmt.Errorf("%w: %w", ErrOutput, err)
	}
	if f, ok := out.(flusher); ok {
		if err := f.Flush(); err != nil {
			return fmt.Errorf("%w: %w", ErrOutput, err)
		}
	}
	return nil
}

// acknowledge sends an ACK whenever more has been written, and DONE once
// END has arrived and everything is written. ACKs go out on a goroutine of their own so that receive never
// waits for room to send: two sides that both send much would otherwise
// each wait for the other to read.
func (s *Stream) acknowledge(ctx context.Context, acks <-chan struct{}) {
	last := int64(-1)
	msg := make([]byte, 0, countSize)
	for {
		select {
		case <-acks:
		case <-ctx.Done():
			return
		}
		s.mu.Lock()
		n, lines, all := s.r.ReceivedBytes, s.r.ReceivedLines, s.r.ReceivedAll
		s.mu.Unlock()
		if n == last && !all {
			continue
		}
		kind := typeAck
		if all {
			kind = typeDone
		}
		if err := s.c.SendBinary(ctx, appendCounts(msg[:0], kind, uint64(n), uint64(lines))); err != nil {
			s.ended(ctx, err)
			return
		}
		last = n
		if all {
			s.update(func() { s.ackedAll = true })
			return
		}
	}
}

// sendPlain sends each line of in as one text message.
func (s *Stream) sendPlain(ctx context.Context, in io.Reader) {
	br := bufio.NewReaderSize(in, 64<<10)
	limit := s.cfg.MaxMessageSize
	for {
		text, n, err := readLine(br, limit)
		if n == 0 && err != nil {
			if errors.Is(err, io.EOF) {
				s.update(func() { s.r.SentAll = true })
			} else {
				s.fail(fmt.Errorf("%w: %w", ErrInput, err))
			}
			return
		}
		lines := int64(0)
		if n > int64(len(text)) || err == nil {
			lines = 1
		}
		s.update(func() { s.r.ReadBytes += n; s.r.ReadLines += lines })
		if text == nil {
			s.update(func() {
				s.r.SkippedLines++
				s.r.SkippedBytes += n
				s.r.DeliveredBytes += n // accounted for: counted as skipped
				s.r.DeliveredLines += lines
			})
			continue
		}
		if err := s.c.Send(ctx, string(text)); err != nil {
			s.ended(ctx, err)
			return
		}
		s.update(func() { s.r.DeliveredBytes += n; s.r.DeliveredLines += lines })
	}
}

// readLine reads one line of at most limit bytes without its "\n" or
// "\r\n". n counts every byte read for it, line ending included. A longer
// line is consumed and returned as nil text. A last line without a line
// ending counts; err is io.EOF (with n == 0) at the end.
func readLine(br *bufio.Reader, limit int) (text []byte, n int64, err error) {
	var buf []byte
	long := false
	for {
		chunk, err := br.ReadSlice('\n')
		n += int64(len(chunk))
		if !long {
			buf = append(buf, chunk...)
			if len(bytes.TrimSuffix(bytes.TrimSuffix(buf, []byte("\n")), []byte("\r"))) > limit {
				long, buf = true, nil
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil && n == 0 {
			return nil, 0, err
		}
		if long {
			return nil, n, nil
		}
		if err == nil || errors.Is(err, io.EOF) {
			text = bytes.TrimSuffix(buf, []byte("\n"))
			text = bytes.TrimSuffix(text, []byte("\r"))
			if text == nil {
				text = []byte{}
			}
			return text, n, nil
		}
		return nil, n, err
	}
}

// receivePlain writes each message of a plain peer as one line.
func (s *Stream) receivePlain(ctx context.Context, out io.Writer) {
	if s.first != nil {
		if !s.writePlain(out, s.first.Data) {
			return
		}
		s.first = nil
	}
	for {
		m, err := s.c.ReceiveMessage(ctx)
		if err != nil {
			s.ended(ctx, err)
			return
		}
		if !s.writePlain(out, m.Data) {
			return
		}
	}
}

// writePlain writes one message of a plain peer as PlainLine does.
func (s *Stream) writePlain(out io.Writer, msg []byte) bool {
	line := PlainLine(string(msg)) + "\n"
	if err := write(out, []byte(line)); err != nil {
		s.fail(err)
		return false
	}
	s.update(func() { s.r.ReceivedBytes += int64(len(line)); s.r.ReceivedLines++ })
	return true
}

// PlainLine returns how a message of a plain peer is written: on exactly one
// line (without the final "\n"). A message without a line break (LF or CR)
// stays as it came, backslashes included, so that a line sent by a plain
// qrtc peer comes out byte for byte. A message with a line break, which
// browser pages can send, is escaped as a whole: "\" becomes "\\", LF "\n"
// and CR "\r", so that it takes one line and can be turned back into the
// original.
func PlainLine(msg string) string {
	if !strings.ContainsAny(msg, "\r\n") {
		return msg
	}
	r := strings.NewReplacer(`\`, `\\`, "\n", `\n`, "\r", `\r`)
	return r.Replace(msg)
}
