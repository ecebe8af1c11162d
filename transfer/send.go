package transfer

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"
)

// SendOptions configures Send.
type SendOptions struct {
	// ChunkSize is the most file bytes in one DATA message. Zero means
	// DefaultChunkSize; keep the whole message within the other side's
	// max-message-size.
	ChunkSize int
	// Progress, when set, is called after each chunk, on Send's goroutine.
	Progress func(Progress)
	// Decided, when set, is called once the receiver has accepted, before
	// any data is sent.
	Decided func()
}

// Send offers src to the receiver at the other end of c and, once it
// accepts, sends what it wants. It returns when the receiver has
// acknowledged every entry: nil when all were delivered, ErrIncomplete
// when some were skipped or failed (the Report lists them), ErrDeclined when
// the receiver said no, or the error that cut the transfer. The Report is
// never nil.
func Send(ctx context.Context, c Conn, src *Source, opt SendOptions) (*Report, error) {
	rep, err := send(ctx, c, src, opt)
	if err != nil && ctx.Err() != nil {
		sayInterrupted(c, "the sender")
	}
	return rep, err
}

func send(ctx context.Context, c Conn, src *Source, opt SendOptions) (*Report, error) {
	rep := &Report{Entries: len(src.Entries), Files: src.Files(), Total: src.Total}
	chunk := opt.ChunkSize
	if chunk <= 0 {
		chunk = DefaultChunkSize
	}
	buf := make([]byte, 0, maxControl)
	var err error
	if buf, err = sendMsg(ctx, c, buf, hello{version: Version, entries: uint64(len(src.Entries)), total: uint64(src.Total)}); err != nil {
		return rep, err
	}
	for first := 0; first < len(src.Entries); {
		m := manifestMsg{first: uint64(first)}
		size := 1 + 2*binary.MaxVarintLen64
		for first+len(m.entries) < len(src.Entries) {
			e := src.Entries[first+len(m.entries)]
			if size+entrySize(e) > maxControl && len(m.entries) > 0 {
				break
			}
			size += entrySize(e)
			m.entries = append(m.entries, e)
		}
		if buf, err = sendMsg(ctx, c, buf, m); err != nil {
			return rep, err
		}
		first += len(m.entries)
	}

	plan, err := readPlan(ctx, c, len(src.Entries))
	if err != nil {
		return rep, err
	}
	if opt.Decided != nil {
		opt.Decided()
	}
	s := &sender{c: c, src: src, rep: rep, plan: plan, chunk: chunk, progress: opt.Progress,
		acked: make([]bool, len(src.Entries)), readerDone: make(chan struct{})}
	for i, e := range src.Entries {
		if it, ok := plan[i]; ok && it.what == planSkip {
			rep.problem(e.Name, "the receiver refused it: %s", it.reason)
			s.acked[i] = true
			continue
		}
		s.want++
	}
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go s.readAcks(rctx)

	err = s.sendFiles(ctx)
	if err == nil {
		_, err = sendMsg(ctx, c, buf, endMsg{})
	}
	if err != nil {
		return s.report(), s.why(err)
	}
	select {
	case <-s.readerDone:
		if s.readerErr != nil {
			return s.report(), s.readerErr
		}
	case <-ctx.Done():
		return s.report(), ctx.Err()
	}
	rep = s.report()
	return rep, rep.incomplete()
}

// readPlan reads the receiver's PLAN messages and DECISION.
func readPlan(ctx context.Context, c Conn, n int) (map[int]planItem, error) {
	plan := map[int]planItem{}
	for {
		msg, err := c.Receive(ctx)
		if err != nil {
			return nil, err
		}
		m, err := parse(msg)
		if err != nil {
			return nil, err
		}
		switch m := m.(type) {
		case planMsg:
			for _, it := range m.items {
				if it.index >= uint64(n) {
					return nil, fmt.Errorf("%w: a plan for entry %d of %d", ErrProtocol, it.index, n)
				}
				if _, dup := plan[int(it.index)]; dup {
					return nil, fmt.Errorf("%w: two plans for entry %d", ErrProtocol, it.index)
				}
				plan[int(it.index)] = it
			}
		case decision:
			if !m.accept {
				return nil, fmt.Errorf("%w: %s", ErrDeclined, m.reason)
			}
			return plan, nil
		case errorMsg:
			return nil, fmt.Errorf("%w: %s", ErrAborted, m.reason)
		default:
			return nil, fmt.Errorf("%w: a %T message while waiting for the receiver's decision", ErrProtocol, m)
		}
	}
}

// sender is one run of Send after the decision.
type sender struct {
	c        Conn
	src      *Source
	plan     map[int]planItem
	chunk    int
	progress func(Progress)
	want     int // entries the receiver will acknowledge
	done     int64

	mu    sync.Mutex
	rep   *Report
	acked []bool

	readerDone chan struct{} // closed when readAcks returns
	readerErr  error         // why: nil after END with every ACK
}

// report returns a copy of the report, safe from the reader.
func (s *sender) report() *Report {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := *s.rep
	r.Problems = append([]Problem(nil), s.rep.Problems...)
	return &r
}

// readAcks reads the receiver's ACKs until its END.
func (s *sender) readAcks(ctx context.Context) {
	fail := func(err error) {
		s.readerErr = err
		close(s.readerDone)
	}
	got := 0
	for {
		msg, err := s.c.Receive(ctx)
		if err != nil {
			fail(err)
			return
		}
		m, err := parse(msg)
		if err != nil {
			fail(err)
			return
		}
		switch m := m.(type) {
		case ack:
			s.mu.Lock()
			if m.index >= uint64(len(s.acked)) || s.acked[m.index] {
				s.mu.Unlock()
				fail(fmt.Errorf("%w: an unexpected ACK for entry %d", ErrProtocol, m.index))
				return
			}
			s.acked[m.index] = true
			e := s.src.Entries[m.index]
			if m.failed {
				s.rep.problem(e.Name, "%s", m.reason)
			} else {
				s.rep.Delivered++
				if e.Kind == File {
					s.rep.DeliveredFiles++
				}
			}
			s.mu.Unlock()
			got++
		case endMsg:
			if got != s.want {
				fail(fmt.Errorf("%w: the receiver ended after %d of %d acknowledgements", ErrProtocol, got, s.want))
				return
			}
			fail(nil)
			return
		case errorMsg:
			fail(fmt.Errorf("%w: %s", ErrAborted, m.reason))
			return
		default:
			fail(fmt.Errorf("%w: a %T message from the receiver during the transfer", ErrProtocol, m))
			return
		}
	}
}

// sendFiles sends every wanted file in index order.
func (s *sender) sendFiles(ctx context.Context) error {
	msg := make([]byte, 0, 1+2*binary.MaxVarintLen64+s.chunk)
	for i, e := range s.src.Entries {
		if e.Kind != File {
			continue
		}
		it, planned := s.plan[i]
		if planned && it.what == planSkip {
			continue
		}
		var err error
		msg, err = s.sendFile(ctx, msg, i, e, it, planned)
		if err != nil {
			return err
		}
		if err := s.stopped(); err != nil {
			return err // the receiver stopped early (ERROR, or it went away)
		}
	}
	return nil
}

// skipFile tells the receiver that file i will not come.
func (s *sender) skipFile(ctx context.Context, msg []byte, i int, format string, args ...any) ([]byte, error) {
	return sendMsg(ctx, s.c, msg, fileSkip{index: uint64(i), reason: fmt.Sprintf(format, args...)})
}

// sendFile sends file i: from the planned offset, or whole.
func (s *sender) sendFile(ctx context.Context, msg []byte, i int, e Entry, it planItem, planned bool) ([]byte, error) {
	f, err := os.Open(s.src.local[i])
	if err != nil {
		return s.skipFile(ctx, msg, i, "the sender cannot read it: %v", err)
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() || fi.Size() != e.Size {
		return s.skipFile(ctx, msg, i, "it changed on the sender's side after it was listed")
	}
	h := sha256.New()
	var offset int64
	if planned {
		switch it.what {
		case planResume:
			if int64(it.offset) <= e.Size {
				if _, err := io.CopyN(h, f, int64(it.offset)); err != nil {
					return s.skipFile(ctx, msg, i, "the sender cannot read it: %v", err)
				}
				if [32]byte(h.Sum(nil)) == it.hash {
					offset = int64(it.offset)
				}
			}
		case planHave:
			if _, err := io.CopyN(h, f, e.Size); err != nil {
				return s.skipFile(ctx, msg, i, "the sender cannot read it: %v", err)
			}
			if sum := [32]byte(h.Sum(nil)); sum == it.hash {
				s.addPresent(e.Size)
				s.done += e.Size
				s.report1(e, e.Size)
				return sendMsg(ctx, s.c, msg, fileEnd{index: uint64(i), hash: sum})
			}
			if !it.replace {
				return s.skipFile(ctx, msg, i, "a different file by that name exists at the receiver, which does not replace files (--overwrite)")
			}
		}
		if offset == 0 {
			h.Reset()
			if _, err := f.Seek(0, io.SeekStart); err != nil {
				return s.skipFile(ctx, msg, i, "the sender cannot read it: %v", err)
			}
		}
	}
	s.addPresent(offset)
	s.done += offset
	pos := offset
	for pos < e.Size {
		if err := s.stopped(); err != nil {
			return msg, err
		}
		n := int64(s.chunk)
		if e.Size-pos < n {
			n = e.Size - pos
		}
		msg = encode(msg[:0], dataMsg{index: uint64(i), offset: uint64(pos)})
		hdr := len(msg)
		msg = msg[:hdr+int(n)]
		if _, err := io.ReadFull(f, msg[hdr:]); err != nil {
			return s.skipFile(ctx, msg, i, "it changed on the sender's side while being sent (%v)", err)
		}
		h.Write(msg[hdr:])
		if err := s.c.Send(ctx, msg); err != nil {
			return msg, err
		}
		pos += n
		s.done += n
		s.mu.Lock()
		s.rep.Moved += n
		s.mu.Unlock()
		s.report1(e, pos)
	}
	var one [1]byte
	if n, _ := f.Read(one[:]); n > 0 {
		return s.skipFile(ctx, msg, i, "it grew on the sender's side while being sent")
	}
	if e.Size == 0 {
		s.report1(e, 0)
	}
	return sendMsg(ctx, s.c, msg, fileEnd{index: uint64(i), hash: [32]byte(h.Sum(nil))})
}

func (s *sender) addPresent(n int64) {
	s.mu.Lock()
	s.rep.Present += n
	s.mu.Unlock()
}

func (s *sender) report1(e Entry, fileDone int64) {
	if s.progress != nil {
		s.progress(Progress{Name: e.Name, FileDone: fileDone, FileSize: e.Size, Done: s.done, Total: s.src.Total})
	}
}

// why prefers the receiver's own reason (its ERROR message) to the error
// of a send that failed because the receiver stopped: the ERROR arrives
// before the channel closes, but the reader may take a moment to read it.
func (s *sender) why(err error) error {
	timer := time.NewTimer(time.Second)
	defer timer.Stop()
	select {
	case <-s.readerDone:
		if errors.Is(s.readerErr, ErrAborted) || errors.Is(s.readerErr, ErrProtocol) {
			return s.readerErr
		}
	case <-timer.C:
	}
	return err
}

// stopped returns why the receiver stopped early, or nil while it goes on.
func (s *sender) stopped() error {
	select {
	case <-s.readerDone:
	default:
		return nil
	}
	if s.readerErr == nil {
		return fmt.Errorf("%w: the receiver ended before the last file", ErrProtocol)
	}
	return s.readerErr
}
