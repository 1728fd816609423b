package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/natcheck/natcheck/probe/rendezvous"
	"github.com/natcheck/natcheck/probe/responder"
	"github.com/natcheck/natcheck/probe/responder/metrics"
	"github.com/natcheck/natcheck/probe/turnserver"
)

// metricsShutdownTimeout bounds how long a scrape in progress may delay exit.
const metricsShutdownTimeout = 5 * time.Second

// runServer serves until ctx ends (SIGINT/SIGTERM in main), then closes
// everything and returns nil: a clean stop exits 0.
func runServer(ctx context.Context, o *ServerOptions) error {
	log := newServerLogger(o)
	m := metrics.New()
	if o.Layout.Primary.IsValid() {
		srv, err := startResponder(o, m, log)
		if err != nil {
			return withCode(ExitFailure, err)
		}
		defer closeLogged(log, "stun responder", srv.Close)
		logLayout(log, o.Layout)
	}
	if o.Rendezvous.Listen != "" {
		stop, err := serveRendezvous(ctx, o.Rendezvous.Listen, o.Rendezvous.Token, log)
		if err != nil {
			return withCode(ExitFailure, err)
		}
		defer stop()
	}
	if o.TURN != nil {
		ts, err := startTURN(o, m, log)
		if err != nil {
			return withCode(ExitFailure, err)
		}
		defer closeLogged(log, "turn server", ts.Close)
	}
	if o.MetricsListen != "" {
		stop, err := serveMetrics(o.MetricsListen, m, log)
		if err != nil {
			return withCode(ExitFailure, err)
		}
		defer stop()
	}
	<-ctx.Done()
	log.Info("shutting down", "cause", context.Cause(ctx).Error())
	return nil
}

// serveRendezvous serves the pair-test rendezvous until stop; it logs the
// address, never the token.
func serveRendezvous(ctx context.Context, addr, token string, log *slog.Logger) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("rendezvous: %w", err)
	}
	log.Info("rendezvous listening", "listen", ln.Addr().String())
	sctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := rendezvous.Serve(sctx, ln, rendezvous.Options{Token: token}); err != nil && sctx.Err() == nil {
			log.Error("rendezvous stopped", "err", err.Error())
		}
	}()
	return func() { cancel(); <-done; log.Info("rendezvous stopped") }, nil
}

// startResponder runs the RFC 5780 responder with the rate limit and the
// counting hooks.
func startResponder(o *ServerOptions, m *metrics.Metrics, log *slog.Logger) (*responder.Server, error) {
	var allow func(net.Addr) bool
	if o.Limit.Rate > 0 {
		lim, err := responder.NewLimiter(o.Limit)
		if err != nil {
			return nil, fmt.Errorf("rate limit: %w", err)
		}
		allow = lim.Allow
		m.Gauge("stun_rate_limit_sources", "Sources the rate limiter remembers.", func() float64 { return float64(lim.Len()) })
	}
	debug := responder.Hooks{Dropped: func(reason error) { log.Debug("datagram dropped", "reason", reason.Error()) }}
	listen := net.ListenPacket
	if o.Net != nil {
		listen = o.Net.ListenPacket
	}
	srv, err := responder.Start(listen, o.Layout, m.Hooks(allow, debug))
	if err != nil {
		return nil, fmt.Errorf("stun responder: %w", err)
	}
	return srv, nil
}

// logLayout is the start-up line: where the responder listens, and port-only
// mode when there is one IP.
func logLayout(log *slog.Logger, l responder.Layout) {
	addrs := make([]string, 0, 4)
	for _, e := range l.Endpoints() {
		addrs = append(addrs, l.Addr(e).String())
	}
	if l.PortOnly() {
		log.Warn("stun responder listening in port-only mode: one IP, so OTHER-ADDRESS is omitted and change-IP requests get 420",
			"mode", "port-only", "listen", addrs, "software", l.Software)
		return
	}
	log.Info("stun responder listening (RFC 5780)", "mode", "rfc5780", "listen", addrs,
		"primary", l.Primary.String(), "alternate", l.Alternate.String(), "software", l.Software)
}

// startTURN runs the TURN server; it logs user names, never passwords.
func startTURN(o *ServerOptions, m *metrics.Metrics, log *slog.Logger) (*turnserver.Server, error) {
	t := *o.TURN
	t.Events = m.TURNEvents()
	t.Logger = turnserver.SlogFactory(log)
	ts, err := turnserver.Start(t)
	if err != nil {
		return nil, fmt.Errorf("turn server: %w", err)
	}
	m.Gauge("turn_quota_per_user", "Live TURN allocations allowed per user.", func() float64 { return float64(t.Quota) })
	names := make([]string, len(t.Users))
	for i, u := range t.Users {
		names[i] = u.Name
	}
	log.Info("turn server listening", "listen", ts.Addr().String(), "tcp", t.TCP, "realm", t.Realm,
		"users", names, "quota", t.Quota, "relay_ports", fmt.Sprintf("%d-%d", t.RelayMin, t.RelayMax))
	return ts, nil
}

// serveMetrics serves /metrics on addr; stop shuts it down.
func serveMetrics(addr string, m *metrics.Metrics, log *slog.Logger) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("metrics listen: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second,
		WriteTimeout: 10 * time.Second, IdleTimeout: time.Minute, MaxHeaderBytes: 16 << 10}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("metrics server stopped", "err", err.Error())
		}
	}()
	log.Info("metrics listening", "url", "http://"+ln.Addr().String()+"/metrics")
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), metricsShutdownTimeout)
		defer cancel()
		_ = hs.Shutdown(ctx)
		<-done
	}, nil
}

// closeLogged closes one part at shutdown, logging a failure.
func closeLogged(log *slog.Logger, what string, close func() error) {
	if err := close(); err != nil {
		log.Error("close failed", "what", what, "err", err.Error())
		return
	}
	log.Info("stopped", "what", what)
}
