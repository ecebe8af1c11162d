package transfer

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
	"syscall"
)

// maxEntries bounds a manifest: about 200 bytes of memory each.
const maxEntries = 10_000_000

// maxManifestBytes bounds the names and link targets of a manifest
// together, which the receiver keeps (with their collision keys) until the
// end: without it a hostile sender could announce maxEntries names of
// 4096 bytes and exhaust the receiver's memory before anyone is asked. A
// variable for the tests.
var maxManifestBytes = 256 << 20

// ReceiveOptions configures Receive.
type ReceiveOptions struct {
	// Dir is the folder to receive into; it must exist.
	Dir string
	// Overwrite lets a received file replace an existing one.
	Overwrite bool
	// Resume continues the temporary files an interrupted transfer left,
	// and counts existing files with the sender's content as delivered.
	Resume bool
	// Decide, when set, is asked before anything is written, with what
	// comes and what the checks refused. Returning false declines the
	// transfer. Nil accepts.
	Decide func(ctx context.Context, o *Offer) (bool, error)
	// Progress, when set, is called after each chunk written, on
	// Receive's goroutine.
	Progress func(Progress)
}

// Offer is what a sender offers, after the receiver's checks.
type Offer struct {
	Entries []Entry
	Files   int
	Total   int64 // bytes of all files
	// Refused lists the entries that will be skipped: names that could
	// lead outside the folder or collide, files that exist (without
	// Overwrite).
	Refused []Problem
	Present int64 // bytes already here (Resume)
	Needed  int64 // bytes still to come
	// Unfinished counts the files whose temporary file an earlier,
	// interrupted transfer left, when Resume is off: they will be
	// received again from the start.
	Unfinished int
}

// Receive takes a transfer from the sender at the other end of c into
// opt.Dir, after asking opt.Decide. It returns nil when every entry was
// delivered (verified and in place), ErrIncomplete when some were refused
// or failed (the Report lists them), ErrDeclined when Decide said no,
// ErrNoSpace when the folder's file system is too small, or the error that
// cut the transfer; temporary files of files cut in the middle are kept
// for a later Resume. The Report is never nil.
func Receive(ctx context.Context, c Conn, opt ReceiveOptions) (*Report, error) {
	rep := &Report{}
	root, err := os.OpenRoot(opt.Dir)
	if err != nil {
		return rep, fmt.Errorf("%w: %v", ErrDestination, err)
	}
	defer root.Close()
	r := &receiver{c: c, root: root, opt: opt, rep: rep, prefix: map[int]hash.Hash{}, made: map[string]bool{}}
	err = r.run(ctx)
	if err != nil && ctx.Err() != nil {
		sayInterrupted(c, "the receiver")
	}
	if r.cur != nil && r.cur.f != nil {
		r.cur.f.Close() // kept for a later resume
	}
	if err != nil {
		return rep, err
	}
	return rep, rep.incomplete()
}

// Entry states on the receiving side.
const (
	statePending  = iota // data may come
	stateSkipped         // the plan skips it: no ACK
	stateIgnoring        // failed and acknowledged; the rest of its data is dropped
	stateDone            // acknowledged
)

type receiver struct {
	c       Conn
	root    *os.Root
	opt     ReceiveOptions
	rep     *Report
	entries []Entry
	plan    map[int]planItem
	prefix  map[int]hash.Hash // the hash state of a resumable temporary file
	state   []byte
	cur     *incoming
	done    int64 // bytes of all files done, for Progress
	buf     []byte
	made    map[string]bool // folders this transfer has created or found
}

// incoming is the file being written.
type incoming struct {
	index int
	f     *os.File
	h     hash.Hash
	pos   int64
}

// abort tells the sender why the transfer stops and returns err.
func (r *receiver) abort(ctx context.Context, err error) error {
	r.send(ctx, errorMsg{reason: strings.TrimPrefix(err.Error(), "transfer: ")})
	return err
}

func (r *receiver) send(ctx context.Context, m any) error {
	var err error
	r.buf, err = sendMsg(ctx, r.c, r.buf, m)
	return err
}

func (r *receiver) receive(ctx context.Context) (any, error) {
	msg, err := r.c.Receive(ctx)
	if err != nil {
		return nil, err
	}
	m, err := parse(msg)
	if err != nil {
		return nil, r.abort(ctx, err)
	}
	if e, ok := m.(errorMsg); ok {
		return nil, fmt.Errorf("%w: %s", ErrAborted, e.reason)
	}
	return m, nil
}

func (r *receiver) run(ctx context.Context) error {
	if err := r.readManifest(ctx); err != nil {
		return err
	}
	o := r.makePlan()
	if free, err := freeSpace(r.opt.Dir); err == nil && free >= 0 && o.Needed > free {
		r.send(ctx, decision{reason: fmt.Sprintf("not enough free space: %d bytes needed, %d free", o.Needed, free)})
		return fmt.Errorf("%w: %d bytes needed, %d free in %q", ErrNoSpace, o.Needed, free, r.opt.Dir)
	}
	if r.opt.Decide != nil {
		yes, err := r.opt.Decide(ctx, o)
		if err != nil {
			r.send(ctx, decision{reason: "the receiver could not decide"})
			return err
		}
		if !yes {
			r.send(ctx, decision{reason: "the receiver said no"})
			return fmt.Errorf("%w: declined here", ErrDeclined)
		}
	}
	if err := r.sendPlan(ctx); err != nil {
		return err
	}
	for i, e := range r.entries {
		if e.Kind == Folder && r.state[i] == statePending {
			var err error
			if merr := r.root.MkdirAll(e.Name, 0o755); merr != nil {
				err = r.fail(ctx, i, "cannot create the folder: %v", unwrapPath(merr))
			} else {
				r.made[e.Name] = true // its files need no MkdirAll
				err = r.done1(ctx, i)
			}
			if err != nil {
				return err
			}
		}
	}
	return r.receiveFiles(ctx)
}

// readManifest reads HELLO and the MANIFEST messages.
func (r *receiver) readManifest(ctx context.Context) error {
	m, err := r.receive(ctx)
	if err != nil {
		return err
	}
	h, ok := m.(hello)
	if !ok {
		return r.abort(ctx, fmt.Errorf("%w: the first message is a %T, not HELLO", ErrProtocol, m))
	}
	if h.version != Version {
		return r.abort(ctx, fmt.Errorf("%w: the sender speaks version %d, this side %d: use the same qrtc on both sides", ErrVersion, h.version, Version))
	}
	if h.entries > maxEntries {
		return r.abort(ctx, fmt.Errorf("%w: %d entries, more than the %d one transfer may hold", ErrProtocol, h.entries, maxEntries))
	}
	var total int64
	names := 0 // bytes of names and targets
	for uint64(len(r.entries)) < h.entries {
		m, err := r.receive(ctx)
		if err != nil {
			return err
		}
		mm, ok := m.(manifestMsg)
		if !ok {
			return r.abort(ctx, fmt.Errorf("%w: a %T message inside the manifest", ErrProtocol, m))
		}
		if mm.first != uint64(len(r.entries)) || uint64(len(mm.entries)) > h.entries-mm.first {
			return r.abort(ctx, fmt.Errorf("%w: manifest entries %d to %d do not follow the %d received of %d", ErrProtocol, mm.first, mm.first+uint64(len(mm.entries)), len(r.entries), h.entries))
		}
		for _, e := range mm.entries {
			if names += len(e.Name) + len(e.Target); names > maxManifestBytes {
				return r.abort(ctx, fmt.Errorf("%w: the manifest's names and link targets take more than the %d bytes one transfer may hold; send the folders in parts", ErrProtocol, maxManifestBytes))
			}
			if e.Kind == File {
				if total += e.Size; total < 0 {
					return r.abort(ctx, fmt.Errorf("%w: file sizes overflow", ErrProtocol))
				}
			}
		}
		r.entries = append(r.entries, mm.entries...)
	}
	if uint64(total) != h.total {
		return r.abort(ctx, fmt.Errorf("%w: the files add up to %d bytes, HELLO said %d", ErrProtocol, total, h.total))
	}
	r.rep.Entries, r.rep.Total = len(r.entries), total
	for _, e := range r.entries {
		if e.Kind == File {
			r.rep.Files++
		}
	}
	return nil
}

// makePlan checks every entry and decides what to ask for.
func (r *receiver) makePlan() *Offer {
	o := &Offer{Entries: r.entries, Files: r.rep.Files, Total: r.rep.Total}
	r.plan = map[int]planItem{}
	r.state = make([]byte, len(r.entries))
	skip := func(i int, format string, args ...any) {
		reason := fmt.Sprintf(format, args...)
		r.plan[i] = planItem{index: uint64(i), what: planSkip, reason: reason}
		r.state[i] = stateSkipped
		o.Refused = append(o.Refused, Problem{Name: r.entries[i].Name, Reason: reason})
		r.rep.problem(r.entries[i].Name, "refused: %s", reason)
	}
	// The folders that entries lie in (nothing may be a file or link
	// there) and the links of this transfer.
	parents, links := map[string]bool{}, map[string]bool{}
	for _, e := range r.entries {
		if CheckName(e.Name) != nil {
			continue
		}
		if e.Kind == Link {
			links[collisionKey(e.Name)] = true
		}
		for d := path.Dir(e.Name); d != "."; d = path.Dir(d) {
			parents[collisionKey(d)] = true
		}
	}
	// isLink: a link of this transfer, or one already in the folder (an
	// earlier transfer's, or the user's own), or a place that cannot be
	// checked.
	isLink := func(p string) bool { return links[collisionKey(p)] || r.diskLink(p) }
	seen := map[string]string{}
	for i, e := range r.entries {
		if err := CheckName(e.Name); err != nil {
			skip(i, "unsafe name: %v", err)
			continue
		}
		key := collisionKey(e.Name)
		if other, dup := seen[key]; dup {
			skip(i, "same name as %q on case-insensitive or Unicode-normalising file systems", other)
			continue
		}
		seen[key] = e.Name
		switch e.Kind {
		case Link:
			if d := r.diskLinkAbove(e.Name); d != "" {
				skip(i, "unsafe link: it would lie beneath %q, which is a link already in the folder", d)
				continue
			}
			if err := checkLinkTarget(e.Name, e.Target, isLink); err != nil {
				skip(i, "unsafe link: %v", err)
				continue
			}
			if parents[key] {
				skip(i, "other entries of the transfer lie beneath this link")
				continue
			}
		case File:
			if parents[key] {
				skip(i, "other entries of the transfer lie beneath this file")
				continue
			}
		}
		fi, err := r.root.Lstat(e.Name)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			skip(i, "cannot check the place: %v", unwrapPath(err))
			continue
		}
		exists := err == nil
		switch e.Kind {
		case Folder:
			if exists && !fi.IsDir() {
				skip(i, "a %s of that name is in the way", describe(fi))
			}
		case Link:
			if exists {
				if t, err := r.root.Readlink(e.Name); err == nil && t == e.Target {
					break // the same link is there
				}
				if !r.opt.Overwrite || fi.IsDir() {
					skip(i, "a %s of that name exists (--overwrite replaces files and links)", describe(fi))
				}
			}
		case File:
			if exists {
				switch {
				case r.opt.Resume && fi.Mode().IsRegular() && fi.Size() == e.Size:
					if sum, err := r.hashFile(e.Name, e.Size); err == nil {
						r.plan[i] = planItem{index: uint64(i), what: planHave, replace: r.opt.Overwrite, hash: sum}
						o.Present += e.Size
						continue
					}
					fallthrough
				case !r.opt.Overwrite:
					skip(i, "a %s of that name exists (--overwrite replaces it)", describe(fi))
					continue
				case fi.IsDir():
					skip(i, "a folder of that name is in the way")
					continue
				}
			}
			if r.opt.Resume {
				if off, ok := r.resumable(i, e); ok {
					o.Present += off
					o.Needed += e.Size - off
					continue
				}
			} else if fi, err := r.root.Lstat(tempName(e.Name)); err == nil && fi.Mode().IsRegular() && fi.Size() > 0 {
				o.Unfinished++
			}
			o.Needed += e.Size
		}
	}
	return o
}

// diskLink reports whether p, beneath the folder, is a symbolic link
// already there, or cannot be checked (it leads outside, say). A missing
// place is no link.
func (r *receiver) diskLink(p string) bool {
	fi, err := r.root.Lstat(p)
	if err != nil {
		return !errors.Is(err, fs.ErrNotExist)
	}
	return fi.Mode()&fs.ModeSymlink != 0
}

// diskLinkAbove returns the first folder of name that is a symbolic link
// already in the folder, or "". A link created beneath it would not be
// where its name says, and its target would be read from elsewhere.
func (r *receiver) diskLinkAbove(name string) string {
	dir := path.Dir(name)
	if dir == "." {
		return ""
	}
	parts := strings.Split(dir, "/")
	for n := 1; n <= len(parts); n++ {
		if p := strings.Join(parts[:n], "/"); r.diskLink(p) {
			return p
		}
	}
	return ""
}

// resumable checks for the temporary file of entry i and, when it holds a
// prefix of the file, plans to resume it.
func (r *receiver) resumable(i int, e Entry) (int64, bool) {
	tmp := tempName(e.Name)
	fi, err := r.root.Lstat(tmp)
	if err != nil || !fi.Mode().IsRegular() || fi.Size() == 0 || fi.Size() > e.Size {
		return 0, false
	}
	f, err := r.root.Open(tmp)
	if err != nil {
		return 0, false
	}
	defer f.Close()
	h := sha256.New()
	if n, err := io.CopyN(h, f, fi.Size()); err != nil || n != fi.Size() {
		return 0, false
	}
	it := planItem{index: uint64(i), what: planResume, offset: uint64(fi.Size())}
	copy(it.hash[:], h.Sum(nil))
	r.plan[i] = it
	r.prefix[i] = h
	return fi.Size(), true
}

// hashFile returns the SHA-256 of the first size bytes of name.
func (r *receiver) hashFile(name string, size int64) ([32]byte, error) {
	f, err := r.root.Open(name)
	if err != nil {
		return [32]byte{}, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.CopyN(h, f, size); err != nil {
		return [32]byte{}, err
	}
	return [32]byte(h.Sum(nil)), nil
}

// sendPlan sends the PLAN messages and the accepting DECISION.
func (r *receiver) sendPlan(ctx context.Context) error {
	var items []planItem
	size := 1 + binary.MaxVarintLen64
	flush := func() error {
		if len(items) == 0 {
			return nil
		}
		err := r.send(ctx, planMsg{items: items})
		items, size = items[:0], 1+binary.MaxVarintLen64
		return err
	}
	for i := range r.entries {
		it, ok := r.plan[i]
		if !ok {
			continue
		}
		if size+planItemSize(it) > maxControl {
			if err := flush(); err != nil {
				return err
			}
		}
		items = append(items, it)
		size += planItemSize(it)
	}
	if err := flush(); err != nil {
		return err
	}
	return r.send(ctx, decision{accept: true})
}

// receiveFiles handles DATA, FILEEND and FILESKIP until END.
func (r *receiver) receiveFiles(ctx context.Context) error {
	for {
		m, err := r.receive(ctx)
		if err != nil {
			return err
		}
		switch m := m.(type) {
		case dataMsg:
			err = r.data(ctx, m)
		case fileEnd:
			err = r.fileEnd(ctx, m)
		case fileSkip:
			err = r.fileSkip(ctx, m)
		case endMsg:
			return r.end(ctx)
		default:
			err = r.abort(ctx, fmt.Errorf("%w: a %T message during the transfer", ErrProtocol, m))
		}
		if err != nil {
			return err
		}
	}
}

// file checks that index names a file that may still get data.
func (r *receiver) file(ctx context.Context, index uint64, what string) (int, error) {
	if index >= uint64(len(r.entries)) || r.entries[index].Kind != File {
		return 0, r.abort(ctx, fmt.Errorf("%w: %s for entry %d, which is not a file of the manifest", ErrProtocol, what, index))
	}
	i := int(index)
	switch r.state[i] {
	case stateSkipped:
		return 0, r.abort(ctx, fmt.Errorf("%w: %s for %q, which the receiver refused", ErrProtocol, what, r.entries[i].Name))
	case stateDone:
		return 0, r.abort(ctx, fmt.Errorf("%w: %s for %q, which is finished", ErrProtocol, what, r.entries[i].Name))
	}
	if r.cur != nil && r.cur.index != i {
		return 0, r.abort(ctx, fmt.Errorf("%w: %s for %q before the end of %q", ErrProtocol, what, r.entries[i].Name, r.entries[r.cur.index].Name))
	}
	return i, nil
}

// start opens the temporary file of entry i at offset.
func (r *receiver) start(ctx context.Context, i int, offset int64) error {
	e := r.entries[i]
	it, planned := r.plan[i]
	var h hash.Hash
	switch {
	case offset == 0:
		h = sha256.New()
	case planned && it.what == planResume && offset == int64(it.offset):
		h = r.prefix[i]
	default:
		return r.abort(ctx, fmt.Errorf("%w: data for %q starts at offset %d, not at 0 or where the receiver asked", ErrProtocol, e.Name, offset))
	}
	delete(r.prefix, i)
	r.cur = &incoming{index: i, h: h, pos: offset}
	if dir := path.Dir(e.Name); dir != "." && !r.made[dir] {
		if err := r.root.MkdirAll(dir, 0o755); err != nil {
			return r.writeError(ctx, i, fmt.Errorf("creating its folder: %w", err))
		}
		r.made[dir] = true
	}
	tmp := tempName(e.Name)
	if fi, err := r.root.Lstat(tmp); err == nil && !fi.Mode().IsRegular() {
		if err := r.root.Remove(tmp); err != nil {
			return r.writeError(ctx, i, err)
		}
	}
	flags := os.O_RDWR | os.O_CREATE
	if offset == 0 {
		flags |= os.O_TRUNC
	}
	f, err := r.root.OpenFile(tmp, flags, 0o600)
	if err != nil {
		return r.writeError(ctx, i, err)
	}
	r.cur.f = f
	if offset > 0 {
		if err := f.Truncate(offset); err != nil {
			return r.writeError(ctx, i, err)
		}
		if _, err := f.Seek(offset, io.SeekStart); err != nil {
			return r.writeError(ctx, i, err)
		}
	}
	r.rep.Present += offset
	r.done += offset
	return nil
}

// writeError ends the transfer after a failed write: the disk is full or
// the folder cannot be written. The temporary file stays for a resume.
func (r *receiver) writeError(ctx context.Context, i int, err error) error {
	err = unwrapPath(err)
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
		return r.abort(ctx, fmt.Errorf("%w: the disk filled up while writing %q", ErrNoSpace, r.entries[i].Name))
	}
	return r.abort(ctx, fmt.Errorf("%w: the receiver cannot write %q: %v", ErrDestination, r.entries[i].Name, err))
}

func (r *receiver) data(ctx context.Context, m dataMsg) error {
	i, err := r.file(ctx, m.index, "data")
	if err != nil {
		return err
	}
	if r.state[i] == stateIgnoring {
		return nil
	}
	e := r.entries[i]
	if it, ok := r.plan[i]; ok && it.what == planHave && !it.replace {
		r.fail(ctx, i, "the sender sent data for a file that exists here")
		return nil
	}
	if r.cur == nil {
		if err := r.start(ctx, i, int64(m.offset)); err != nil {
			return err
		}
	}
	if int64(m.offset) != r.cur.pos {
		return r.abort(ctx, fmt.Errorf("%w: data for %q at offset %d, expected %d", ErrProtocol, e.Name, m.offset, r.cur.pos))
	}
	if int64(len(m.data)) > e.Size-r.cur.pos {
		r.discard()
		r.fail(ctx, i, "the sender sent more than the %d bytes it announced", e.Size)
		return nil
	}
	if _, err := r.cur.f.Write(m.data); err != nil {
		return r.writeError(ctx, i, err)
	}
	r.cur.h.Write(m.data)
	n := int64(len(m.data))
	r.cur.pos += n
	r.rep.Moved += n
	r.done += n
	if r.opt.Progress != nil {
		r.opt.Progress(Progress{Name: e.Name, FileDone: r.cur.pos, FileSize: e.Size, Done: r.done, Total: r.rep.Total})
	}
	return nil
}

// discard closes and removes the file being written, which failed.
func (r *receiver) discard() {
	if r.cur == nil {
		return
	}
	if r.cur.f != nil {
		r.cur.f.Close()
		r.root.Remove(tempName(r.entries[r.cur.index].Name))
	}
	r.cur = nil
}

// fail acknowledges entry i as failed; a file's later data is dropped.
func (r *receiver) fail(ctx context.Context, i int, format string, args ...any) error {
	r.rep.problem(r.entries[i].Name, format, args...)
	r.state[i] = stateIgnoring
	if r.entries[i].Kind != File {
		r.state[i] = stateDone
	}
	return r.send(ctx, ack{index: uint64(i), failed: true, reason: fmt.Sprintf(format, args...)})
}

// done1 acknowledges entry i as delivered.
func (r *receiver) done1(ctx context.Context, i int) error {
	r.state[i] = stateDone
	r.rep.Delivered++
	if r.entries[i].Kind == File {
		r.rep.DeliveredFiles++
	}
	return r.send(ctx, ack{index: uint64(i)})
}

func (r *receiver) fileSkip(ctx context.Context, m fileSkip) error {
	i, err := r.file(ctx, m.index, "FILESKIP")
	if err != nil {
		return err
	}
	if r.state[i] == stateIgnoring {
		r.state[i] = stateDone
		return nil
	}
	r.discard()
	err = r.fail(ctx, i, "the sender skipped it: %s", m.reason)
	r.state[i] = stateDone
	return err
}

func (r *receiver) fileEnd(ctx context.Context, m fileEnd) error {
	i, err := r.file(ctx, m.index, "FILEEND")
	if err != nil {
		return err
	}
	if r.state[i] == stateIgnoring {
		r.state[i] = stateDone
		return nil
	}
	e := r.entries[i]
	it, planned := r.plan[i]
	if r.cur == nil && planned && it.what == planHave {
		// No data: the sender has the same file.
		if m.hash != it.hash {
			err := r.fail(ctx, i, "the sender's SHA-256 differs from the existing file's, but it sent no data")
			r.state[i] = stateDone
			return err
		}
		r.rep.Present += e.Size
		r.done += e.Size
		return r.done1(ctx, i)
	}
	if r.cur == nil {
		offset := int64(0)
		if planned && it.what == planResume {
			offset = int64(it.offset)
		}
		if err := r.start(ctx, i, offset); err != nil {
			return err
		}
	}
	cur := r.cur
	if cur.pos != e.Size {
		r.discard()
		err := r.fail(ctx, i, "the sender announced %d bytes but sent %d", e.Size, cur.pos)
		r.state[i] = stateDone
		return err
	}
	if [32]byte(cur.h.Sum(nil)) != m.hash {
		r.discard()
		err := r.fail(ctx, i, "its SHA-256 does not match the sender's")
		r.state[i] = stateDone
		return err
	}
	mode := fs.FileMode(0o644)
	if e.Exec {
		mode = 0o755
	}
	if err := cur.f.Chmod(mode); err != nil {
		return r.writeError(ctx, i, err)
	}
	if err := cur.f.Close(); err != nil {
		return r.writeError(ctx, i, err)
	}
	cur.f = nil
	r.cur = nil
	if err := r.place(tempName(e.Name), e.Name, r.opt.Overwrite); err != nil {
		r.root.Remove(tempName(e.Name))
		err := r.fail(ctx, i, "cannot put it in place: %v", unwrapPath(err))
		r.state[i] = stateDone
		return err
	}
	if r.opt.Progress != nil && e.Size == 0 {
		r.opt.Progress(Progress{Name: e.Name, Done: r.done, Total: r.rep.Total})
	}
	return r.done1(ctx, i)
}

// place renames tmp to name. Without replace it never replaces an existing
// file: it links the new name (which fails when the name exists) and
// removes the temporary one.
func (r *receiver) place(tmp, name string, replace bool) error {
	if replace {
		return r.root.Rename(tmp, name)
	}
	err := r.root.Link(tmp, name)
	if err == nil {
		return r.root.Remove(tmp)
	}
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("a file of that name appeared meanwhile")
	}
	// A file system without hard links: check, then rename.
	if _, lerr := r.root.Lstat(name); lerr == nil {
		return fmt.Errorf("a file of that name appeared meanwhile")
	}
	return r.root.Rename(tmp, name)
}

// end handles the sender's END: the links, then the receiver's END.
func (r *receiver) end(ctx context.Context) error {
	if r.cur != nil {
		return r.abort(ctx, fmt.Errorf("%w: END in the middle of %q", ErrProtocol, r.entries[r.cur.index].Name))
	}
	for i, e := range r.entries {
		if r.state[i] != statePending {
			continue
		}
		var err error
		switch e.Kind {
		case File:
			err = r.fail(ctx, i, "the sender did not send it")
			r.state[i] = stateDone
		case Link:
			err = r.link(ctx, i, e)
		}
		if err != nil {
			return err
		}
	}
	return r.send(ctx, endMsg{})
}

// link creates the symbolic link of entry i.
func (r *receiver) link(ctx context.Context, i int, e Entry) error {
	if t, err := r.root.Readlink(e.Name); err == nil && t == e.Target {
		return r.done1(ctx, i)
	}
	if dir := path.Dir(e.Name); dir != "." {
		if err := r.root.MkdirAll(dir, 0o755); err != nil {
			return r.fail(ctx, i, "cannot create its folder: %v", unwrapPath(err))
		}
	}
	if r.opt.Overwrite {
		if fi, err := r.root.Lstat(e.Name); err == nil && !fi.IsDir() {
			r.root.Remove(e.Name)
		}
	}
	if err := r.root.Symlink(e.Target, e.Name); err != nil {
		return r.fail(ctx, i, "cannot create the link: %v", unwrapPath(err))
	}
	return r.done1(ctx, i)
}

// unwrapPath drops the operation and path of a *fs.PathError, which name
// the temporary file; the caller names the entry.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}

// describe names what a file-system entry is.
func describe(fi fs.FileInfo) string {
	switch m := fi.Mode(); {
	case m.IsRegular():
		return "file"
	case m.IsDir():
		return "folder"
	case m&fs.ModeSymlink != 0:
		return "link"
	}
	return "special file"
}
