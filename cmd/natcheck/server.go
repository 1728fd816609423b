package main

import (
	"context"
	"log/slog"
	"os"

	"github.com/natcheck/natcheck/probe/responder"
	"github.com/natcheck/natcheck/probe/turnserver"
	"github.com/pion/transport/v4"
	"github.com/spf13/cobra"
)

// ServerOptions are `natcheck server`'s inputs once flags are parsed.
type ServerOptions struct {
	IO  *IOStreams
	Net transport.Net // nil: the host's network

	Layout        responder.Layout
	Limit         responder.LimitOptions // Rate 0: no rate limit
	MetricsListen string                 // "": no metrics endpoint
	LogJSON       bool
	LogLevel      slog.Level
	TURN          *turnserver.Options // nil: no TURN server
	// Rendezvous serves the pair test's signaling (HTTP long-poll) when
	// Listen is set; Token is the shared secret, never logged.
	Rendezvous struct{ Listen, Token string }
}

// serverFlags are the flag values before validation.
type serverFlags struct {
	primary, alternate string
	logFormat          string
	logLevel           string
	turnUsers          []string
	relayPorts         string
	turnTCP            bool
	turn               turnserver.Options
	rendezvousToken    string
}

// newServerCmd is `natcheck server`: the RFC 5780 responder, and with
// --turn-user a TURN server beside it. runF replaces the run in tests of
// flag parsing.
func newServerCmd(f *Factory, runF func(context.Context, *ServerOptions) error) *cobra.Command {
	opts := &ServerOptions{IO: f.IO, Net: f.Net}
	var fl serverFlags
	cmd := &cobra.Command{
		Use:   "server --primary IP [--alternate IP] | --rendezvous-listen ADDR",
		Short: "Run an RFC 5780 STUN server (and optionally TURN and the pair-test rendezvous)",
		Long: `server answers STUN Binding requests as an RFC 5780 NAT behaviour discovery
server: on a primary and an alternate IP, each on two ports, with XOR-MAPPED-ADDRESS,
MAPPED-ADDRESS, OTHER-ADDRESS, RESPONSE-ORIGIN, SOFTWARE and FINGERPRINT, and
CHANGE-REQUEST answered from the socket it asks for. With one IP it runs in
port-only mode: OTHER-ADDRESS is omitted, so that clients draw no filtering
conclusions, and change-IP requests get 420.

It is meant for the open internet: it answers only well-formed Binding
requests, only to their source address, within a per-source rate limit (a token
bucket per IPv4 address or IPv6 /64, at most --max-sources remembered), in
bounded memory. Logs go to stderr; SIGINT or SIGTERM stops it cleanly.

With --turn-user it also runs a TURN server (pion/turn) on the primary IP at
--turn-port, UDP and TCP, relaying from --relay-ports, at most --turn-quota live
allocations per user. Give the password as NAME:PASSWORD or, to keep it out of
the process list, as NAME with the password in ` + turnPasswordEnv + `.
Passwords are never logged.

With --rendezvous-listen it serves the rendezvous that "natcheck pair
--rendezvous" uses (HTTP long-poll; rooms of two that expire; bounded message
sizes), alone or beside the STUN server. Only peers with the shared token
(--rendezvous-token or, better, ` + pairTokenEnv + `) may join.

Exit codes: 0 after SIGINT or SIGTERM, 2 for a usage error, 4 when a socket
cannot be opened.`,
		Example: `  natcheck server --primary 203.0.113.10 --alternate 203.0.113.11
  natcheck server --primary 203.0.113.10 --rate 0 --metrics-listen 127.0.0.1:9478
  ` + turnPasswordEnv + `=s3cret natcheck server --primary 203.0.113.10 --alternate 203.0.113.11 \
      --turn-user alice --turn-realm example.org --relay-ports 50000-50999
  ` + pairTokenEnv + `=… natcheck server --rendezvous-listen :8080`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := opts.resolve(cmd, &fl, os.Getenv(turnPasswordEnv)); err != nil {
				return err
			}
			if err := opts.resolveRendezvous(&fl, os.Getenv(pairTokenEnv)); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runServer(cmd.Context(), opts)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&fl.primary, "primary", "", "primary IP to serve STUN on (required unless only --rendezvous-listen)")
	fs.StringVar(&fl.alternate, "alternate", "", "alternate IP; without it the server runs in port-only mode")
	fs.Uint16Var(&opts.Layout.Port, "port", 3478, "primary port")
	fs.Uint16Var(&opts.Layout.AltPort, "alt-port", 3479, "alternate port")
	fs.StringVar(&opts.Layout.Software, "software", "natcheck "+f.Version, "SOFTWARE attribute of responses")
	fs.Float64Var(&opts.Limit.Rate, "rate", responder.DefaultRate, "requests a second allowed per source, refilled continuously; 0 turns the limit off")
	fs.IntVar(&opts.Limit.Burst, "burst", responder.DefaultBurst, "requests a source may send at once before --rate applies (a natcheck run sends up to a few hundred)")
	fs.IntVar(&opts.Limit.MaxSources, "max-sources", responder.DefaultMaxSources, "sources the rate limiter remembers; the least recent are forgotten")
	fs.StringVar(&opts.MetricsListen, "metrics-listen", "", "serve Prometheus metrics at http://ADDR/metrics, e.g. 127.0.0.1:9478")
	fs.StringVar(&fl.logFormat, "log-format", "text", "log format on stderr: text or json")
	fs.StringVar(&fl.logLevel, "log-level", "info", "log level: debug, info, warn or error")
	fs.StringArrayVar(&fl.turnUsers, "turn-user", nil, "run TURN with this user, NAME:PASSWORD or NAME (password from "+turnPasswordEnv+"); repeatable")
	fs.StringVar(&fl.turn.Realm, "turn-realm", turnserver.DefaultRealm, "TURN realm")
	fs.Uint16Var(&fl.turn.Port, "turn-port", turnserver.DefaultPort, "TURN port on the primary IP, UDP and TCP")
	fs.BoolVar(&fl.turnTCP, "turn-tcp", true, "also serve TURN over TCP")
	fs.StringVar(&fl.relayPorts, "relay-ports", "49152-65535", "TURN relay port range MIN-MAX on the primary IP")
	fs.IntVar(&fl.turn.Quota, "turn-quota", turnserver.DefaultQuota, "live TURN allocations allowed per user (more get 486)")
	fs.IntVar(&fl.turn.MaxTCPConns, "turn-max-conns", turnserver.DefaultMaxTCPConns, "TURN TCP connections served at once")
	fs.StringVar(&opts.Rendezvous.Listen, "rendezvous-listen", "", "serve the pair-test rendezvous (HTTP) at HOST:PORT")
	fs.StringVar(&fl.rendezvousToken, "rendezvous-token", "", "rendezvous shared token (prefer the "+pairTokenEnv+" environment variable)")
	return cmd
}
