package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/qrtc/qrtc/transfer"
)

// runReceive is "qrtc receive [TOKEN|IMAGE]": answer a sender's offer (or
// make the offer, without an argument), show what comes, ask, and write it.
func runReceive(ctx context.Context, st *stdio, args []string) error {
	fs := newFlagSet("receive")
	var f sessionFlags
	f.register(fs)
	yes := fs.Bool("yes", false, "accept without asking")
	out := fs.String("out", ".", "receive into `DIR`, an existing folder")
	overwrite := fs.Bool("overwrite", false, "replace existing files of the same name")
	resume := fs.Bool("resume", false, "continue an interrupted transfer: keep what arrived (checked by SHA-256) and receive the rest")
	pos, err := parseFlags(st, fs, receiveHelp, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return failf(exitBadInput, "give one offer token or image path from qrtc send, or none to make the offer", "qrtc receive: too many arguments (%d)", len(pos))
	}
	if fi, err := os.Stat(*out); err != nil || !fi.IsDir() {
		return failf(exitBadInput, "create the folder first, or give another with --out", "qrtc receive: --out %q is not an existing folder", *out)
	}
	cfg, err := f.peerConfig(st)
	if err != nil {
		return err
	}
	var s *session
	if len(pos) == 1 {
		s, err = startAnswer(ctx, st, &f, pos, "Show this to the other side; they paste it (or the path of a photo of the code) into their qrtc send")
		if err != nil {
			return err
		}
	} else {
		cfg.Protocol = transfer.Protocol // a chat that answers says so at once
		if s, err = newSession(ctx, st, &f, cfg); err != nil {
			return err
		}
		if err := s.offerAndAccept("On the other computer, run qrtc send --to TOKEN followed by the files to send, or qrtc send --to PHOTO PATH... with a photo of this code."); err != nil {
			s.close()
			return err
		}
	}
	defer s.close()
	if err := s.connect(); err != nil {
		return err
	}
	if err := s.notAChat("qrtc send PATH..."); err != nil {
		return err
	}
	st.say("Waiting for the other side's list of files...")
	view := newProgressView(st, "received")
	var start time.Time
	dir, _ := filepath.Abs(*out)
	rep, err := transfer.Receive(s.ctx, peerConn{s.p}, transfer.ReceiveOptions{
		Dir:       *out,
		Overwrite: *overwrite,
		Resume:    *resume,
		Progress:  view.update,
		Decide: func(ctx context.Context, o *transfer.Offer) (bool, error) {
			describeOffer(st, o, dir)
			ok, err := s.ask(ctx, *yes)
			if ok {
				start = time.Now()
			}
			return ok, err
		},
	})
	view.finish()
	if !start.IsZero() {
		summary(st, "received", rep, time.Since(start), route(s.p))
	}
	s.finishFiles()
	return s.transferError(rep, err, "what arrived is kept: run both sides again, this one with --resume, to receive the rest")
}

// describeOffer shows what the sender offers: counts, the top-level names,
// and what the checks refused.
func describeOffer(st *stdio, o *transfer.Offer, dir string) {
	st.say("The other side offers %s, %s in all (%s with folders and links):", count(int64(o.Files), "file"), formatBytes(o.Total), count(int64(len(o.Entries)), "entry"))
	type group struct {
		files int
		bytes int64
		dir   bool
	}
	groups := map[string]*group{}
	var order []string
	refused := map[string]bool{}
	for _, p := range o.Refused {
		refused[p.Name] = true
	}
	for _, e := range o.Entries {
		if refused[e.Name] {
			continue // listed below, with the reason
		}
		top, _, nested := strings.Cut(e.Name, "/")
		g := groups[top]
		if g == nil {
			g = &group{}
			groups[top] = g
			order = append(order, top)
		}
		g.dir = g.dir || nested || e.Kind == transfer.Folder
		if e.Kind == transfer.File {
			g.files++
			g.bytes += e.Size
		}
	}
	sort.Strings(order)
	for i, name := range order {
		if i == 10 {
			st.say("  ... and %d more", len(order)-i)
			break
		}
		g := groups[name]
		if g.dir {
			st.say("  %s/ (%s, %s)", messageLine(name, true), count(int64(g.files), "file"), formatBytes(g.bytes))
		} else {
			st.say("  %s (%s)", messageLine(name, true), formatBytes(g.bytes))
		}
	}
	for i, p := range o.Refused {
		if i == 20 {
			st.say("  ... and %d more refused", len(o.Refused)-i)
			break
		}
		st.say("  refused %q: %s", p.Name, p.Reason)
	}
	present := ""
	if o.Present > 0 {
		present = fmt.Sprintf(" (%s already here)", formatBytes(o.Present))
	}
	st.say("%s to receive into %s%s.", formatBytes(o.Needed), dir, present)
	if o.Unfinished > 0 {
		st.say("%s of an earlier, interrupted transfer will be received again from the start: stop here (n) and run both sides again with --resume to keep what arrived.", count(int64(o.Unfinished), "unfinished file"))
	}
}

// ask asks whether to accept: --yes accepts; otherwise a line of standard
// input answers (empty, y or yes accept; n or no decline).
func (s *session) ask(ctx context.Context, yes bool) (bool, error) {
	if yes {
		s.st.say("Accepted (--yes).")
		return true, nil
	}
	for {
		s.st.say("Accept? [Y/n]")
		l, err := s.lines.line(ctx)
		if err != nil {
			return false, err
		}
		if l.err != nil {
			if l.err == io.EOF {
				s.st.say("No answer (standard input ended): declined. Give --yes to accept without asking.")
				return false, nil
			}
			return false, l.err
		}
		switch strings.ToLower(strings.TrimSpace(l.text)) {
		case "", "y", "yes":
			return true, nil
		case "n", "no":
			return false, nil
		}
		s.st.say("Please answer y or n.")
	}
}

const receiveHelp = `
Usage: qrtc receive [flags] [OFFER]

Receives files and folders from "qrtc send" on the other computer. OFFER is
the sender's offer token or the path of an image of its QR code: receive
then answers, like "qrtc answer". Without OFFER it makes the offer, like
"qrtc offer", and the sender answers with "qrtc send --to TOKEN PATH...".
Once connected both sides print the same verification phrase; then the names,
count and size of what comes are shown, with anything refused, and a terminal
is asked [Y/n] (a line of standard input answers when it is not a terminal;
--yes accepts without asking). Nothing is written before that.

Safety: every name is checked (no absolute paths, no "..", no device names,
no links that lead outside the folder, no names that differ only by case or
Unicode normalisation); existing files are kept unless --overwrite; the free
space is checked first; each file is written to ".NAME.qrtc-part" and renamed
into place only after its SHA-256 matches the sender's; files get mode 0644,
or 0755 when executable at the sender. An interrupted transfer keeps its
.qrtc-part files; run both sides again, this one with --resume, and only the
missing bytes come, checked by hash.

Exit codes: 0 only when everything offered arrived and was verified; 1 when
anything was refused, skipped or cut off (each is listed), when declined, or
when it could not connect; 2 bad usage; 130 Ctrl-C.

Example:
  qrtc receive offer.jpg --out ~/Downloads
  qrtc receive --yes --resume QRTC...
  qrtc receive                     # makes the offer: the sender runs qrtc send --to TOKEN PATH...
  qrtc receive 4821-guitar-orange  # the code of "qrtc send --code", read to you over the phone
`
