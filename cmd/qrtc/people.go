package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
)

// How qrtc reports an error to people (the convention every command
// follows, checked by TestEveryErrorReadsWell):
//
//	qrtc: CAUSE                 what went wrong, with the offending value
//	      WHAT TO DO            one line, when there is something to do
//
// Build such errors with failf(code, todo, format, args...): the cause is
// formatted like fmt.Errorf (wrap sentinels with %w), todo is what to do,
// without final period. Flags are named as people type them ("--png"),
// never as Go names; the text of library errors keeps its meaning but
// loses its package prefix ("sdpcompact: ", "peer: ") here.

// indentTodo lines the second line up under the cause, after "qrtc: ".
const indentTodo = "      "

// explain splits err into the line that says what went wrong and the line
// that says what to do (empty when the error does not say).
func explain(err error) (cause, todo string) {
	for e := err; e != nil; e = errors.Unwrap(e) {
		if ee, ok := e.(*exitError); ok && ee.todo != "" {
			todo = ee.todo
			break
		}
	}
	cause = err.Error()
	if todo != "" {
		cause = strings.Replace(cause, ": "+todo, "", 1)
	}
	return forPeople(cause), forPeople(todo)
}

// libraryPrefix matches the package name that a library error starts with,
// at the start of a text or after a ": " or "(" where it was wrapped.
// "qrtc qr:" and "qrtc relay:" are commands, not prefixes: a space comes
// before them.
var libraryPrefix = regexp.MustCompile(`(^|: |\()(sdpcompact|peer|qr|relay|ice|turn|dtls|webrtc|transfer|rendezvous|cpace): `)

// forPeople turns error text into one line without library prefixes.
func forPeople(s string) string {
	s = strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ")), " ")
	for {
		t := libraryPrefix.ReplaceAllString(s, "$1")
		if t == s {
			return s
		}
		s = t
	}
}

// reworded is an error whose text people read differs from the text of the
// error it wraps, which errors.Is and errors.As still see.
type reworded struct {
	text string
	err  error
}

func (r *reworded) Error() string { return r.text }
func (r *reworded) Unwrap() error { return r.err }

// reword returns err with the text format gives it: for library errors
// whose own text is long or names Go identifiers.
func reword(err error, format string, args ...any) error {
	return &reworded{text: fmt.Sprintf(format, args...), err: err}
}

// withTodo attaches an exit code and what to do to err.
func withTodo(code int, todo string, err error) error {
	return &exitError{code: code, err: err, todo: todo}
}

// writeError prints err for people: "qrtc: CAUSE" and, on a second line,
// what to do.
func writeError(w io.Writer, err error) {
	cause, todo := explain(err)
	if !strings.HasPrefix(cause, "qrtc") {
		cause = "qrtc: " + cause
	}
	if todo == "" {
		fmt.Fprintf(w, "%s\n", cause)
		return
	}
	fmt.Fprintf(w, "%s\n%s%s\n", cause, indentTodo, todo)
}

// didYouMean returns the choice closest to word ("offer" for "ofer"), or ""
// when none is close: at most one edit for short words, two for longer, or
// word is the start of exactly one choice.
func didYouMean(word string, choices []string) string {
	best, bestDist := "", 3
	if len(word) < 5 {
		bestDist = 2
	}
	var prefixed []string
	for _, c := range choices {
		if len(word) >= 2 && strings.HasPrefix(c, word) {
			prefixed = append(prefixed, c)
		}
		if d := editDistance(strings.ToLower(word), c); d < bestDist {
			best, bestDist = c, d
		}
	}
	if best == "" && len(prefixed) == 1 {
		best = prefixed[0]
	}
	return best
}

// editDistance is the Damerau-Levenshtein distance (optimal string
// alignment) between a and b: insertions, deletions, substitutions and
// swaps of two neighbours count one each.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

// fileError explains why the file that flag (such as "--png") names could
// not be written, in terms of path as it was given: never the name of the
// temporary file that atomic writes go through.
func fileError(flag, path string, err error) error {
	dir := filepath.Dir(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return failf(exitBadInput, "create it first, or give a path in an existing directory", "qrtc: cannot write %s %s: there is no directory %s", flag, path, dir)
	case errors.Is(err, fs.ErrPermission):
		return failf(exitBadInput, "give a path in a directory you may write to", "qrtc: cannot write %s %s: no permission to write in %s", flag, path, dir)
	case errors.Is(err, syscall.EISDIR) || errors.Is(err, syscall.EEXIST) || errors.Is(err, syscall.ENOTEMPTY):
		return failf(exitBadInput, "give the path of a file, not of a directory", "qrtc: cannot write %s %s: it is a directory", flag, path)
	case errors.Is(err, syscall.ENOSPC):
		return failf(exitBadInput, "free some space, or give a path on another disk", "qrtc: cannot write %s %s: the disk is full", flag, path)
	}
	why := err
	for {
		var pe *fs.PathError
		var le *os.LinkError
		switch {
		case errors.As(why, &pe):
			why = pe.Err
			continue
		case errors.As(why, &le):
			why = le.Err
			continue
		}
		break
	}
	return failf(exitBadInput, "give another path", "qrtc: cannot write %s %s: %v", flag, path, why)
}

// libraryError explains err, an error of one of qrtc's libraries, whose
// text says what went wrong and, after its last "; ", what to do: cause
// ("qrtc: bad token") comes first, the library's advice (or todo when it
// gives none) second.
func libraryError(code int, cause, todo string, err error) error {
	text := forPeople(err.Error())
	if i := strings.LastIndex(text, "; "); i > 0 {
		text, todo = text[:i], text[i+2:]
	}
	return withTodo(code, todo, reword(err, "%s: %s", cause, text))
}

// clip shortens s to at most n characters for a message, marking the cut.
func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-3]) + "..."
	}
	return s
}

// inCommand names the command an error happened in: "qrtc scan: CAUSE"
// instead of "qrtc: CAUSE".
func inCommand(cmd string, err error) error {
	text := strings.TrimPrefix(err.Error(), "qrtc: ")
	return reword(err, "qrtc %s: %s", cmd, text)
}

// netCause returns the last part of a network error's text ("address
// already in use" of "listen tcp 127.0.0.1:8080: bind: address already in
// use"), which says what went wrong without the call that failed.
func netCause(err error) string {
	text := err.Error()
	if i := strings.LastIndex(text, ": "); i >= 0 {
		return text[i+2:]
	}
	return text
}
