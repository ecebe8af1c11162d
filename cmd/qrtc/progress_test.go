package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/qrtc/qrtc/transfer"
)

// TestProgressView: on a terminal two lines redrawn in place (cursor up,
// clear line); elsewhere a plain line at each quarter and nothing else.
func TestProgressView(t *testing.T) {
	for _, tty := range []bool{true, false} {
		var b bytes.Buffer
		v := newProgressView(&stdio{err: &b, errTTY: tty}, "received")
		for done := int64(0); done <= 1000; done += 100 {
			v.update(transfer.Progress{Name: "photos/beach.jpg", FileDone: done, FileSize: 1000, Done: done, Total: 1000})
		}
		v.finish()
		out := b.String()
		if tty {
			if !strings.Contains(out, "\x1b[2A") || !strings.Contains(out, "\r\x1b[K") {
				t.Errorf("on a terminal the progress is not redrawn in place: %q", out)
			}
			if !strings.Contains(out, "[####################] 100% photos/beach.jpg") {
				t.Errorf("on a terminal the last drawing lacks the full file bar: %q", out)
			}
			continue
		}
		lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
		if strings.Contains(out, "\x1b") || len(lines) != 3 || !strings.HasPrefix(lines[0], "  received 300 B of 1.0 kB (30%)") || !strings.HasPrefix(lines[1], "  received 500 B of 1.0 kB (50%)") {
			t.Errorf("off a terminal: %q, want three plain lines, once past 25, 50 and 75%%, each with its own share", lines)
		}
	}
}

// TestTransferErrorCounts: the exit error counts files, or, when only
// folders and links were sent, those, or says that nothing came ("0 of 0
// files" said nothing).
func TestTransferErrorCounts(t *testing.T) {
	s := &session{ctx: context.Background()}
	for _, c := range []struct {
		rep  transfer.Report
		want string
	}{
		{transfer.Report{Entries: 3, Files: 2, Delivered: 2, DeliveredFiles: 1}, "1 of 2 files delivered"},
		{transfer.Report{Entries: 2, Delivered: 1}, "1 of 2 folders and links delivered"},
		{transfer.Report{}, "nothing was delivered"},
	} {
		err := s.transferError(&c.rep, transfer.ErrIncomplete, "again")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("transferError(%+v): %v, want %q in it", c.rep, err, c.want)
		}
	}
}
