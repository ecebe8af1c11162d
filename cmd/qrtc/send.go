package main

import (
	"context"
	"errors"
	"os"
	"time"

	"github.com/qrtc/qrtc/transfer"
)

// runSend is "qrtc send PATH...": offer (or answer, with --to) and send
// files and folders once the other side accepts.
func runSend(ctx context.Context, st *stdio, args []string) error {
	fs := newFlagSet("send")
	var f sessionFlags
	f.register(fs)
	to := fs.String("to", "", "answer this offer (a `TOKEN` or the path of an IMAGE of its QR code), made by \"qrtc receive\", instead of making an offer")
	pos, err := parseFlags(st, fs, sendHelp, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return failf(exitBadInput, "name the files and folders to send, e.g. qrtc send photos/ notes.txt", "qrtc send: no files given")
	}
	for _, p := range pos {
		if _, err := os.Lstat(p); errors.Is(err, os.ErrNotExist) {
			return inCommand("send", missingFile(p, "leave it out"))
		}
	}
	src, err := transfer.Scan(pos)
	if err != nil {
		return failf(exitBadInput, "check the paths given, then run qrtc send again", "qrtc send: %w", err)
	}
	cfg, err := f.peerConfig(st)
	if err != nil {
		return err
	}
	var s *session
	if *to != "" {
		s, err = startAnswer(ctx, st, &f, []string{*to}, "Show this to the other side; they paste it (or the path of a photo of the code) into their qrtc receive")
		if err != nil {
			return err
		}
	} else {
		cfg.Protocol = transfer.Protocol // a chat that answers says so at once
		if s, err = newSession(ctx, st, &f, cfg); err != nil {
			return err
		}
		if err := s.offerAndAccept("On the other computer, run qrtc receive TOKEN, or qrtc receive PHOTO with a photo of this code."); err != nil {
			s.close()
			return err
		}
	}
	defer s.close()
	if err := s.connect(); err != nil {
		return err
	}
	if err := s.notAChat("qrtc receive"); err != nil {
		return err
	}
	st.say("Offering %s (%s); waiting for the other side to accept...", count(int64(src.Files()), "file"), formatBytes(src.Total))
	view := newProgressView(st, "sent")
	var start time.Time
	rep, err := transfer.Send(s.ctx, peerConn{s.p}, src, transfer.SendOptions{
		ChunkSize: chunkSize(s.p),
		Progress:  view.update,
		Decided: func() {
			start = time.Now()
			st.say("The other side accepted; sending.")
		},
	})
	view.finish()
	if !start.IsZero() {
		summary(st, "sent", rep, time.Since(start), route(s.p))
	}
	s.finishFiles()
	return s.transferError(rep, err, "run both sides again, the receiver with --resume, to send the rest")
}

const sendHelp = `
Usage: qrtc send [flags] PATH...

Sends files and folders (with everything in them) to a "qrtc receive" on the
other computer. Without --to it makes the offer, like "qrtc offer": it prints
the token on stdout, draws the QR code on stderr and reads the other side's
answer from standard input. With --to TOKEN|IMAGE it answers an offer made by
"qrtc receive" instead. Once connected both sides print the same verification
phrase; the other side sees the names and sizes and accepts or declines, and
the files flow, each checked by SHA-256 on arrival. Progress and a summary go
to stderr.

Exit codes: 0 only when every file, folder and link arrived and was verified;
1 when anything was refused, skipped or cut off (each is listed), when the
other side declined, or when it could not connect; 2 bad usage; 130 Ctrl-C.
An interrupted transfer is continued by running both sides again, the
receiver with --resume: only the missing bytes are sent.

Example:
  qrtc send photos/ notes.txt             # then paste the answer of: qrtc receive TOKEN
  qrtc send --to offer.png report.pdf     # answer the offer of: qrtc receive
  qrtc send --code notes.txt              # a short code to read aloud; the other side runs: qrtc receive CODE
`
