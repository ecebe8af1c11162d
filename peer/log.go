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

type pionLogger struct {
	logf  func(format string, args ...any)
	scope string
}

func (l pionLogger) log(level, msg string) {
	if l.logf != nil {
		l.logf("pion %s %s: %s", l.scope, level, msg)
	}
}

func (pionLogger) Trace(string)          {}
func (pionLogger) Tracef(string, ...any) {}
func (pionLogger) Debug(string)          {}
func (pionLogger) Debugf(string, ...any) {}
func (pionLogger) Info(string)           {}
func (pionLogger) Infof(string, ...any)  {}

func (l pionLogger) Warn(msg string) { l.log("warning", msg) }

func (l pionLogger) Warnf(format string, args ...any) { l.log("warning", fmt.Sprintf(format, args...)) }

func (l pionLogger) Error(msg string) { l.log("error", msg) }

func (l pionLogger) Errorf(format string, args ...any) { l.log("error", fmt.Sprintf(format, args...)) }
