package web_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qrtc/qrtc/internal/browser"
	"github.com/qrtc/qrtc/internal/netns"
	"github.com/qrtc/qrtc/web"
)

// sessionTimeout bounds one session from launch to the last message.
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

// twoClients builds a lab with one LAN of two clients.
func twoClients(t testing.TB) (*netns.Namespace, *netns.Namespace) {
	top := netns.NewTestTopology(t, netns.Config{Sides: []netns.SideConfig{{NAT: netns.Masquerade, Clients: 2}}})
	return top.Sides[0].Clients[0], top.Sides[0].Clients[1]
}

// ownToken waits for the page to show its own code of the given kind.
func ownToken(t *testing.T, ctx context.Context, h *hook, kind string) tokenEvent {
	t.Helper()
	var tok tokenEvent
	if err := h.next(ctx, "token", &tok); err != nil {
		t.Fatal(err)
	}
	if tok.Kind != kind || !strings.HasPrefix(tok.Token, "QRTC1") {
		t.Fatalf("%s page showed %+v, want its %s token", h.name, tok, kind)
	}
	return tok
}

// phraseOf waits for the page's channel to open and returns its phrase.
func phraseOf(t *testing.T, ctx context.Context, h *hook) string {
	t.Helper()
	if err := h.next(ctx, "open", nil); err != nil {
		t.Fatal(err)
	}
	var p string
	if err := h.next(ctx, "phrase", &p); err != nil {
		t.Fatal(err)
	}
	if len(strings.Fields(p)) != 4 {
		t.Fatalf("%s page shows the phrase %q, want four words", h.name, p)
	}
	return p
}

// chatPages sends a message each way between two pages.
func chatPages(t *testing.T, ctx context.Context, a, b *hook) {
	t.Helper()
	for _, d := range []struct{ from, to *hook }{{a, b}, {b, a}} {
		msg := "hello from the " + d.from.name + " page, ünïcode ✓"
		d.from.do(map[string]any{"send": msg})
		var got string
		if err := d.to.next(ctx, "message", &got); err != nil || got != msg {
			t.Fatalf("%s page received %q, %v; want %q", d.to.name, got, err, msg)
		}
	}
}

// TestPagePairs: two pages connect in every pairing of Chromium and
// Firefox, one starting a session, the other reading its code as pasted
// text, and the first reading the answer; both show the same phrase and
// chat.
func TestPagePairs(t *testing.T) {
	kinds := []browser.Kind{browser.Chromium, browser.Firefox}
	for _, off := range kinds {
		for _, ans := range kinds {
			t.Run(off.String()+"-offers-"+ans.String()+"-answers", func(t *testing.T) {
				require(t, off, ans)
				nsA, nsB := twoClients(t)
				ctx, cancel := context.WithTimeout(t.Context(), sessionTimeout)
				defer cancel()
				a, _ := openPage(t, ctx, nsA, off, "offering", pageOptions{})
				b, _ := openPage(t, ctx, nsB, ans, "answering", pageOptions{})
				a.do(map[string]any{"click": "offer"})
				offer := ownToken(t, ctx, a, "offer")
				b.do(map[string]any{"paste": offer.Token})
				answer := ownToken(t, ctx, b, "answer")
				a.do(map[string]any{"paste": answer.Token})
				pa, pb := phraseOf(t, ctx, a), phraseOf(t, ctx, b)
				if pa != pb {
					t.Errorf("phrases %q (offering page) and %q (answering page), want the same", pa, pb)
				}
				chatPages(t, ctx, a, b)
			})
		}
	}
}

// qrtcProcess is a running qrtc command with its standard streams.
type qrtcProcess struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	lines  chan string
	stderr *syncBuffer
	exited chan struct{}
}

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
		t.Fatalf("start qrtc %s: %v", strings.Join(args, " "), err)
	}
	go func() {
		sc := bufio.NewScanner(stdout)
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
			t.Logf("qrtc %s stderr:\n%s", strings.Join(args, " "), tail(q.stderr.String(), 3000))
		}
	})
	return q
}

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

var phraseRE = regexp.MustCompile(`verification phrase: ([a-z]+ [a-z]+ [a-z]+ [a-z]+)`)

// phrase waits for qrtc to print its verification phrase on stderr.
func (q *qrtcProcess) phrase(ctx context.Context) (string, error) {
	for {
		if m := phraseRE.FindStringSubmatch(q.stderr.String()); m != nil {
			return m[1], nil
		}
		select {
		case <-q.stderr.changed():
		case <-q.exited:
			return "", fmt.Errorf("qrtc exited (%v) before it connected", q.cmd.ProcessState)
		case <-ctx.Done():
			return "", fmt.Errorf("waiting for qrtc to connect: %w", ctx.Err())
		}
	}
}

// chatCLI checks a message each way between a page and qrtc, and that both
// show the same phrase.
func chatCLI(t *testing.T, ctx context.Context, h *hook, q *qrtcProcess) {
	t.Helper()
	pp := phraseOf(t, ctx, h)
	qp, err := q.phrase(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if pp != qp {
		t.Errorf("the page shows the phrase %q, qrtc %q: want the same", pp, qp)
	}
	msg := "hello from the page, ünïcode ✓"
	h.do(map[string]any{"send": msg})
	if got, err := q.line(ctx); err != nil || got != msg {
		t.Fatalf("qrtc printed %q, %v; want %q", got, err, msg)
	}
	msg = "hello from qrtc, ünïcode ✓"
	io.WriteString(q.stdin, msg+"\n")
	var got string
	if err := h.next(ctx, "message", &got); err != nil || got != msg {
		t.Fatalf("the page received %q, %v; want %q", got, err, msg)
	}
	q.stdin.Close()
	if err := h.next(ctx, "closed", nil); err != nil {
		t.Errorf("after qrtc's input ended, the page did not show the end of the session: %v", err)
	}
	<-q.exited
	if !q.cmd.ProcessState.Success() {
		t.Errorf("qrtc exited with %v after end of input, want 0", q.cmd.ProcessState)
	}
}

// TestPageWithCLI: a page starts a session and "qrtc answer" answers it
// (the page's offer code is a link, which qrtc reads as its token), and a
// page answers "qrtc offer"; with the second code read at once.
func TestPageWithCLI(t *testing.T) {
	for _, kind := range []browser.Kind{browser.Chromium, browser.Firefox} {
		t.Run(kind.String()+"-offers", func(t *testing.T) {
			require(t, kind)
			nsA, nsB := twoClients(t)
			ctx, cancel := context.WithTimeout(t.Context(), sessionTimeout)
			defer cancel()
			h, _ := openPage(t, ctx, nsA, kind, kind.String(), pageOptions{})
			pageOffersCLIAnswers(t, ctx, h, nsB, 0)
		})
		t.Run(kind.String()+"-answers", func(t *testing.T) {
			require(t, kind)
			nsA, nsB := twoClients(t)
			ctx, cancel := context.WithTimeout(t.Context(), sessionTimeout)
			defer cancel()
			h, _ := openPage(t, ctx, nsA, kind, kind.String(), pageOptions{})
			cliOffersPageAnswers(t, ctx, h, nsB, 0)
		})
	}
}

// pageOffersCLIAnswers runs "qrtc answer" on the page's offer (given as the
// link the page's QR code holds) and hands its answer to the page after
// delay.
func pageOffersCLIAnswers(t *testing.T, ctx context.Context, h *hook, ns *netns.Namespace, delay time.Duration) {
	t.Helper()
	h.do(map[string]any{"click": "offer"})
	offer := ownToken(t, ctx, h, "offer")
	if !strings.HasPrefix(offer.QR, "https://") || !strings.HasSuffix(offer.QR, "#"+offer.Token) {
		t.Errorf("the page's offer QR code holds %q, want a link ending in #%s", offer.QR, offer.Token)
	}
	q := startQRTC(t, ns, "answer", "--stun", "none", "--no-qr", offer.QR)
	answer, err := q.line(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wait(t, ctx, delay)
	h.do(map[string]any{"paste": answer})
	chatCLI(t, ctx, h, q)
}

// qrtcOffers starts "qrtc offer --stun none --no-qr", with more args, in ns
// and returns it with its offer token.
func qrtcOffers(t *testing.T, ctx context.Context, ns *netns.Namespace, args ...string) (*qrtcProcess, string) {
	t.Helper()
	q := startQRTC(t, ns, append([]string{"offer", "--stun", "none", "--no-qr"}, args...)...)
	offer, err := q.line(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return q, offer
}

// cliOffersPageAnswers pastes "qrtc offer"'s offer into the page and hands
// the page's answer to qrtc after delay. --no-one-scan: the answer code is
// what connects (TestPageOneScan tests the page's one-scan answer).
func cliOffersPageAnswers(t *testing.T, ctx context.Context, h *hook, ns *netns.Namespace, delay time.Duration) {
	t.Helper()
	q, offer := qrtcOffers(t, ctx, ns, "--no-one-scan")
	h.do(map[string]any{"paste": offer})
	answer := ownToken(t, ctx, h, "answer")
	wait(t, ctx, delay)
	io.WriteString(q.stdin, answer.Token+"\n")
	chatCLI(t, ctx, h, q)
}

// wait waits for d, failing t if ctx ends first.
func wait(t *testing.T, ctx context.Context, d time.Duration) {
	t.Helper()
	select {
	case <-time.After(d):
	case <-ctx.Done():
		t.Fatal(ctx.Err())
	}
}

// lateDelay is how late the second code arrives in TestPageLate: past
// Chromium's early "failed" (15 s) and Firefox's answerer timer (11 s);
// with QRTC_LONG=1, minutes.
var lateDelay = func() time.Duration {
	if os.Getenv("QRTC_LONG") == "1" {
		return 3 * time.Minute
	}
	return 40 * time.Second
}()

// TestPageLate: the second code arrives lateDelay after the first was read,
// in every pairing: the page offers and qrtc answers, qrtc offers and the
// page answers (qrtc answers the browser's early checks), and page to page
// in all four pairings of Chromium and Firefox (both browsers' offerers
// answer early checks). All at once, to keep CI short.
func TestPageLate(t *testing.T) {
	type late struct {
		name       string
		page       browser.Kind
		other      browser.Kind // 0: qrtc
		pageOffers bool
	}
	for _, tc := range []late{
		{"chromium-offers-qrtc-answers", browser.Chromium, 0, true},
		{"firefox-offers-qrtc-answers", browser.Firefox, 0, true},
		{"qrtc-offers-chromium-answers", browser.Chromium, 0, false},
		{"qrtc-offers-firefox-answers", browser.Firefox, 0, false},
		{"chromium-offers-chromium-answers", browser.Chromium, browser.Chromium, true},
		{"chromium-offers-firefox-answers", browser.Chromium, browser.Firefox, true},
		{"firefox-offers-chromium-answers", browser.Firefox, browser.Chromium, true},
		{"firefox-offers-firefox-answers", browser.Firefox, browser.Firefox, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			require(t, tc.page)
			if tc.other != 0 {
				require(t, tc.other)
			}
			nsA, nsB := twoClients(t)
			// Twice sessionTimeout: eight sessions start their browsers at once.
			ctx, cancel := context.WithTimeout(t.Context(), 2*sessionTimeout+lateDelay)
			defer cancel()
			h, _ := openPage(t, ctx, nsA, tc.page, tc.page.String(), pageOptions{})
			switch {
			case tc.other != 0:
				b, _ := openPage(t, ctx, nsB, tc.other, "answering", pageOptions{})
				h.do(map[string]any{"click": "offer"})
				b.do(map[string]any{"paste": ownToken(t, ctx, h, "offer").Token})
				answer := ownToken(t, ctx, b, "answer")
				wait(t, ctx, lateDelay)
				h.do(map[string]any{"paste": answer.Token})
				if pa, pb := phraseOf(t, ctx, h), phraseOf(t, ctx, b); pa != pb {
					t.Errorf("phrases %q and %q, want the same", pa, pb)
				}
				chatPages(t, ctx, h, b)
			case tc.pageOffers:
				pageOffersCLIAnswers(t, ctx, h, nsB, lateDelay)
			default:
				cliOffersPageAnswers(t, ctx, h, nsB, lateDelay)
			}
		})
	}
}

// syncBuffer collects output safely across goroutines and tells waiters
// when it grows.
type syncBuffer struct {
	mu   sync.Mutex
	b    strings.Builder
	wake chan struct{}
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.b.Write(p)
	if s.wake != nil {
		close(s.wake)
		s.wake = nil
	}
	return len(p), nil
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func (s *syncBuffer) changed() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.wake == nil {
		s.wake = make(chan struct{})
	}
	return s.wake
}

// TestPageLink: a page opened at a link holding an offer from "qrtc offer"
// (what a phone's camera app opens) answers it at once; the single-file
// page, opened from file://, does the same.
func TestPageLink(t *testing.T) {
	file := filepath.Join(t.TempDir(), "qrtc.html")
	page, err := web.SingleFile()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, page, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		kind browser.Kind
		file string
	}{
		{"chromium-served", browser.Chromium, ""},
		{"firefox-served", browser.Firefox, ""},
		{"chromium-file", browser.Chromium, file},
		{"firefox-file", browser.Firefox, file},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require(t, tc.kind)
			nsA, nsB := twoClients(t)
			ctx, cancel := context.WithTimeout(t.Context(), sessionTimeout)
			defer cancel()
			q, offer := qrtcOffers(t, ctx, nsB)
			h, _ := openPage(t, ctx, nsA, tc.kind, tc.kind.String(), pageOptions{file: tc.file, hash: offer})
			var read struct{ Source, Type string }
			if err := h.next(ctx, "read", &read); err != nil {
				t.Fatal(err)
			}
			if read.Source != "link" || read.Type != "offer" {
				t.Errorf("the page read %+v, want an offer from the link", read)
			}
			answer := ownToken(t, ctx, h, "answer")
			io.WriteString(q.stdin, answer.Token+"\n")
			chatCLI(t, ctx, h, q)
		})
	}
}

// TestPageOffline: once loaded, the page opens again with the network cut
// (its server gone): the service worker serves its copy, the codec loads,
// and the page makes an offer.
func TestPageOffline(t *testing.T) {
	for _, kind := range []browser.Kind{browser.Chromium, browser.Firefox} {
		t.Run(kind.String(), func(t *testing.T) {
			require(t, kind)
			nsA, _ := twoClients(t)
			ctx, cancel := context.WithTimeout(t.Context(), sessionTimeout)
			defer cancel()
			h, ps := openPage(t, ctx, nsA, kind, kind.String(), pageOptions{})
			if err := h.until(ctx, "offline", "ready"); err != nil {
				t.Fatal(err)
			}
			ps.stop()
			h.do(map[string]any{"reload": true})
			var loaded struct{ MS int }
			if err := h.next(ctx, "loaded", &loaded); err != nil {
				t.Fatalf("the page did not load again with its server gone: %v", err)
			}
			t.Logf("%v: reloaded offline, codec ready %d ms after the page started", kind, loaded.MS)
			h.do(map[string]any{"click": "offer"})
			ownToken(t, ctx, h, "offer")
		})
	}
}

// TestPageInstallable: Chromium finds the served page installable as an
// app (manifest, icon, service worker: it fires beforeinstallprompt), and
// the page offers its "Install as an app" button. Firefox and Safari have
// no such event; they install from their own menus.
func TestPageInstallable(t *testing.T) {
	require(t, browser.Chromium)
	ns, _ := twoClients(t)
	ctx, cancel := context.WithTimeout(t.Context(), sessionTimeout)
	defer cancel()
	h, _ := openPage(t, ctx, ns, browser.Chromium, "chromium", pageOptions{})
	if err := h.next(ctx, "installable", nil); err != nil {
		t.Fatalf("Chromium did not find the page installable: %v", err)
	}
}

// TestPageAnswerFragment: the answer to the page's own offer, arriving as
// the page's URL fragment (a person opens the link in the same tab), makes
// the page connect.
func TestPageAnswerFragment(t *testing.T) {
	require(t, browser.Chromium)
	nsA, nsB := twoClients(t)
	ctx, cancel := context.WithTimeout(t.Context(), sessionTimeout)
	defer cancel()
	h, _ := openPage(t, ctx, nsA, browser.Chromium, "chromium", pageOptions{})
	h.do(map[string]any{"click": "offer"})
	offer := ownToken(t, ctx, h, "offer")
	q := startQRTC(t, nsB, "answer", "--stun", "none", "--no-qr", offer.Token)
	answer, err := q.line(ctx)
	if err != nil {
		t.Fatal(err)
	}
	h.do(map[string]any{"hash": answer})
	var read struct{ Source, Type string }
	if err := h.next(ctx, "read", &read); err != nil {
		t.Fatal(err)
	}
	if read.Source != "link" || read.Type != "answer" {
		t.Errorf("the page read %+v, want an answer from the link", read)
	}
	chatCLI(t, ctx, h, q)
}

// TestPageBadInput: what a person pastes by mistake gets a clear error on
// the page, and the page stays usable.
func TestPageBadInput(t *testing.T) {
	require(t, browser.Chromium)
	ns, _ := twoClients(t)
	ctx, cancel := context.WithTimeout(t.Context(), sessionTimeout)
	defer cancel()
	answer, err := os.ReadFile(filepath.Join("..", "cmd", "qrtc", "testdata", "answer.token"))
	if err != nil {
		t.Fatal(err)
	}
	h, _ := openPage(t, ctx, ns, browser.Chromium, "chromium", pageOptions{})
	for _, tc := range []struct{ paste, want string }{
		{"hello there", "not a qrtc token"},
		{strings.TrimSpace(string(answer))[:40], "truncated"},
		{strings.TrimSpace(string(answer)), "This is an answer code"},
	} {
		h.do(map[string]any{"paste": tc.paste})
		var msg string
		if err := h.next(ctx, "error", &msg); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(msg, tc.want) {
			t.Errorf("pasting %q: the page says %q, want it to mention %q", tc.paste, msg, tc.want)
		}
	}
	h.do(map[string]any{"click": "offer"})
	ownToken(t, ctx, h, "offer")
}

// TestPageFailedRecovers: Chromium reports the connection "failed" when its
// checks go unanswered for a while (here the page's network drops every UDP
// packet it sends), and still connects once they get through; the page must
// not give up on that state. qrtc offers (--no-one-scan), the page answers
// from a network that drops its packets until Chromium has said "failed";
// then the network comes back, qrtc reads the answer, and the two chat.
func TestPageFailedRecovers(t *testing.T) {
	require(t, browser.Chromium)
	nsA, nsB := twoClients(t)
	ctx, cancel := context.WithTimeout(t.Context(), 2*sessionTimeout)
	defer cancel()
	h, _ := openPage(t, ctx, nsA, browser.Chromium, "chromium", pageOptions{})
	drop := []string{"OUTPUT", "-p", "udp", "-j", "DROP"}
	if err := nsA.Run(ctx, "iptables", append([]string{"-I"}, drop...)...); err != nil {
		t.Fatalf("dropping the page's UDP packets: %v", err)
	}
	q, offer := qrtcOffers(t, ctx, nsB, "--no-one-scan")
	h.do(map[string]any{"paste": offer})
	answer := ownToken(t, ctx, h, "answer")
	if err := h.until(ctx, "connection", "failed"); err != nil {
		t.Fatalf("Chromium did not report the connection failed while its packets were dropped: %v", err)
	}
	if err := h.until(ctx, "status", "No connection yet; still trying. Keep this page open."); err != nil {
		t.Fatal(err)
	}
	if err := nsA.Run(ctx, "iptables", append([]string{"-D"}, drop...)...); err != nil {
		t.Fatalf("letting the page's packets through again: %v", err)
	}
	io.WriteString(q.stdin, answer.Token+"\n")
	chatCLI(t, ctx, h, q)
}
