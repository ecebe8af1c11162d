package transfer

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"
)

// hostileFile is a file the hostile sender announces and what it then
// sends for it.
type hostileFile struct {
	e        Entry
	data     []byte // sent as DATA
	badHash  bool   // FILEEND carries a wrong hash
	wantSkip bool   // the receiver must refuse it in its plan
	wantFail bool   // the receiver must acknowledge it as failed
}

// TestHostileSender plays a sender that crafts names and lies about sizes
// and hashes: nothing may be written outside the folder, and the receiver
// must say what it refused.
func TestHostileSender(t *testing.T) {
	parent := t.TempDir()
	dst := filepath.Join(parent, "in")
	outside := filepath.Join(parent, "outside")
	for _, d := range []string{dst, outside} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// A link the receiving user made, pointing out of the folder.
	if err := os.Symlink(outside, filepath.Join(dst, "out")); err != nil {
		t.Fatal(err)
	}
	files := []hostileFile{
		{e: Entry{Name: "../x", Size: 3}, wantSkip: true},
		{e: Entry{Name: "/etc/x", Size: 3}, wantSkip: true},
		{e: Entry{Name: "a/../../x", Size: 3}, wantSkip: true},
		{e: Entry{Kind: Link, Name: "ln", Target: outside}, wantSkip: true},
		{e: Entry{Name: "ln/passwd", Size: 3}, data: []byte("pwd")},
		{e: Entry{Kind: Link, Name: "inside", Target: "README"}, wantSkip: true},
		{e: Entry{Name: "inside/f", Size: 1}, data: []byte("f")},
		{e: Entry{Kind: Link, Name: "up", Target: "../.."}, wantSkip: true},
		{e: Entry{Kind: Link, Name: "sub/up", Target: "../../outside"}, wantSkip: true},
		{e: Entry{Kind: Link, Name: "deep/b", Target: ".."}},
		{e: Entry{Kind: Link, Name: "chain", Target: "deep/b/../outside"}, wantSkip: true},
		{e: Entry{Name: "out/evil", Size: 3}, wantSkip: true},
		{e: Entry{Name: "README", Size: 2}, data: []byte("up")},
		{e: Entry{Name: "readme", Size: 3}, wantSkip: true},
		{e: Entry{Name: "caf\u00e9", Size: 3}, data: []byte("nfc")},
		{e: Entry{Name: "cafe\u0301", Size: 3}, wantSkip: true},
		{e: Entry{Name: "CON.txt", Size: 1}, wantSkip: true},
		{e: Entry{Name: "x" + partSuffix, Size: 1}, wantSkip: true},
		{e: Entry{Name: "a\\b", Size: 1}, wantSkip: true},
		{e: Entry{Name: "liar-long", Size: 5}, data: []byte("0123456789"), wantFail: true},
		{e: Entry{Name: "liar-short", Size: 10}, data: []byte("01234"), wantFail: true},
		{e: Entry{Name: "badhash", Size: 4}, data: []byte("data"), badHash: true, wantFail: true},
		{e: Entry{Name: "good", Size: 4, Exec: true}, data: []byte("good")},
	}
	ctx, cancel := context.WithTimeout(context.Background(), testLimit)
	defer cancel()
	a, b := newPipe()
	type recvResult struct {
		rep   *Report
		err   error
		offer *Offer
	}
	done := make(chan recvResult, 1)
	go func() {
		var offer *Offer
		rep, err := Receive(ctx, b, ReceiveOptions{Dir: dst, Decide: func(_ context.Context, o *Offer) (bool, error) {
			offer = o
			return true, nil
		}})
		done <- recvResult{rep, err, offer}
	}()

	send := func(m any) {
		t.Helper()
		if err := a.Send(ctx, encode(nil, m)); err != nil {
			t.Fatal(err)
		}
	}
	var entries []Entry
	var total uint64
	for _, f := range files {
		entries = append(entries, f.e)
		total += uint64(f.e.Size)
	}
	send(hello{version: Version, entries: uint64(len(entries)), total: total})
	send(manifestMsg{entries: entries})
	plan, err := readPlan(ctx, a, len(entries))
	if err != nil {
		t.Fatalf("the receiver's plan: %v", err)
	}
	for i, f := range files {
		it, ok := plan[i]
		if skipped := ok && it.what == planSkip; skipped != f.wantSkip {
			t.Errorf("%q: refused in the plan %v (%q), want %v", f.e.Name, skipped, it.reason, f.wantSkip)
		}
	}
	for i, f := range files {
		if f.wantSkip || f.e.Kind != File {
			continue
		}
		if len(f.data) > 0 {
			send(dataMsg{index: uint64(i), data: f.data})
		}
		sum := sha256.Sum256(f.data)
		if f.badHash {
			sum[0] ^= 1
		}
		send(fileEnd{index: uint64(i), hash: sum})
	}
	send(endMsg{})
	acks := map[int]ack{}
	for {
		msg, err := a.Receive(ctx)
		if err != nil {
			t.Fatal(err)
		}
		m, err := parse(msg)
		if err != nil {
			t.Fatal(err)
		}
		if _, end := m.(endMsg); end {
			break
		}
		k := m.(ack)
		acks[int(k.index)] = k
	}
	for i, f := range files {
		if f.wantSkip {
			continue
		}
		k, ok := acks[i]
		if !ok || k.failed != f.wantFail {
			t.Errorf("%q: acknowledged %v (failed %v, %q), want failed %v", f.e.Name, ok, k.failed, k.reason, f.wantFail)
		}
	}
	res := <-done
	if !errors.Is(res.err, ErrIncomplete) {
		t.Errorf("Receive: %v, want ErrIncomplete", res.err)
	}
	if len(res.offer.Refused) != 14 || len(res.rep.Problems) != 17 {
		t.Errorf("the receiver refused %d names before and reported %d problems after, want 14 and 17: %q", len(res.offer.Refused), len(res.rep.Problems), res.rep.Problems)
	}
	for _, p := range res.rep.Problems {
		t.Logf("refused %q: %s", p.Name, p.Reason)
	}

	// What is in the folder, and nothing outside it.
	var got []string
	filepath.Walk(parent, func(p string, fi os.FileInfo, err error) error {
		rel, _ := filepath.Rel(parent, p)
		got = append(got, rel)
		return nil
	})
	sort.Strings(got)
	want := []string{".", "in", "in/README", "in/caf\u00e9", "in/deep", "in/deep/b", "in/good", "in/inside", "in/inside/f", "in/ln", "in/ln/passwd", "in/out", "outside"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("after the hostile transfer the tree is\n%q\nwant\n%q", got, want)
	}
	if _, err := os.Lstat("/etc/x"); err == nil {
		t.Errorf("/etc/x exists")
	}
	if fi, err := os.Stat(filepath.Join(dst, "good")); err != nil || fi.Mode().Perm() != 0o755 {
		t.Errorf("good: %v, %v; want mode 0755", fi.Mode(), err)
	}
	linksStayInside(t, dst, "out")
}

// TestReceiverRefusesBadOrder: DATA out of order or beyond the manifest is
// a protocol error that ends the transfer without writing in place.
func TestReceiverRefusesBadOrder(t *testing.T) {
	for name, script := range map[string][]any{
		"data for a folder":      {dataMsg{index: 0, data: []byte("x")}},
		"data past the manifest": {dataMsg{index: 7, data: []byte("x")}},
		"offset gap":             {dataMsg{index: 1, data: []byte("ab")}, dataMsg{index: 1, offset: 3, data: []byte("c")}},
		"resume not asked for":   {dataMsg{index: 1, offset: 2, data: []byte("cd")}},
		"interleaved files":      {dataMsg{index: 1, data: []byte("ab")}, dataMsg{index: 2, data: []byte("c")}},
		"a second HELLO":         {hello{version: Version}},
	} {
		t.Run(strings.ReplaceAll(name, " ", "_"), func(t *testing.T) {
			dst := t.TempDir()
			ctx, cancel := context.WithTimeout(context.Background(), testLimit)
			defer cancel()
			a, b := newPipe()
			done := make(chan error, 1)
			go func() {
				_, err := Receive(ctx, b, ReceiveOptions{Dir: dst})
				done <- err
			}()
			entries := []Entry{{Kind: Folder, Name: "d"}, {Name: "d/f", Size: 4}, {Name: "g", Size: 1}}
			for _, m := range append([]any{hello{version: Version, entries: 3, total: 5}, manifestMsg{entries: entries}}, script...) {
				a.Send(ctx, encode(nil, m))
			}
			if err := <-done; !errors.Is(err, ErrProtocol) {
				t.Errorf("Receive: %v, want ErrProtocol", err)
			}
			if _, err := os.Stat(filepath.Join(dst, "d", "f")); err == nil {
				t.Errorf("d/f is in place")
			}
		})
	}
}

func TestVersionMismatch(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), testLimit)
	defer cancel()
	a, b := newPipe()
	done := make(chan error, 1)
	go func() {
		_, err := Receive(ctx, b, ReceiveOptions{Dir: t.TempDir()})
		done <- err
	}()
	a.Send(ctx, encode(nil, hello{version: 2}))
	if err := <-done; !errors.Is(err, ErrVersion) {
		t.Errorf("Receive: %v, want ErrVersion", err)
	}
	msg, _ := a.Receive(ctx)
	if m, err := parse(msg); err != nil || !strings.Contains(m.(errorMsg).reason, "version 2") {
		t.Errorf("the receiver answered %v (%v), want an ERROR naming the version", m, err)
	}
}

// TestLinkThroughLinkInFolder: links already in the receiving folder (an
// earlier transfer's, or the user's own) count as links too. A first
// transfer leaves t/b -> "." (harmless); a second one, which alone would
// look harmless to a textual check, sends links through it and through the
// user's own "here -> .": each of them would point outside the folder, and
// each is refused.
func TestLinkThroughLinkInFolder(t *testing.T) {
	parent := t.TempDir()
	dst := filepath.Join(parent, "in")
	if err := os.Mkdir(dst, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(".", filepath.Join(dst, "here")); err != nil {
		t.Fatal(err)
	}
	first, second := filepath.Join(t.TempDir(), "t"), filepath.Join(t.TempDir(), "t")
	for _, l := range []struct{ target, name string }{
		{".", filepath.Join(first, "b")},
		{"b/../..", filepath.Join(second, "x")},    // t/b/.. is the folder itself: x leads to its parent
		{"../here/..", filepath.Join(second, "y")}, // here/.. is the folder's parent
		{"../..", filepath.Join(second, "b", "z")}, // t/b/z is really t/z: its ../.. is the parent
		{"ok", filepath.Join(second, "fine")},
	} {
		if err := os.MkdirAll(filepath.Dir(l.name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(l.target, l.name); err != nil {
			t.Fatal(err)
		}
	}
	if sent, recv := transferPipe(t, []string{first}, ReceiveOptions{Dir: dst}, SendOptions{}); sent.err != nil || recv.err != nil {
		t.Fatalf("the first transfer: Send: %v; Receive: %v", sent.err, recv.err)
	}
	_, recv := transferPipe(t, []string{second}, ReceiveOptions{Dir: dst}, SendOptions{})
	if !errors.Is(recv.err, ErrIncomplete) {
		t.Errorf("the second transfer: Receive: %v, want ErrIncomplete", recv.err)
	}
	var refused []string
	for _, p := range recv.rep.Problems {
		refused = append(refused, p.Name)
		t.Logf("refused %q: %s", p.Name, p.Reason)
	}
	sort.Strings(refused)
	if want := []string{"t/b", "t/b/z", "t/x", "t/y"}; strings.Join(refused, "|") != strings.Join(want, "|") {
		t.Errorf("the second transfer refused %q, want %q", refused, want)
	}
	if target, err := os.Readlink(filepath.Join(dst, "t", "fine")); err != nil || target != "ok" {
		t.Errorf("t/fine: a link to %q (%v), want to \"ok\"", target, err)
	}
	linksStayInside(t, dst)
}

// linksStayInside fails when a symbolic link beneath dir, other than the
// user's own links named in mine, resolves (through every link on its way,
// or as far as its target exists) to a place outside dir.
func linksStayInside(t testing.TB, dir string, mine ...string) {
	t.Helper()
	root, err := filepath.EvalSymlinks(dir)
	if err != nil {
		t.Fatal(err)
	}
	inside := func(p string) bool { return p == root || strings.HasPrefix(p, root+string(filepath.Separator)) }
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if rel, _ := filepath.Rel(dir, p); err != nil || d.Type()&fs.ModeSymlink == 0 || slices.Contains(mine, rel) {
			return nil
		}
		to, err := filepath.EvalSymlinks(p)
		if err != nil { // a dangling link: resolve its folder, then its target as text
			target, _ := os.Readlink(p)
			folder, ferr := filepath.EvalSymlinks(filepath.Dir(p))
			if ferr != nil || filepath.IsAbs(target) {
				t.Errorf("%s: a link to %q that cannot be followed", p, target)
				return nil
			}
			to = filepath.Join(folder, target)
		}
		if !inside(to) {
			t.Errorf("%s: a link that leads to %s, outside %s", p, to, dir)
		}
		return nil
	})
}

// TestCheckNameWindowsCharacters: < > : " | ? * are ordinary characters
// outside Windows (a Linux sender's "notes: draft?.txt" arrives as it is)
// and refused where Windows forbids them.
func TestCheckNameWindowsCharacters(t *testing.T) {
	names := []string{`notes: draft?.txt`, `a<b>c`, `say "hi"`, `x|y`, `star*`, `d:/f`}
	for _, windows := range []bool{false, true} {
		refuseWindowsChars = windows
		for _, name := range names {
			if err := CheckName(name); (err != nil) != windows {
				t.Errorf("CheckName(%q) with Windows rules %v: %v", name, windows, err)
			}
		}
	}
	refuseWindowsChars = runtime.GOOS == "windows"
}

// TestManifestTooLarge: a sender that announces many entries with long
// names is stopped once their names exceed the receiver's bound, before
// they exhaust its memory and before anyone is asked.
func TestManifestTooLarge(t *testing.T) {
	defer func(n int) { maxManifestBytes = n }(maxManifestBytes)
	maxManifestBytes = 1 << 20
	ctx, cancel := context.WithTimeout(context.Background(), testLimit)
	defer cancel()
	a, b := newPipe()
	done := make(chan error, 1)
	asked := false
	go func() {
		_, err := Receive(ctx, b, ReceiveOptions{Dir: t.TempDir(), Decide: func(context.Context, *Offer) (bool, error) {
			asked = true
			return true, nil
		}})
		b.Close()
		done <- err
	}()
	const perMessage = 15
	a.Send(ctx, encode(nil, hello{version: Version, entries: maxEntries}))
	// Four times the bound at most, then the sender gives up: a receiver
	// without the bound would only see the channel end.
	for first := 0; first*4000 < 4*maxManifestBytes; first += perMessage {
		var m manifestMsg
		m.first = uint64(first)
		for i := range perMessage {
			m.entries = append(m.entries, Entry{Kind: Folder, Name: fmt.Sprintf("%04000d", first+i)})
		}
		if a.Send(ctx, encode(nil, m)) != nil {
			break // the receiver stopped
		}
	}
	a.closeWrite()
	if err := <-done; !errors.Is(err, ErrProtocol) || !strings.Contains(err.Error(), "names and link targets") {
		t.Errorf("Receive: %v, want ErrProtocol about the names' size", err)
	}
	if asked {
		t.Errorf("the receiver asked about a manifest it could not hold")
	}
}
