package turnserver

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/pion/logging"
)

func TestSlogFactory(t *testing.T) {
	tests := []struct {
		name  string
		level slog.Level
		log   func(logging.LeveledLogger)
		want  string // "" means nothing is written
	}{
		{"info is debug: hidden at info", slog.LevelInfo, func(l logging.LeveledLogger) {
			l.Infof("relay %d", 7)
		}, ""},
		{"info is debug: shown at debug", slog.LevelDebug, func(l logging.LeveledLogger) {
			l.Infof("relay %d", 7)
		}, `level=DEBUG msg="relay 7" pion=turn`},
		{"warn formatted", slog.LevelInfo, func(l logging.LeveledLogger) {
			l.Warnf("slow %s", "peer")
		}, `level=WARN msg="slow peer" pion=turn`},
		{"error", slog.LevelInfo, func(l logging.LeveledLogger) {
			l.Error("boom")
		}, `level=ERROR msg=boom pion=turn`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			h := slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: tt.level,
				ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
					if a.Key == slog.TimeKey {
						return slog.Attr{}
					}
					return a
				}})
			tt.log(SlogFactory(slog.New(h)).NewLogger("turn"))
			if got := strings.TrimSpace(buf.String()); got != tt.want {
				t.Fatalf("logged %q, want %q", got, tt.want)
			}
		})
	}
}
