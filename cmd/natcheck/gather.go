package main

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/natcheck/natcheck/probe"
	"github.com/natcheck/natcheck/probe/gather"
	"github.com/natcheck/natcheck/report"
	"github.com/pion/logging"
	"github.com/pion/transport/v4"
	"github.com/spf13/cobra"
)

// gatherExitHelp is gather's exit-code section: a failing TURN server is a
// finding, reported in the output, not an error.
var gatherExitHelp = fmt.Sprintf(`Exit codes:
  %d  candidates were gathered (TURN failures are in the output)
  %d  usage error: bad flags or arguments
  %d  no STUN or TURN server answered: host candidates only
  %d  natcheck itself failed
`, ExitOK, ExitUsage, ExitNoSTUN, ExitFailure)

// GatherOptions are `natcheck gather`'s inputs once flags are parsed. The
// TURN servers carry the password; their String leaves it out.
type GatherOptions struct {
	IO      *IOStreams
	Net     transport.Net // nil: the host's network
	Version string

	Servers  []string
	TURN     []gather.TURNServer
	Networks []gather.Network
	TLS      *tls.Config // roots from --turn-ca; nil: the system's
	Format   report.Format
	Timeout  time.Duration
	Verbose  bool
}

// gatherFlags are the raw flags before validation.
type gatherFlags struct {
	out    outputFlags
	v4, v6 bool
	turn   turnFlags
}

// newGatherCmd is `natcheck gather`: the ICE candidates and a diagnosis of
// every TURN server. runF replaces the run in tests of flag parsing.
func newGatherCmd(f *Factory, runF func(context.Context, *GatherOptions) error) *cobra.Command {
	opts := &GatherOptions{IO: f.IO, Net: f.Net, Version: f.Version}
	var fl gatherFlags
	cmd := &cobra.Command{
		Use:   "gather",
		Short: "List the ICE candidates (host, srflx, relay) and check every TURN server",
		Long: `gather collects this host's ICE candidates as a WebRTC agent would (pion/ice): host,
server-reflexive from each STUN server, and relayed from each TURN server, with the
time each arrived, listed as the WebRTC trickle-ICE sample page lists them.

Each TURN server is also checked on its own (pion/turn): the allocation, or why it
failed (bad credentials, 437 allocation mismatch, 486 quota, 508 capacity, connection
refused, TLS or certificate error, timeout), the relayed address, the lifetime, and a
round trip of data through the relay.

TURN URLs follow RFC 7065: turn:host[:port][?transport=udp|tcp] and turns:host[:port]
(TLS). Every --turn uses --turn-user and the password from --turn-password or, better,
the ` + turnPasswordEnv + ` environment variable. The password is never printed.

` + gatherExitHelp,
		Example: `  natcheck gather
  NATCHECK_TURN_PASSWORD=s3cret natcheck gather --turn turn:turn.example.org --turn-user alice
  natcheck gather -s stun.example.org --turn 'turn:turn.example.org:3478?transport=tcp' \
      --turn turns:turn.example.org --turn-user alice --turn-ca ca.pem --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := opts.set(&fl, f.DefaultServers); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runGather(cmd.Context(), opts)
		},
	}
	fs := cmd.Flags()
	fs.StringArrayVarP(&opts.Servers, "server", "s", nil, "STUN server, host[:port] or stun:host[:port]; repeatable (default: built-in public servers)")
	fl.turn.register(fs)
	fs.BoolVarP(&fl.v4, "ipv4", "4", false, "use IPv4 only")
	fs.BoolVarP(&fl.v6, "ipv6", "6", false, "use IPv6 only")
	fl.out.register(fs)
	return cmd
}

// set validates the flags into o.
func (o *GatherOptions) set(fl *gatherFlags, defaults []string) error {
	var err error
	if o.Format, err = fl.out.resolve(o.IO); err != nil {
		return err
	}
	o.Timeout, o.Verbose = fl.out.timeout, fl.out.verbose
	fam, err := familyOf(fl.v4, fl.v6)
	if err != nil {
		return err
	}
	o.Networks = networksOf(fam)
	if len(o.Servers) == 0 {
		o.Servers = defaults
	}
	if o.TURN, o.TLS, err = fl.turn.servers(); err != nil {
		return err
	}
	if err := (gather.Options{STUN: o.Servers, TURN: o.TURN}).Validate(); err != nil {
		return &usageError{err: err}
	}
	return nil
}

// networksOf maps -4/-6 onto gather's networks.
func networksOf(f probe.Family) []gather.Network {
	switch f {
	case probe.FamilyIPv4:
		return []gather.Network{gather.UDP4, gather.TCP4}
	case probe.FamilyIPv6:
		return []gather.Network{gather.UDP6, gather.TCP6}
	}
	return slices.Clone(gather.AllNetworks)
}

// runGather gathers under the timeout and writes the document. No server
// answering at all (no srflx, no relay) exits with ExitNoSTUN.
func runGather(ctx context.Context, o *GatherOptions) error {
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	started := time.Now()
	gopts := gather.Options{STUN: o.Servers, TURN: o.TURN, Net: o.Net, Networks: o.Networks, TLS: o.TLS}
	if o.Verbose {
		gopts.Logger = pionLogTo(o.IO.ErrOut)
	}
	res, err := gather.Run(ctx, gopts)
	if err != nil {
		return withCode(ExitFailure, err)
	}
	g := report.NewGatherReport(report.FromGather(res), report.Meta{Version: o.Version, Time: started}, res.Duration)
	if o.Verbose {
		for _, w := range g.Warnings {
			fmt.Fprintf(o.IO.ErrOut, "warning: %s\n", w)
		}
	}
	if err := report.WriteGather(o.IO.Out, g, o.Format); err != nil {
		return withCode(ExitFailure, fmt.Errorf("write report: %w", err))
	}
	if !slices.Contains(g.Kinds, gather.TypeSrflx) && !slices.Contains(g.Kinds, gather.TypeRelay) {
		return withCode(ExitNoSTUN, nil)
	}
	return nil
}

// pionLogTo is pion's logger at INFO on w, for --verbose; gather redacts
// the passwords before a line reaches it.
func pionLogTo(w io.Writer) logging.LoggerFactory {
	lf := logging.NewDefaultLoggerFactory()
	lf.Writer, lf.DefaultLogLevel = w, logging.LogLevelInfo
	return lf
}
