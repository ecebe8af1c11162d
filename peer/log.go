package peer

import (
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/pion/logging"
)

// pionLogs hands pion's warnings and errors to Config.Logf and drops the
// rest. Without it pion prints errors to standard output, which the qrtc
// command keeps for data.
type pionLogs struct {
	logf func(format string, args ...any) // nil: drop everything
	turn *turnRefusals                    // records TURN servers that refused; may be nil
}

// NewLogger returns a logger for one pion component.
func (f pionLogs) NewLogger(scope string) logging.LeveledLogger {
	return pionLogger{logf: f.logf, scope: scope, turn: f.turn}
}

// turnRefusals records the TURN servers that answered an allocation with
// an error (RFC 8656 section 7.2: 401 Unauthorized for wrong credentials,
// 403 Forbidden for a refused user), which pion reports only in its log,
// so that gatherWarnings can say so instead of "gave no relay address".
type turnRefusals struct {
	mu     sync.Mutex
	byAddr map[string]string // "host:port" -> "401 Unauthorized"
}

// turnRefusedRE matches pion/ice's log line for a failed allocation whose
// answer was a TURN error response.
var turnRefusedRE = regexp.MustCompile(`failed to allocate on TURN client (\S+) .*\(error ([45]\d\d): ([^)]*)\)`)

// turnReasons are the reason phrases of the TURN error codes (RFC 8489
// section 14.8, RFC 8656 section 18), for servers that send none.
var turnReasons = map[string]string{
	"400": "Bad Request", "401": "Unauthorized", "403": "Forbidden", "437": "Allocation Mismatch",
	"438": "Stale Nonce", "441": "Wrong Credentials", "442": "Unsupported Transport Protocol",
	"486": "Allocation Quota Reached", "508": "Insufficient Capacity",
}

// note records msg if it tells of a refused allocation.
func (t *turnRefusals) note(msg string) {
	m := turnRefusedRE.FindStringSubmatch(msg)
	if m == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.byAddr == nil {
		t.byAddr = map[string]string{}
	}
	reason := strings.TrimSpace(m[3])
	if reason == "" {
		reason = turnReasons[m[2]]
	}
	t.byAddr[m[1]] = strings.TrimSpace(m[2] + " " + reason)
}

// refusal returns why the TURN server at addr ("host:port") refused, or "".
func (t *turnRefusals) refusal(addr string) string {
	if t == nil {
		return ""
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.byAddr[addr]
}

// pionLogger is the logger of one pion component: it prefixes the
// component's scope and passes warnings and errors on.
type pionLogger struct {
	logf  func(format string, args ...any)
	scope string
	turn  *turnRefusals
}

func (l pionLogger) log(level, msg string) {
	if l.turn != nil {
		l.turn.note(msg)
	}
	if l.logf != nil {
		l.logf("pion %s %s: %s", l.scope, level, msg)
	}
}

// Trace drops msg: pion's trace output is not useful to a qrtc user.
func (pionLogger) Trace(string) {}

// Tracef drops its message, like Trace.
func (pionLogger) Tracef(string, ...any) {}

// Debug drops msg: pion's debug output is too detailed for Config.Logf.
func (pionLogger) Debug(string) {}

// Debugf drops its message, like Debug.
func (pionLogger) Debugf(string, ...any) {}

// Info drops msg: pion's informational output repeats what the Peer logs
// itself (states, candidates).
func (pionLogger) Info(string) {}

// Infof drops its message, like Info.
func (pionLogger) Infof(string, ...any) {}

// Warn passes msg to Config.Logf as "pion <scope> warning: msg".
func (l pionLogger) Warn(msg string) { l.log("warning", msg) }

// Warnf formats its message and passes it on like Warn.
func (l pionLogger) Warnf(format string, args ...any) { l.log("warning", fmt.Sprintf(format, args...)) }

// Error passes msg to Config.Logf as "pion <scope> error: msg".
func (l pionLogger) Error(msg string) { l.log("error", msg) }

// Errorf formats its message and passes it on like Error.
func (l pionLogger) Errorf(format string, args ...any) { l.log("error", fmt.Sprintf(format, args...)) }
