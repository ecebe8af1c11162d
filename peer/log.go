package peer

import (
	"fmt"

	"github.com/pion/logging"
)

// pionLogs hands pion's warnings and errors to Config.Logf and drops the
// rest. Without it pion prints errors to standard output, which the qrtc
// command keeps for data.
type pionLogs struct {
	logf func(format string, args ...any) // nil: drop everything
}

// NewLogger returns a logger for one pion component.
func (f pionLogs) NewLogger(scope string) logging.LeveledLogger {
	return pionLogger{logf: f.logf, scope: scope}
}

// pionLogger is the logger of one pion component: it prefixes the
// component's scope and passes warnings and errors on.
type pionLogger struct {
	logf  func(format string, args ...any)
	scope string
}

func (l pionLogger) log(level, msg string) {
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
