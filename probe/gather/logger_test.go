package gather

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/pion/logging"
)

// TestCaptureRedacts: every level is redacted on the way to the next
// logger; only WARN and ERROR are kept, each once.
func TestCaptureRedacts(t *testing.T) {
	const secret = "pw-hunter2-xyz"
	var buf bytes.Buffer
	next := logging.NewDefaultLoggerFactory()
	next.Writer, next.DefaultLogLevel = &buf, logging.LogLevelTrace
	c := newCapture(next, []string{secret})
	l := c.NewLogger("turnc")
	l.Tracef("trace %s", secret)
	l.Debug("debug " + secret)
	l.Infof("info %s", secret)
	l.Warnf("allocate for alice/%s failed", secret)
	l.Warnf("allocate for alice/%s failed", secret)
	l.Error("error " + secret)
	want := []string{"turnc: allocate for alice/[redacted] failed", "turnc: error [redacted]"}
	if got := c.Lines(); !slices.Equal(got, want) {
		t.Errorf("kept %q, want %q", got, want)
	}
	out := buf.String()
	if strings.Contains(out, secret) || strings.Count(out, redacted) != 6 {
		t.Errorf("forwarded log leaks or misses lines:\n%s", out)
	}
}

func TestCaptureBounded(t *testing.T) {
	c := newCapture(nil, nil)
	l := c.NewLogger("ice")
	for i := range 2 * maxWarnings {
		l.Warnf("warning %d", i)
	}
	if n := len(c.Lines()); n != maxWarnings {
		t.Errorf("kept %d lines, want %d", n, maxWarnings)
	}
}

// TestServerPrintsNoPassword: no fmt verb prints a TURNServer's password,
// alone or inside Options.
func TestServerPrintsNoPassword(t *testing.T) {
	const secret = "pw-hunter2-xyz"
	o := Options{TURN: []TURNServer{{URL: "turn:turn.example.org", User: "alice", Password: secret}}}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		if s := fmt.Sprintf(verb, o); strings.Contains(s, secret) {
			t.Errorf("%s prints the password: %s", verb, s)
		}
		if s := fmt.Sprintf(verb, o.TURN[0]); strings.Contains(s, secret) || !strings.Contains(s, "alice") {
			t.Errorf("%s of a TURNServer: %s", verb, s)
		}
	}
}

// TestCaptureClosed: once the run is over, late pion lines go nowhere.
func TestCaptureClosed(t *testing.T) {
	var buf bytes.Buffer
	next := logging.NewDefaultLoggerFactory()
	next.Writer, next.DefaultLogLevel = &buf, logging.LogLevelTrace
	c := newCapture(next, nil)
	l := c.NewLogger("turnc")
	l.Warn("during")
	kept := c.close()
	l.Warn("after")
	l.Info("after")
	if !slices.Equal(kept, []string{"turnc: during"}) || !slices.Equal(c.Lines(), kept) || strings.Contains(buf.String(), "after") {
		t.Errorf("kept %q, then %q; forwarded:\n%s", kept, c.Lines(), buf.String())
	}
}
