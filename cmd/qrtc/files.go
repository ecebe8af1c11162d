package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/qrtc/qrtc/peer"
	"github.com/qrtc/qrtc/stream"
	"github.com/qrtc/qrtc/transfer"
)

// What qrtc send and qrtc receive share: the channel adapter, the progress
// display, the summary and the exit codes of a transfer.

// filesShutdown bounds the goodbye after a transfer: the protocol has
// already decided what was delivered.
const filesShutdown = 10 * time.Second

// peerConn carries a transfer over the session's data channel as binary
// messages.
type peerConn struct{ p *peer.Peer }

func (c peerConn) Send(ctx context.Context, msg []byte) error { return c.p.SendBinary(ctx, msg) }

func (c peerConn) Receive(ctx context.Context) ([]byte, error) {
	m, err := c.p.ReceiveMessage(ctx)
	if err != nil {
		return nil, err
	}
	if !m.Binary {
		return nil, fmt.Errorf("%w: the other side sent a text message: is it \"qrtc offer\" or \"qrtc answer\" (a chat) instead of qrtc send or qrtc receive?", transfer.ErrProtocol)
	}
	return m.Data, nil
}

// notAChat fails at once when the offer came from "qrtc offer", whose
// channel announces package stream: a chat, which sends no files and
// waits for none. there is what the other side should run instead.
func (s *session) notAChat(there string) error {
	if s.p.Protocol() != stream.Protocol {
		return nil
	}
	return failf(exitBadInput, fmt.Sprintf("run %s there instead (or qrtc answer here, to chat)", there), "qrtc: the other side runs \"qrtc offer\", a chat, which sends and takes no files")
}

// notFiles fails at once when a chat answers an offer of qrtc send or qrtc
// receive (its channel announces transfer.Protocol): the chat would wait
// for lines, the other side for files.
func (s *session) notFiles() error {
	if !s.answering || !strings.HasPrefix(s.p.Protocol(), transfer.ProtocolName+"/") {
		return nil
	}
	return failf(exitBadInput, "answer it with qrtc receive OFFER when the other side runs qrtc send, or with qrtc send --to OFFER PATH... when it runs qrtc receive", "qrtc: the other side runs \"qrtc send\" or \"qrtc receive\", which move files, not a chat")
}

// chunkSize is the DATA size for the other side's max-message-size.
func chunkSize(p *peer.Peer) int {
	n := transfer.DefaultChunkSize
	if limit := p.MaxMessageSize() - 32; limit > 0 && limit < n {
		n = limit
	}
	return n
}

// progressView draws a transfer's progress on stderr: on a terminal two
// lines (the file in flight and the whole) redrawn in place at most ten
// times a second; elsewhere a plain line at each quarter.
type progressView struct {
	st      *stdio
	verb    string // "sent" or "received"
	start   time.Time
	first   int64 // Done at the first report: what was already there
	started bool
	last    time.Time
	drawn   int // lines drawn on the terminal
	quarter int64
	latest  transfer.Progress
}

func newProgressView(st *stdio, verb string) *progressView {
	return &progressView{st: st, verb: verb}
}

// update takes one report from the transfer.
func (v *progressView) update(p transfer.Progress) {
	now := time.Now()
	if !v.started {
		v.started, v.start, v.first = true, now, p.Done
	}
	v.latest = p
	if v.st.errTTY {
		if now.Sub(v.last) >= 100*time.Millisecond || p.Done == p.Total {
			v.last = now
			v.draw(now)
		}
		return
	}
	if p.Total > 0 {
		if q := p.Done * 4 / p.Total; q > v.quarter && q < 4 {
			v.quarter = q
			v.st.say("  %s %s of %s (%d%%), %s", v.verb, formatBytes(p.Done), formatBytes(p.Total), p.Done*100/p.Total, v.rate(now))
		}
	}
}

// rate says how fast bytes move in this session.
func (v *progressView) rate(now time.Time) string {
	secs := now.Sub(v.start).Seconds()
	if secs <= 0 {
		return "-"
	}
	return formatBytes(int64(float64(v.latest.Done-v.first)/secs)) + "/s"
}

func (v *progressView) draw(now time.Time) {
	p := v.latest
	var b strings.Builder
	if v.drawn > 0 {
		fmt.Fprintf(&b, "\x1b[%dA", v.drawn)
	}
	eta := "-"
	if secs := now.Sub(v.start).Seconds(); secs > 0.5 && p.Done > v.first {
		perSec := float64(p.Done-v.first) / secs
		eta = (time.Duration(float64(p.Total-p.Done)/perSec) * time.Second).Round(time.Second).String()
	}
	fmt.Fprintf(&b, "\r\x1b[K  %s %s %s / %s\n", bar(p.FileDone, p.FileSize), shorten(messageLine(p.Name, true), 40), formatBytes(p.FileDone), formatBytes(p.FileSize))
	fmt.Fprintf(&b, "\r\x1b[K  %s all  %s / %s  %s  ETA %s\n", bar(p.Done, p.Total), formatBytes(p.Done), formatBytes(p.Total), v.rate(now), eta)
	v.drawn = 2
	fmt.Fprint(v.st.err, b.String())
}

// finish draws the last state.
func (v *progressView) finish() {
	if v.st.errTTY && v.started {
		v.draw(time.Now())
	}
}

// bar draws a 20-cell bar with the percentage.
func bar(done, total int64) string {
	const cells = 20
	n, pct := cells, int64(100)
	if total > 0 {
		n, pct = int(done*cells/total), done*100/total
	}
	return "[" + strings.Repeat("#", n) + strings.Repeat("-", cells-n) + fmt.Sprintf("] %3d%%", pct)
}

// shorten keeps the end of a long name.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return "..." + string(r[len(r)-n+3:])
}

// formatBytes writes a size with a decimal unit: 999 B, 1.2 kB, 3.4 MB, 5.6 GB.
func formatBytes(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	f, i := float64(n), 0
	for f >= unit && i < 4 {
		f /= unit
		i++
	}
	return fmt.Sprintf("%.1f %s", f, []string{"B", "kB", "MB", "GB", "TB"}[i])
}

// route says whether the connection runs through a relay.
func route(p *peer.Peer) string {
	relayed, ok := p.Relayed()
	switch {
	case !ok:
		return "route unknown"
	case relayed:
		return "relayed through TURN"
	}
	return "direct"
}

// summary prints what a transfer did, one line, and each problem.
func summary(st *stdio, verb string, rep *transfer.Report, elapsed time.Duration, how string) {
	rate := "-"
	if secs := elapsed.Seconds(); secs > 0 {
		rate = formatBytes(int64(float64(rep.Moved)/secs)) + "/s"
	}
	present := ""
	if rep.Present > 0 {
		present = fmt.Sprintf(" (%s were already there)", formatBytes(rep.Present))
	}
	st.say("%s %d of %d files, %d of %d entries, %s of %s%s in %s, %s, %s", verb, rep.DeliveredFiles, rep.Files, rep.Delivered, rep.Entries,
		formatBytes(rep.Moved), formatBytes(rep.Total), present, elapsed.Round(10*time.Millisecond), rate, how)
	for i, p := range rep.Problems {
		if i == 20 {
			st.say("  ... and %d more not delivered", len(rep.Problems)-i)
			break
		}
		st.say("  not delivered: %q: %s", p.Name, p.Reason)
	}
}

// transferError turns the end of a transfer into qrtc's error and exit
// code: nil only when everything was delivered and verified. again says
// how to get the rest.
func (s *session) transferError(rep *transfer.Report, err error, again string) error {
	if err == nil {
		return nil
	}
	counts := fmt.Sprintf("%d of %d files delivered", rep.DeliveredFiles, rep.Files)
	switch {
	case rep.Entries == 0: // the list of files never came
		counts = "nothing was delivered"
	case rep.Files == 0: // folders and links only
		counts = fmt.Sprintf("%d of %d folders and links delivered", rep.Delivered, rep.Entries)
	}
	switch {
	case s.ctx.Err() != nil:
		return failf(exitInterrupted, again, "%w: %s", s.interrupted(), counts)
	case errors.Is(err, transfer.ErrIncomplete):
		return failf(exitNoConnect, "the lines above say which and why", "qrtc: not everything was delivered: %s", counts)
	case errors.Is(err, transfer.ErrDeclined):
		return failf(exitNoConnect, "if that was not meant, run both sides again", "qrtc: %s; nothing was transferred", strings.TrimPrefix(err.Error(), "transfer: "))
	case errors.Is(err, peer.ErrPeerGone), errors.Is(err, peer.ErrClosed):
		return failf(exitNoConnect, again, "%w before the transfer ended: %s", errPeerVanished, counts)
	case errors.Is(err, transfer.ErrNoSpace):
		again = "free some space or receive into another folder (--out), then run both sides again with --resume"
	}
	return failf(exitNoConnect, again, "qrtc: %s; %s", strings.TrimPrefix(err.Error(), "transfer: "), counts)
}

// finishFiles ends the session after a transfer: it delivers what is
// still queued (the last acknowledgements, or the message that says why
// this side stops) and says goodbye, for at most filesShutdown.
func (s *session) finishFiles() {
	ctx, cancel := context.WithTimeout(context.Background(), filesShutdown)
	defer cancel()
	_ = s.p.Shutdown(ctx) // the transfer's outcome is decided; this only says goodbye
}
