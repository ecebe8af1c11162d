package interop

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qrtc/qrtc/internal/browser"
	"github.com/qrtc/qrtc/internal/netns"
	"github.com/qrtc/qrtc/sdpcompact"
)

// sessionTimeout bounds one browser session from launch to the last message.
const sessionTimeout = 90 * time.Second

// require skips or fails (QRTC_REQUIRE_LAB=1) without the lab, the browsers
// or the qrtc binary.
func require(t *testing.T, kinds ...browser.Kind) {
	t.Helper()
	for _, k := range kinds {
		browser.Require(t, k)
	}
	if qrtcBinary == "" {
		t.Fatal("the lab is available but TestMain did not build qrtc")
	}
}

// startBrowser serves a page in ns and opens it in a browser of the given
// kind; both are closed when the test ends, and their logs shown if it
// failed.
func startBrowser(t *testing.T, ctx context.Context, ns *netns.Namespace, kind browser.Kind, cfg browser.PageConfig, mdns bool) *browser.Page {
	t.Helper()
	page, b, err := browser.Open(ctx, ns, kind, cfg, browser.Options{MDNS: mdns})
	if err != nil {
		t.Fatalf("browser.Open(%v) in %s: %v", kind, ns.Name, err)
	}
	t.Cleanup(func() {
		if err := b.Close(); err != nil {
			t.Errorf("closing %v: %v", kind, err)
		}
		page.Close()
		if t.Failed() {
			t.Logf("%v page log: %s", kind, page.Log())
			t.Logf("%v output (end):\n%s", kind, tail(b.Output(), 2000))
		}
	})
	return page
}

// toToken turns a browser's JSON description into a token, as qrtc encode
// would.
func toToken(t *testing.T, jsonDesc string) string {
	t.Helper()
	d, err := sdpcompact.ParseDescription(jsonDesc)
	if err != nil {
		t.Fatalf("sdpcompact.ParseDescription(%s): %v", jsonDesc, err)
	}
	tok, err := sdpcompact.Encode(d)
	if err != nil {
		t.Fatalf("sdpcompact.Encode(%s): %v", jsonDesc, err)
	}
	t.Logf("%s of %d bytes of SDP -> token of %d characters", d.Type, len(d.SDP), len(tok))
	return tok
}

// fromToken turns a token into the JSON description a browser's
// setRemoteDescription takes, as qrtc decode would.
func fromToken(t *testing.T, tok string) string {
	t.Helper()
	d, err := sdpcompact.Decode(tok)
	if err != nil {
		t.Fatalf("sdpcompact.Decode(%q): %v", tok, err)
	}
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatalf("json.Marshal(decoded %q): %v", tok, err)
	}
	t.Logf("token of %d characters -> %s of %d bytes of SDP", len(tok), d.Type, len(d.SDP))
	return string(b)
}

// qrtcProcess is a running qrtc command with its standard streams.
type qrtcProcess struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	lines  chan string // stdout, line by line; closed at end of output
	stderr *syncBuffer
	exited chan struct{}
}

// startQRTC runs the qrtc binary with args inside ns. It is killed when the
// test ends if it is still running.
func startQRTC(t *testing.T, ns *netns.Namespace, args ...string) *qrtcProcess {
	t.Helper()
	cmd := ns.Command(context.Background(), qrtcBinary, args...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	q := &qrtcProcess{cmd: cmd, stdin: stdin, lines: make(chan string, 100), stderr: &syncBuffer{}, exited: make(chan struct{})}
	cmd.Stderr = q.stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start qrtc %s in %s: %v", strings.Join(args, " "), ns.Name, err)
	}
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			q.lines <- sc.Text()
		}
		close(q.lines)
		cmd.Wait()
		close(q.exited)
	}()
	t.Cleanup(func() {
		select {
		case <-q.exited:
		default:
			cmd.Process.Kill()
			<-q.exited
		}
		if t.Failed() {
			t.Logf("qrtc %s stderr:\n%s", strings.Join(args, " "), q.stderr.String())
		}
	})
	return q
}

// line waits for the next line qrtc prints on stdout.
func (q *qrtcProcess) line(ctx context.Context) (string, error) {
	select {
	case l, ok := <-q.lines:
		if !ok {
			return "", fmt.Errorf("qrtc ended its output (%v)", q.cmd.ProcessState)
		}
		return l, nil
	case <-ctx.Done():
		return "", fmt.Errorf("waiting for a line from qrtc: %w", ctx.Err())
	}
}

// writeLine writes one line to qrtc's stdin.
func (q *qrtcProcess) writeLine(t *testing.T, s string) {
	t.Helper()
	if _, err := io.WriteString(q.stdin, s+"\n"); err != nil {
		t.Fatalf("writing %q to qrtc: %v", s, err)
	}
}

// finish closes qrtc's stdin and expects it to end the session and exit 0,
// and the page to see its data channel close.
func (q *qrtcProcess) finish(t *testing.T, ctx context.Context, page *browser.Page) {
	t.Helper()
	q.stdin.Close()
	select {
	case <-q.exited:
	case <-ctx.Done():
		t.Fatalf("qrtc did not exit after end of input: %v", ctx.Err())
	}
	if !q.cmd.ProcessState.Success() {
		t.Errorf("qrtc exited with %v after end of input, want exit status 0", q.cmd.ProcessState)
	}
	if err := page.WaitClosed(ctx); err != nil {
		t.Errorf("after qrtc's input ended, the page's channel did not close: %v", err)
	}
}

// chat checks a message each way between a page and qrtc.
func chat(t *testing.T, ctx context.Context, page *browser.Page, q *qrtcProcess) {
	t.Helper()
	fromBrowser := "hello from the browser, ünïcode ✓"
	if err := page.Send(ctx, fromBrowser); err != nil {
		t.Fatal(err)
	}
	if got, err := q.line(ctx); err != nil || got != fromBrowser {
		t.Fatalf("qrtc printed %q, %v; want %q", got, err, fromBrowser)
	}
	fromQRTC := "hello from qrtc, ünïcode ✓"
	q.writeLine(t, fromQRTC)
	if got, err := page.Receive(ctx); err != nil || got != fromQRTC {
		t.Fatalf("the browser received %q, %v; want %q", got, err, fromQRTC)
	}
}

// qrtcCase is one set-up of a browser against qrtc: the browser, whether it
// hides its addresses behind mDNS names, and whether the lab is dual-stack.
type qrtcCase struct {
	kind       browser.Kind
	mdns, dual bool
}

func (c qrtcCase) String() string {
	s := c.kind.String() + "-raw"
	if c.mdns {
		s = c.kind.String() + "-mdns"
	}
	if c.dual {
		s += "-dualstack"
	}
	return s
}

var qrtcCases = []qrtcCase{
	{kind: browser.Chromium, mdns: true},
	{kind: browser.Firefox, mdns: true},
	{kind: browser.Chromium, mdns: false, dual: true},
	{kind: browser.Firefox, mdns: true, dual: true},
}

// TestBrowserOffersQRTCAnswers: the browser's offer goes through a token to
// "qrtc answer", whose answer token is decoded for the browser.
func TestBrowserOffersQRTCAnswers(t *testing.T) {
	for _, tc := range qrtcCases {
		t.Run(tc.String(), func(t *testing.T) {
			t.Parallel()
			require(t, tc.kind)
			top := netns.NewTestTopology(t, netns.Config{Sides: []netns.SideConfig{{NAT: netns.Masquerade, Clients: 2}}, IPv6: tc.dual})
			ctx, cancel := context.WithTimeout(t.Context(), sessionTimeout)
			defer cancel()
			page, q := browserOffersQRTCAnswers(t, ctx, top, tc.kind, tc.mdns)
			chat(t, ctx, page, q)
			q.finish(t, ctx, page)
		})
	}
}

// browserOffersQRTCAnswers opens a page offering in the first client of the
// topology's first side, answers its offer's token with "qrtc answer" in the
// second client, hands the answer token back to the page and waits for its
// data channel to open.
func browserOffersQRTCAnswers(t *testing.T, ctx context.Context, top *netns.Topology, kind browser.Kind, mdns bool) (*browser.Page, *qrtcProcess) {
	t.Helper()
	page := startBrowser(t, ctx, top.Sides[0].Clients[0], kind, browser.PageConfig{Role: browser.Offerer}, mdns)
	offer, err := page.LocalDescription(ctx)
	if err != nil {
		t.Fatal(err)
	}
	q := startQRTC(t, top.Sides[0].Clients[1], "answer", "--stun", "none", "--no-qr", toToken(t, offer))
	answerToken, err := q.line(ctx)
	if err != nil {
		t.Fatal(err)
	}
	page.SetRemoteDescription(fromToken(t, answerToken))
	if err := page.WaitOpen(ctx); err != nil {
		t.Fatal(err)
	}
	return page, q
}

// TestQRTCOffersBrowserAnswers: "qrtc offer"'s token is decoded for the
// browser, whose answer goes through a token to qrtc's standard input.
func TestQRTCOffersBrowserAnswers(t *testing.T) {
	for _, tc := range qrtcCases {
		t.Run(tc.String(), func(t *testing.T) {
			t.Parallel()
			require(t, tc.kind)
			top := netns.NewTestTopology(t, netns.Config{Sides: []netns.SideConfig{{NAT: netns.Masquerade, Clients: 2}}, IPv6: tc.dual})
			ctx, cancel := context.WithTimeout(t.Context(), sessionTimeout)
			defer cancel()
			page, q, answer := qrtcOffersBrowserAnswers(t, ctx, top, tc.kind, tc.mdns)
			q.writeLine(t, toToken(t, answer))
			if err := page.WaitOpen(ctx); err != nil {
				t.Fatal(err)
			}
			chat(t, ctx, page, q)
			q.finish(t, ctx, page)
		})
	}
}

// qrtcOffersBrowserAnswers opens a page answering in the first client of
// the topology's first side, runs "qrtc offer" in the second, decodes its
// offer token for the page and returns the page's answer (JSON), not yet
// given to qrtc. The browser starts first: Firefox gives up on an answer
// applied more than ~7 s after it made it, so nothing slow may sit between
// its answer and qrtc reading it.
func qrtcOffersBrowserAnswers(t *testing.T, ctx context.Context, top *netns.Topology, kind browser.Kind, mdns bool) (*browser.Page, *qrtcProcess, string) {
	t.Helper()
	page := startBrowser(t, ctx, top.Sides[0].Clients[0], kind, browser.PageConfig{Role: browser.Answerer}, mdns)
	q := startQRTC(t, top.Sides[0].Clients[1], "offer", "--stun", "none", "--no-qr")
	offerToken, err := q.line(ctx)
	if err != nil {
		t.Fatal(err)
	}
	page.SetRemoteDescription(fromToken(t, offerToken))
	answer, err := page.LocalDescription(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return page, q, answer
}

// TestBrowserToBrowserThroughTokens connects Chromium and Firefox directly,
// each description carried by a token: on one LAN with mDNS host names, and
// across two masquerading routers with server-reflexive candidates from a
// STUN server in the lab.
func TestBrowserToBrowserThroughTokens(t *testing.T) {
	tests := []struct {
		offerer, answerer browser.Kind
		mdns, nat         bool
	}{
		{offerer: browser.Chromium, answerer: browser.Firefox, mdns: true},
		{offerer: browser.Firefox, answerer: browser.Chromium, mdns: true},
		{offerer: browser.Chromium, answerer: browser.Firefox, mdns: false, nat: true},
		{offerer: browser.Firefox, answerer: browser.Chromium, mdns: true, nat: true},
	}
	for _, tc := range tests {
		name := fmt.Sprintf("%v-offers-%v-answers", tc.offerer, tc.answerer)
		if tc.mdns {
			name += "-mdns"
		} else {
			name += "-raw"
		}
		if tc.nat {
			name += "-srflx"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			require(t, tc.offerer, tc.answerer)
			cfg := netns.Config{Sides: []netns.SideConfig{{NAT: netns.Masquerade, Clients: 2}}}
			if tc.nat {
				cfg = netns.Config{Sides: []netns.SideConfig{{NAT: netns.Masquerade}, {NAT: netns.Masquerade}}}
			}
			top := netns.NewTestTopology(t, cfg)
			ctx, cancel := context.WithTimeout(t.Context(), sessionTimeout)
			defer cancel()
			offNS, ansNS := top.Sides[0].Clients[0], top.Sides[0].Clients[len(top.Sides[0].Clients)-1]
			var ice []string
			if tc.nat {
				ansNS = top.Sides[1].Clients[0]
				stun, err := top.Public.StartSTUN(3478)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { stun.Close() })
				ice = []string{stun.URL()}
			}
			off := startBrowser(t, ctx, offNS, tc.offerer, browser.PageConfig{Role: browser.Offerer, ICEServers: ice}, tc.mdns)
			ans := startBrowser(t, ctx, ansNS, tc.answerer, browser.PageConfig{Role: browser.Answerer, ICEServers: ice}, tc.mdns)
			offer, err := off.LocalDescription(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if tc.nat && !strings.Contains(offer, " typ srflx ") {
				t.Fatalf("offer behind NAT with STUN has no srflx candidate: %s", offer)
			}
			ans.SetRemoteDescription(fromToken(t, toToken(t, offer)))
			answer, err := ans.LocalDescription(ctx)
			if err != nil {
				t.Fatal(err)
			}
			off.SetRemoteDescription(fromToken(t, toToken(t, answer)))
			for _, p := range []*browser.Page{off, ans} {
				if err := p.WaitOpen(ctx); err != nil {
					t.Fatal(err)
				}
			}
			for i, pair := range [][2]*browser.Page{{off, ans}, {ans, off}} {
				msg := fmt.Sprintf("message %d ✓", i)
				if err := pair[0].Send(ctx, msg); err != nil {
					t.Fatal(err)
				}
				if got, err := pair[1].Receive(ctx); err != nil || got != msg {
					t.Fatalf("received %q, %v; want %q", got, err, msg)
				}
			}
		})
	}
}

// syncBuffer is a bytes.Buffer safe for one writer and concurrent readers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "..." + s[len(s)-n:]
}
