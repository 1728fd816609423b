package main

import "log/slog"

// newServerLogger is the server's structured log on stderr: text or JSON,
// at the chosen level.
func newServerLogger(o *ServerOptions) *slog.Logger {
	ho := &slog.HandlerOptions{Level: o.LogLevel}
	if o.LogJSON {
		return slog.New(slog.NewJSONHandler(o.IO.ErrOut, ho))
	}
	return slog.New(slog.NewTextHandler(o.IO.ErrOut, ho))
}
