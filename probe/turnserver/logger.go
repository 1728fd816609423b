package turnserver

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/pion/logging"
)

// SlogFactory routes pion's logs into l, each logger tagged with its scope.
// pion's Trace, Debug and Info are chatty per packet, so they become Debug.
func SlogFactory(l *slog.Logger) logging.LoggerFactory { return slogFactory{l} }

type slogFactory struct{ l *slog.Logger }

func (f slogFactory) NewLogger(scope string) logging.LeveledLogger {
	return slogLogger{f.l.With("pion", scope)}
}

type slogLogger struct{ l *slog.Logger }

func (s slogLogger) log(level slog.Level, msg string) {
	s.l.Log(context.Background(), level, msg)
}

func (s slogLogger) logf(level slog.Level, format string, args ...any) {
	if s.l.Enabled(context.Background(), level) {
		s.l.Log(context.Background(), level, fmt.Sprintf(format, args...))
	}
}

func (s slogLogger) Trace(msg string)             { s.log(slog.LevelDebug, msg) }
func (s slogLogger) Tracef(f string, args ...any) { s.logf(slog.LevelDebug, f, args...) }
func (s slogLogger) Debug(msg string)             { s.log(slog.LevelDebug, msg) }
func (s slogLogger) Debugf(f string, args ...any) { s.logf(slog.LevelDebug, f, args...) }
func (s slogLogger) Info(msg string)              { s.log(slog.LevelDebug, msg) }
func (s slogLogger) Infof(f string, args ...any)  { s.logf(slog.LevelDebug, f, args...) }
func (s slogLogger) Warn(msg string)              { s.log(slog.LevelWarn, msg) }
func (s slogLogger) Warnf(f string, args ...any)  { s.logf(slog.LevelWarn, f, args...) }
func (s slogLogger) Error(msg string)             { s.log(slog.LevelError, msg) }
func (s slogLogger) Errorf(f string, args ...any) { s.logf(slog.LevelError, f, args...) }
