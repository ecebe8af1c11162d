package main

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/qrtc/qrtc/peer"
	"github.com/qrtc/qrtc/sdpcompact"
)

// The hostile sender below writes protocol version 1 from the text of
// transfer/doc.go, byte by byte, as another implementation (a browser page)
// would: it does not use package transfer.

// wireString appends a varint length and the bytes.
func wireString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// hostileEntry is one entry of the hostile manifest and what it sends.
type hostileEntry struct {
	kind    byte // 0 file, 1 folder, 2 link
	name    string
	size    uint64
	target  string
	data    string
	badHash bool
}

// TestFilesHostileSender connects a sender written in the test, which
// crafts names, lies about sizes and hashes, to a real "qrtc receive":
// nothing may be written outside the folder, the receiver must say what it
// refused, and exit 1.
func TestFilesHostileSender(t *testing.T) {
	t.Parallel()
	parent := t.TempDir()
	dst, outside := filepath.Join(parent, "in"), filepath.Join(parent, "outside")
	for _, d := range []string{dst, outside} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(outside, filepath.Join(dst, "out")); err != nil {
		t.Fatal(err)
	}
	entries := []hostileEntry{
		{name: "../x", size: 4, data: "evil"},
		{name: "/etc/x", size: 4, data: "evil"},
		{name: "a/../../x", size: 4, data: "evil"},
		{kind: 2, name: "ln", target: outside},
		{name: "ln/passwd", size: 4, data: "evil"},
		{kind: 2, name: "up", target: "../../x"},
		{kind: 2, name: "inside", target: "ok.txt"},
		{name: "inside/y", size: 4, data: "evil"},
		{name: "out/z", size: 4, data: "evil"},
		{name: "ok.txt", size: 2, data: "ok"},
		{name: "OK.TXT", size: 4, data: "evil"},
		{name: "caf\u00e9", size: 3, data: "nfc"},
		{name: "cafe\u0301", size: 4, data: "evil"},
		{name: "NUL", size: 4, data: "evil"},
		{name: "liar", size: 2, data: "much more than two bytes"},
		{name: "short", size: 100, data: "too few"},
		{name: "badhash", size: 4, data: "data", badHash: true},
	}

	ctx := testCtx(t)
	p, err := peer.New(peer.Config{IncludeLoopback: true, InterfaceFilter: func(name string) bool { return name == "lo" }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	sdp, err := p.Offer(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := sdpcompact.Encode(sdpcompact.Description{Type: sdpcompact.Offer, SDP: sdp})
	if err != nil {
		t.Fatal(err)
	}
	receiver := startQRTC(t, "receive", nil, sessionCmd("receive", "--yes", "--out", dst, tok)...)
	answer, err := sdpcompact.Decode(receiver.token())
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Accept(ctx, answer.SDP); err != nil {
		t.Fatal(err)
	}
	if err := p.WaitOpen(ctx); err != nil {
		t.Fatal(err)
	}
	send := func(b []byte) {
		t.Helper()
		if err := p.SendBinary(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	receive := func() []byte {
		t.Helper()
		m, err := p.ReceiveMessage(ctx)
		if err != nil || !m.Binary || len(m.Data) == 0 {
			t.Fatalf("from the receiver: %+v, %v; want a binary message", m, err)
		}
		return m.Data
	}

	// HELLO, then one MANIFEST with every entry.
	var total uint64
	manifest := binary.AppendUvarint([]byte{0x02, 0}, uint64(len(entries)))
	for _, e := range entries {
		manifest = append(manifest, e.kind, 0)
		if e.kind == 0 {
			manifest = binary.AppendUvarint(manifest, e.size)
			total += e.size
		}
		manifest = wireString(manifest, e.name)
		if e.kind == 2 {
			manifest = wireString(manifest, e.target)
		}
	}
	send(binary.AppendUvarint(binary.AppendUvarint([]byte{0x01, 1}, uint64(len(entries))), total))
	send(manifest)

	// PLAN messages until the DECISION: note the entries refused.
	refused := map[uint64]bool{}
	for {
		m := receive()
		if m[0] == 0x04 {
			if m[1] != 1 {
				t.Fatalf("the receiver declined: %q", m[2:])
			}
			break
		}
		if m[0] != 0x03 {
			t.Fatalf("message type %#x while waiting for the plan", m[0])
		}
		r := m[1:]
		n, k := binary.Uvarint(r)
		r = r[k:]
		for range n {
			index, k := binary.Uvarint(r)
			what := r[k]
			r = r[k+1:]
			if what != 0 {
				t.Fatalf("plan item %d for entry %d: a fresh folder has nothing to resume", what, index)
			}
			l, k := binary.Uvarint(r)
			r = r[k+int(l):]
			refused[index] = true
		}
	}
	// Each file that was not refused: DATA from offset 0, then FILEEND.
	for i, e := range entries {
		if refused[uint64(i)] || e.kind != 0 {
			continue
		}
		data := binary.AppendUvarint([]byte{0x05}, uint64(i))
		send(append(binary.AppendUvarint(data, 0), e.data...))
		sum := sha256.Sum256([]byte(e.data))
		if e.badHash {
			sum[0] ^= 0xff
		}
		send(append(binary.AppendUvarint([]byte{0x06}, uint64(i)), sum[:]...))
	}
	send([]byte{0x09})
	failed := map[string]bool{}
	for {
		m := receive()
		if m[0] == 0x09 {
			break
		}
		index, k := binary.Uvarint(m[1:])
		if m[0] != 0x08 || k <= 0 {
			t.Fatalf("message %x while waiting for acknowledgements", m)
		}
		if m[1+k] == 1 {
			failed[entries[index].name] = true
		}
	}
	receiver.wantExit(1, "not everything was delivered")

	var names []string
	for i := range refused {
		names = append(names, entries[i].name)
	}
	sort.Strings(names)
	want := []string{"../x", "/etc/x", "NUL", "OK.TXT", "a/../../x", "cafe\u0301", "inside", "ln", "out/z", "up"}
	if strings.Join(names, "|") != strings.Join(want, "|") {
		t.Errorf("the receiver refused %q, want %q", names, want)
	}
	for _, name := range want {
		receiver.waitStderr(regexp.MustCompile(`^  refused ` + regexp.QuoteMeta(fmt.Sprintf("%q", name)) + `: `))
	}
	for _, name := range []string{"liar", "short", "badhash"} {
		if !failed[name] {
			t.Errorf("%q was not acknowledged as failed", name)
		}
		receiver.waitStderr(regexp.MustCompile(`^  not delivered: "` + name + `": `))
	}
	var tree []string
	filepath.Walk(parent, func(p string, fi os.FileInfo, err error) error {
		rel, _ := filepath.Rel(parent, p)
		tree = append(tree, rel)
		return nil
	})
	sort.Strings(tree)
	wantTree := []string{".", "in", "in/caf\u00e9", "in/inside", "in/inside/y", "in/ln", "in/ln/passwd", "in/ok.txt", "in/out", "outside"}
	if strings.Join(tree, "|") != strings.Join(wantTree, "|") {
		t.Errorf("after the hostile transfer the tree is\n%q\nwant\n%q", tree, wantTree)
	}
	if _, err := os.Lstat("/etc/x"); err == nil {
		t.Errorf("/etc/x exists")
	}
}

// testCtx bounds a test's own waits by waitLimit.
func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	t.Cleanup(cancel)
	return ctx
}
