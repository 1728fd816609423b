package gather

import (
	"fmt"
	"strings"
	"sync"

	"github.com/pion/logging"
)

// maxWarnings caps the kept log lines (each kept once); a broken server must
// not grow the result without bound.
const maxWarnings = 200

// redacted replaces a secret in every log line.
const redacted = "[redacted]"

// capture is a pion LoggerFactory: it keeps WARN and ERROR lines as
// evidence (that is where ICE reports a failed TURN allocation), removes the
// secrets from every line, and forwards the redacted lines to next, if any,
// one at a time (pion's loggers do not share a lock) and only until it is
// closed (pion goroutines may outlive the run).
type capture struct {
	next    logging.LoggerFactory
	secrets []string

	mu     sync.Mutex
	lines  []string
	seen   map[string]bool
	closed bool
}

func newCapture(next logging.LoggerFactory, secrets []string) *capture {
	return &capture{next: next, secrets: secrets, seen: map[string]bool{}}
}

// NewLogger implements logging.LoggerFactory.
func (c *capture) NewLogger(scope string) logging.LeveledLogger {
	l := &scopedLogger{c: c, scope: scope}
	if c.next != nil {
		l.next = c.next.NewLogger(scope)
	}
	return l
}

func (c *capture) redact(s string) string {
	for _, secret := range c.secrets {
		s = strings.ReplaceAll(s, secret, redacted)
	}
	return s
}

// keep adds line once, however often it is logged, up to maxWarnings lines.
func (c *capture) keep(line string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.keepLocked(line)
}

func (c *capture) keepLocked(line string) {
	if !c.closed && len(c.lines) < maxWarnings && !c.seen[line] {
		c.seen[line] = true
		c.lines = append(c.lines, line)
	}
}

// close ends keeping and forwarding and returns the kept lines.
func (c *capture) close() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	return append([]string{}, c.lines...)
}

// Lines returns a copy of the kept lines.
func (c *capture) Lines() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string{}, c.lines...)
}

// scopedLogger is one scope's logger of a capture.
type scopedLogger struct {
	c     *capture
	scope string
	next  logging.LeveledLogger
}

// emit redacts msg, keeps it when keep is set and forwards it with fwd.
func (l *scopedLogger) emit(keep bool, msg string, fwd func(logging.LeveledLogger, string)) {
	msg = l.c.redact(msg)
	l.c.mu.Lock()
	defer l.c.mu.Unlock()
	if l.c.closed {
		return
	}
	if keep {
		l.c.keepLocked(l.scope + ": " + msg)
	}
	if l.next != nil {
		fwd(l.next, msg)
	}
}

// forwardf formats only when someone listens: pion traces a lot.
func (l *scopedLogger) forwardf(fwd func(logging.LeveledLogger, string), f string, a []any) {
	if l.next != nil {
		l.emit(false, fmt.Sprintf(f, a...), fwd)
	}
}

func (l *scopedLogger) Trace(m string)            { l.emit(false, m, logging.LeveledLogger.Trace) }
func (l *scopedLogger) Tracef(f string, a ...any) { l.forwardf(logging.LeveledLogger.Trace, f, a) }
func (l *scopedLogger) Debug(m string)            { l.emit(false, m, logging.LeveledLogger.Debug) }
func (l *scopedLogger) Debugf(f string, a ...any) { l.forwardf(logging.LeveledLogger.Debug, f, a) }
func (l *scopedLogger) Info(m string)             { l.emit(false, m, logging.LeveledLogger.Info) }
func (l *scopedLogger) Infof(f string, a ...any)  { l.forwardf(logging.LeveledLogger.Info, f, a) }
func (l *scopedLogger) Warn(m string)             { l.emit(true, m, logging.LeveledLogger.Warn) }
func (l *scopedLogger) Warnf(f string, a ...any)  { l.Warn(fmt.Sprintf(f, a...)) }
func (l *scopedLogger) Error(m string)            { l.emit(true, m, logging.LeveledLogger.Error) }
func (l *scopedLogger) Errorf(f string, a ...any) { l.Error(fmt.Sprintf(f, a...)) }
