package stream_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qrtc/qrtc/stream"
)

// result is what one side's Run returned, with what it wrote.
type result struct {
	report stream.Report
	err    error
	out    bytes.Buffer
}

// runPair runs an offerer and an answerer that both speak the protocol,
// with the given inputs, and returns what each Run returned. The ends
// close their channel gracefully when Run returned nil, and abruptly
// (vanish) otherwise, as qrtc does.
func runPair(t *testing.T, offIn, ansIn io.Reader, cfg stream.Config) (off, ans *result) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	a, b := pipe()
	off, ans = &result{}, &result{}
	var wg sync.WaitGroup
	run := func(end *pipeEnd, cfg stream.Config, in io.Reader, res *result) {
		defer wg.Done()
		s, err := stream.New(end, cfg)
		if err != nil {
			t.Errorf("New(%+v) = %v", cfg, err)
			return
		}
		res.report, res.err = s.Run(ctx, in, &res.out)
		if res.err == nil {
			end.close(io.EOF)
		} else {
			end.close(errVanished)
		}
	}
	wg.Add(2)
	go run(a, cfg, offIn, off)
	acfg := cfg
	acfg.Answerer, acfg.ChannelProtocol = true, stream.Protocol
	go run(b, acfg, ansIn, ans)
	wg.Wait()
	return off, ans
}

// randomBytes returns n bytes of every value: NUL, CR, LF, invalid UTF-8.
func randomBytes(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 1))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// TestBothWays: both sides send bytes of every value, without a final
// newline, in messages of a small size limit; each gets the other's bytes
// unchanged and both end with nil and full reports.
func TestBothWays(t *testing.T) {
	for _, size := range []int{2, 100, 0} {
		up, down := randomBytes(300000, 1), randomBytes(123457, 2)
		off, ans := runPair(t, bytes.NewReader(up), bytes.NewReader(down), stream.Config{MaxMessageSize: size})
		for _, c := range []struct {
			name string
			res  *result
			want []byte
		}{{"offerer", off, down}, {"answerer", ans, up}} {
			if c.res.err != nil {
				t.Fatalf("max message size %d: %s's Run() = %v, want nil", size, c.name, c.res.err)
			}
			if !bytes.Equal(c.res.out.Bytes(), c.want) {
				t.Fatalf("max message size %d: %s wrote %d bytes, want the other side's %d bytes unchanged", size, c.name, c.res.out.Len(), len(c.want))
			}
			r := c.res.report
			if !r.SentAll || !r.ReceivedAll || r.Plain || r.DeliveredBytes != r.ReadBytes || r.ReceivedBytes != int64(len(c.want)) ||
				r.ReceivedLines != int64(bytes.Count(c.want, []byte{'\n'})) {
				t.Errorf("max message size %d: %s's report = %+v, want everything sent, delivered and received", size, c.name, r)
			}
		}
	}
}

// TestEmptyInputs: one side sends nothing at all (its input is empty), the
// other a few lines; both finish.
func TestEmptyInputs(t *testing.T) {
	off, ans := runPair(t, strings.NewReader(""), strings.NewReader("a\nb\n"), stream.Config{})
	if off.err != nil || ans.err != nil {
		t.Fatalf("Run() = %v (offerer), %v (answerer); want nil, nil", off.err, ans.err)
	}
	if off.out.String() != "a\nb\n" || ans.out.Len() != 0 {
		t.Fatalf("offerer wrote %q, answerer %q; want \"a\\nb\\n\" and nothing", off.out.String(), ans.out.String())
	}
}

// blockingReader gives data, then blocks until released, then ends.
type blockingReader struct {
	data    []byte
	release chan struct{}
}

func (r *blockingReader) Read(p []byte) (int, error) {
	if len(r.data) > 0 {
		n := copy(p, r.data)
		r.data = r.data[n:]
		return n, nil
	}
	<-r.release
	return 0, io.EOF
}

// TestHalfClose: the answerer's input ends at once while the offerer keeps
// sending; the answerer must keep receiving until the offerer's END, and
// both finish.
func TestHalfClose(t *testing.T) {
	data := randomBytes(1<<20, 3)
	in := &blockingReader{data: data, release: make(chan struct{})}
	remoteEnded := make(chan struct{})
	var once sync.Once
	go func() {
		time.Sleep(50 * time.Millisecond) // the answerer's END is long out by then; any order must work
		close(in.release)
	}()
	off, ans := runPair(t, in, strings.NewReader(""), stream.Config{RemoteEnded: func() { once.Do(func() { close(remoteEnded) }) }})
	if off.err != nil || ans.err != nil {
		t.Fatalf("Run() = %v (offerer), %v (answerer); want nil, nil", off.err, ans.err)
	}
	if !bytes.Equal(ans.out.Bytes(), data) {
		t.Fatalf("answerer wrote %d bytes, want the offerer's %d", ans.out.Len(), len(data))
	}
	select {
	case <-remoteEnded:
	default:
		t.Errorf("RemoteEnded was not called")
	}
}

// TestOtherSideLeaves: the answerer leaves (closes the channel) after part
// of the offerer's stream; the offerer's Run reports ErrLeft and a report
// that says what was not delivered.
func TestOtherSideLeaves(t *testing.T) {
	for _, how := range []struct {
		name string
		err  error
		want error
	}{{"left", io.EOF, stream.ErrLeft}, {"vanished", errVanished, stream.ErrGone}} {
		t.Run(how.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			a, b := pipe()
			in := &blockingReader{data: []byte("one\ntwo\nthree"), release: make(chan struct{})}
			defer close(in.release)
			s, err := stream.New(a, stream.Config{})
			if err != nil {
				t.Fatal(err)
			}
			done := make(chan struct{})
			var r stream.Report
			go func() {
				defer close(done)
				r, err = s.Run(ctx, in, io.Discard)
			}()
			// The answerer: HELLO, take the DATA, acknowledge the first line only, leave.
			b.SendBinary(ctx, []byte{1, 'q', 'r', 't', 'c', 1})
			m, rerr := b.ReceiveMessage(ctx)
			if rerr != nil || string(m.Data) != "\x02one\ntwo\nthree" {
				t.Fatalf("answerer got %q, %v; want DATA \"one\\ntwo\\nthree\"", m.Data, rerr)
			}
			b.SendBinary(ctx, []byte{4, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 1})
			time.Sleep(10 * time.Millisecond) // let the ACK arrive before the end; either order is valid
			b.close(how.err)
			<-done
			if !errors.Is(err, how.want) {
				t.Fatalf("Run() = %v, want %v", err, how.want)
			}
			if r.SentAll || r.ReadBytes != 13 || r.ReadLines != 2 || r.ReceivedAll {
				t.Errorf("report = %+v, want 13 bytes and 2 lines read, not all sent, nothing received", r)
			}
			if r.DeliveredBytes != 0 && (r.DeliveredBytes != 4 || r.DeliveredLines != 1) {
				t.Errorf("report = %+v, want 4 bytes and 1 line delivered (or none, if the end came first)", r)
			}
		})
	}
}

// TestProtocolErrors: messages a qrtc peer never sends end the stream with
// ErrProtocol, never with a panic or a silent cut.
func TestProtocolErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		msg  stream.Message
	}{
		{"text", stream.Message{Data: []byte("hi")}},
		{"empty", stream.Message{Binary: true}},
		{"unknown type", stream.Message{Data: []byte{0x05}, Binary: true}},
		{"empty data", stream.Message{Data: []byte{0x02}, Binary: true}},
		{"short end", stream.Message{Data: []byte{0x03, 0}, Binary: true}},
		{"end that miscounts", stream.Message{Data: []byte{3, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0}, Binary: true}},
		{"ack of what was never sent", stream.Message{Data: []byte{4, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0}, Binary: true}},
		{"more lines than bytes", stream.Message{Data: []byte{4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, Binary: true}},
		{"done before end", stream.Message{Data: []byte{5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, Binary: true}},
		{"second hello", stream.Message{Data: []byte{1, 'q', 'r', 't', 'c', 1}, Binary: true}},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			a, b := pipe()
			s, err := stream.New(a, stream.Config{Answerer: true, ChannelProtocol: stream.Protocol})
			if err != nil {
				t.Fatal(err)
			}
			in := &blockingReader{release: make(chan struct{})}
			defer close(in.release)
			if c.msg.Binary {
				b.SendBinary(ctx, c.msg.Data)
			} else {
				b.Send(ctx, string(c.msg.Data))
			}
			if _, err := s.Run(ctx, in, io.Discard); !errors.Is(err, stream.ErrProtocol) {
				t.Fatalf("Run() after %q = %v, want ErrProtocol", c.msg.Data, err)
			}
		})
	}
}

// TestOptionalTypesIgnored: a message of type 0x80 or above is skipped.
func TestOptionalTypesIgnored(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	a, b := pipe()
	s, err := stream.New(a, stream.Config{Answerer: true, ChannelProtocol: stream.Protocol})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range [][]byte{{0x80, 1, 2}, {0x02, 'x'}, {0xff}, {3, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}} {
		b.SendBinary(ctx, m)
	}
	go func() {
		// The other side: DONE once this side's END (of nothing) arrived.
		for {
			m, err := b.ReceiveMessage(ctx)
			if err != nil {
				return
			}
			if m.Data[0] == 3 {
				b.SendBinary(ctx, []byte{5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
			}
		}
	}()
	var out bytes.Buffer
	if _, err := s.Run(ctx, strings.NewReader(""), &out); err != nil || out.String() != "x" {
		t.Fatalf("Run() = %v, wrote %q; want nil and \"x\"", err, out.String())
	}
}

// TestPlainPeers: a side that does not speak the protocol is recognised
// and spoken to with one text message per line.
func TestPlainPeers(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	t.Run("answerer of a plain offerer", func(t *testing.T) {
		a, b := pipe()
		s, err := stream.New(a, stream.Config{Answerer: true, ChannelProtocol: "", MaxMessageSize: 10})
		if err != nil {
			t.Fatal(err)
		}
		b.Send(ctx, "multi\nline")
		var out bytes.Buffer
		r, err := s.Run(ctx, strings.NewReader("hello\r\nthis line is too long\nlast"), &out)
		if err != nil || !s.Plain() || !r.Plain {
			t.Fatalf("Run() = %+v, %v, Plain() %v; want nil in plain mode", r, err, s.Plain())
		}
		if r.SkippedLines != 1 || r.SkippedBytes != 22 {
			t.Errorf("report = %+v, want 1 line of 22 bytes skipped", r)
		}
		var got []string
		for range 2 {
			m, err := b.ReceiveMessage(ctx)
			if err != nil || m.Binary {
				t.Fatalf("plain peer received %+v, %v; want text messages", m, err)
			}
			got = append(got, string(m.Data))
		}
		if strings.Join(got, "|") != "hello|last" {
			t.Errorf("plain peer received %q, want [hello last] (no HELLO, the long line skipped)", got)
		}
	})

	t.Run("offerer of a plain answerer that speaks first", func(t *testing.T) {
		a, b := pipe()
		s, err := stream.New(a, stream.Config{})
		if err != nil {
			t.Fatal(err)
		}
		b.Send(ctx, `back\slash`)
		b.Send(ctx, "second")
		b.close(io.EOF)
		var out bytes.Buffer
		in := &blockingReader{release: make(chan struct{})}
		defer close(in.release)
		if _, err := s.Run(ctx, in, &out); err != nil || !s.Plain() || out.String() != "back\\slash\nsecond\n" {
			t.Fatalf("Run() = %v, Plain() %v, wrote %q; want nil, plain, both messages as lines", err, s.Plain(), out.String())
		}
	})

	t.Run("offerer of a silent plain answerer", func(t *testing.T) {
		a, b := pipe()
		s, err := stream.New(a, stream.Config{HelloWait: 20 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Run(ctx, strings.NewReader("hi\n"), io.Discard); err != nil || !s.Plain() {
			t.Fatalf("Run() = %v, Plain() %v; want nil and plain after HelloWait", err, s.Plain())
		}
		if m, err := b.ReceiveMessage(ctx); err != nil || m.Binary || string(m.Data) != "hi" {
			t.Fatalf("plain peer received %+v, %v; want the text message \"hi\"", m, err)
		}
	})

	t.Run("another version", func(t *testing.T) {
		a, _ := pipe()
		s, err := stream.New(a, stream.Config{Answerer: true, ChannelProtocol: "qrtc-stream/2"})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Negotiate(ctx); !errors.Is(err, stream.ErrVersion) {
			t.Fatalf("Negotiate() with the channel protocol qrtc-stream/2 = %v, want ErrVersion", err)
		}
	})
}

func TestPlainLine(t *testing.T) {
	for _, c := range []struct{ msg, want string }{
		{"plain", "plain"},
		{`back\slash`, `back\slash`},
		{"a\nb", `a\nb`},
		{"c\r\nd\\", `c\r\nd\\`},
	} {
		if got := stream.PlainLine(c.msg); got != c.want {
			t.Errorf("PlainLine(%q) = %q, want %q", c.msg, got, c.want)
		}
	}
}

func TestBadConfig(t *testing.T) {
	a, _ := pipe()
	for _, cfg := range []stream.Config{{MaxMessageSize: 1}, {HelloWait: -time.Second}} {
		if _, err := stream.New(a, cfg); !errors.Is(err, stream.ErrBadConfig) {
			t.Errorf("New(%+v) = %v, want ErrBadConfig", cfg, err)
		}
	}
}
