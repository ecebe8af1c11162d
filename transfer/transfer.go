package transfer

import (
	"context"
	"fmt"
	"time"
)

// Conn is the channel a transfer runs over: reliable, ordered, message
// based, such as a qrtc data channel.
type Conn interface {
	// Send sends msg as one binary message. It must not keep msg after
	// it returns: the caller reuses it.
	Send(ctx context.Context, msg []byte) error
	// Receive returns the next message. The caller owns it.
	Receive(ctx context.Context) ([]byte, error)
}

// ProtocolName and Protocol name this protocol as a data channel's
// subprotocol (RFC 8832 section 5.1), which an offering qrtc send or qrtc
// receive announces, so that a qrtc chat that answers knows at once that
// the other side moves files. Version is the number after the slash.
const (
	ProtocolName = "qrtc-files"
	Protocol     = ProtocolName + "/1"
)

// DefaultChunkSize is the largest DATA message Send writes unless
// SendOptions.ChunkSize says otherwise: 64 KiB, a quarter of the
// max-message-size that qrtc and Chromium announce.
const DefaultChunkSize = 64 << 10

// Progress tells how far a transfer is. Both sides report it after each
// chunk; Name and the File fields describe the file in flight.
type Progress struct {
	Name     string // the file in flight
	FileDone int64  // its bytes done, counting what was already there
	FileSize int64
	Done     int64 // bytes of all files done, counting what was already there
	Total    int64 // bytes of all files
}

// Problem is one entry that was not delivered, and why.
type Problem struct {
	Name   string
	Reason string
}

// Report sums up a transfer, from one side's view. It is filled as far as
// the transfer got, also when Send or Receive return an error.
type Report struct {
	Entries   int   // files, folders and links in the manifest
	Files     int   // files in the manifest
	Total     int64 // bytes of all files in the manifest
	Delivered int   // entries verified and in place at the receiver
	// DeliveredFiles counts the files among Delivered.
	DeliveredFiles int
	Moved          int64 // file bytes that crossed the channel in this session
	Present        int64 // file bytes the receiver already had (resumed, or the same file)
	Problems       []Problem
}

// Complete reports whether every entry of the manifest was delivered.
func (r *Report) Complete() bool {
	return r.Delivered == r.Entries && len(r.Problems) == 0
}

func (r *Report) problem(name, format string, args ...any) {
	r.Problems = append(r.Problems, Problem{Name: name, Reason: fmt.Sprintf(format, args...)})
}

// incomplete returns ErrIncomplete with the numbers, or nil when the
// report is complete.
func (r *Report) incomplete() error {
	if r.Complete() {
		return nil
	}
	return fmt.Errorf("%w: %d of %d entries delivered (%d of %d files), %d not", ErrIncomplete, r.Delivered, r.Entries, r.DeliveredFiles, r.Files, r.Entries-r.Delivered)
}

// sendMsg encodes m and sends it.
func sendMsg(ctx context.Context, c Conn, buf []byte, m any) ([]byte, error) {
	buf = encode(buf[:0], m)
	return buf, c.Send(ctx, buf)
}

// sayInterrupted tells the other side, within a second, that this side
// stops because its context ended (Ctrl-C), so that it can say so instead
// of reporting a vanished peer.
func sayInterrupted(c Conn, who string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_ = c.Send(ctx, encode(nil, errorMsg{reason: who + " was interrupted"})) // best effort: this side is stopping anyway
}
