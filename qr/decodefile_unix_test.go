//go:build unix

package qr_test

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/qrtc/qrtc/qr"
)

// TestDecodeFileSpecial gives DecodeFile files that are not regular: it
// must refuse them without blocking on a named pipe that no one writes or
// reading /dev/zero without end.
func TestDecodeFileSpecial(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "code.png")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatalf("mkfifo: %v", err)
	}
	tests := []struct {
		name string
		path string
		hint string
	}{
		{"named pipe", fifo, "is a named pipe"},
		{"/dev/zero", "/dev/zero", "is a device"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := os.Stat(tt.path); err != nil {
				t.Skipf("%s: %v", tt.path, err)
			}
			var got string
			var err error
			done := make(chan struct{})
			go func() {
				defer close(done)
				got, err = qr.DecodeFile(tt.path)
			}()
			select {
			case <-done:
				checkDecodeFileError(t, tt.path, got, err, qr.ErrNotImage, tt.hint)
			case <-time.After(30 * time.Second):
				// A watchdog, not a timing check: DecodeFile is stuck
				// opening or reading. Open the pipe's other end so it
				// returns, then fail.
				if w, err := os.OpenFile(tt.path, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
					w.Close()
				}
				<-done
				t.Fatalf("DecodeFile(%q) blocked for 30 s", tt.path)
			}
		})
	}
}
