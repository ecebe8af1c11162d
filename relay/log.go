package relay

import (
	"fmt"

	"github.com/pion/logging"
)

// loggerFactory hands pion/turn loggers that pass its warnings and errors
// to Config.Logf and drop its debug chatter.
type loggerFactory struct{ srv *Server }

// NewLogger returns the logger for one pion scope.
func (f loggerFactory) NewLogger(scope string) logging.LeveledLogger {
	return pionLogger{srv: f.srv, scope: scope}
}

// pionLogger implements logging.LeveledLogger.
type pionLogger struct {
	srv   *Server
	scope string
}

func (l pionLogger) Trace(string)          {}
func (l pionLogger) Tracef(string, ...any) {}
func (l pionLogger) Debug(string)          {}
func (l pionLogger) Debugf(string, ...any) {}
func (l pionLogger) Info(string)           {}
func (l pionLogger) Infof(string, ...any)  {}
func (l pionLogger) Warn(msg string)       { l.srv.logf("relay: %s warning: %s", l.scope, msg) }
func (l pionLogger) Warnf(format string, args ...any) {
	l.Warn(fmt.Sprintf(format, args...))
}
func (l pionLogger) Error(msg string) { l.srv.logf("relay: %s error: %s", l.scope, msg) }
func (l pionLogger) Errorf(format string, args ...any) {
	l.Error(fmt.Sprintf(format, args...))
}
