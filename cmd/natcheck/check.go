package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/natcheck/natcheck/natclass"
	"github.com/natcheck/natcheck/probe"
	"github.com/natcheck/natcheck/probe/gather"
	"github.com/natcheck/natcheck/report"
	"github.com/pion/transport/v4"
	"github.com/spf13/cobra"
)

// CheckOptions are the root command's inputs once flags are parsed.
type CheckOptions struct {
	IO      *IOStreams
	Net     transport.Net // nil: the host's network
	Version string

	Servers     []string
	Format      report.Format
	Timeout     time.Duration
	Family      probe.Family
	BindAddress netip.Addr
	BindPort    uint16
	Verbose     bool

	TURN         []gather.TURNServer // carries the password; String leaves it out
	TLS          *tls.Config         // roots from --turn-ca; nil: the system's
	NoCandidates bool                // skip ICE gathering and TURN checks
}

// newCheckCmd is the root command, `natcheck`: it runs the check. runF
// replaces the run in tests of flag parsing.
func newCheckCmd(f *Factory, runF func(context.Context, *CheckOptions) error) *cobra.Command {
	opts := &CheckOptions{IO: f.IO, Net: f.Net, Version: f.Version}
	var out outputFlags
	var turn turnFlags
	var v4, v6 bool
	var bindAddr string
	cmd := &cobra.Command{
		Use:   "natcheck",
		Short: "Find out which NAT this host is behind and what it means for peer-to-peer connections",
		Long: `natcheck asks STUN servers how this host is seen from the internet and runs the
RFC 5780 tests (mapping, filtering, hairpinning, port allocation) concurrently under
one deadline. It prints a one-line verdict, then the evidence.

Without --server it asks these public servers (the first two are RFC 5780 capable):
  ` + strings.Join(f.DefaultServers, "\n  ") + `

The result goes to stdout; progress (--verbose), warnings and errors go to stderr.

` + exitCodeHelp,
		Example: `  natcheck
  natcheck --server stun.example.org:3478 --server stun:stun2.example.org --format json
  natcheck -4 --timeout 10s --verbose
  natcheck simulate --mapping address-and-port-dependent --filtering address-and-port-dependent`,
		Args: rootArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if opts.Format, err = out.resolve(opts.IO); err != nil {
				return err
			}
			opts.Timeout, opts.Verbose = out.timeout, out.verbose
			if opts.Family, err = familyOf(v4, v6); err != nil {
				return err
			}
			if opts.BindAddress, err = parseBindAddress(bindAddr); err != nil {
				return err
			}
			if len(opts.Servers) == 0 {
				opts.Servers = f.DefaultServers
			} else if err := validateServers(opts.Servers); err != nil {
				return err
			}
			if opts.TURN, opts.TLS, err = turn.servers(); err != nil {
				return err
			}
			if opts.NoCandidates && len(opts.TURN) > 0 {
				return usageErrorf("--no-candidates skips the TURN checks that --turn asks for")
			}
			if err := (gather.Options{STUN: opts.Servers, TURN: opts.TURN}).Validate(); err != nil {
				return &usageError{err: err}
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runCheck(cmd.Context(), opts)
		},
	}
	fs := cmd.Flags()
	fs.StringArrayVarP(&opts.Servers, "server", "s", nil, "STUN server, host[:port] or stun:host[:port]; repeatable (default: built-in public servers)")
	out.register(fs)
	fs.BoolVarP(&v4, "ipv4", "4", false, "use IPv4 only")
	fs.BoolVarP(&v6, "ipv6", "6", false, "use IPv6 only")
	fs.StringVar(&bindAddr, "bind-address", "", "local IP address to send from (default any)")
	fs.Uint16Var(&opts.BindPort, "bind-port", 0, "local UDP port of the survey socket (default any)")
	turn.register(fs)
	fs.BoolVar(&opts.NoCandidates, "no-candidates", false, "skip gathering ICE candidates and checking TURN servers")
	return cmd
}

// rootArgs refuses positional arguments: a stray word is most likely a
// mistyped subcommand.
func rootArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usageErrorf("unknown command %q for %q", args[0], cmd.CommandPath())
	}
	return nil
}

func familyOf(v4, v6 bool) (probe.Family, error) {
	switch {
	case v4 && v6:
		return 0, usageErrorf("-4 and -6 cannot be used together")
	case v4:
		return probe.FamilyIPv4, nil
	case v6:
		return probe.FamilyIPv6, nil
	}
	return probe.FamilyAny, nil
}

func parseBindAddress(s string) (netip.Addr, error) {
	if s == "" {
		return netip.Addr{}, nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, usageErrorf("--bind-address %q: not an IP address", s)
	}
	return a.Unmap(), nil
}

// validateServers parses every --server so that a typo is a usage error
// before any packet is sent.
func validateServers(servers []string) error {
	for _, s := range servers {
		if _, err := probe.ParseServer(s); err != nil {
			return &usageError{err: fmt.Errorf("--server: %w", err)}
		}
	}
	return nil
}

// runCheck runs the check against real (or injected) servers and writes
// the report.
func runCheck(ctx context.Context, opts *CheckOptions) error {
	var g *gather.Options
	if !opts.NoCandidates {
		g = &gather.Options{STUN: opts.Servers, TURN: opts.TURN, Net: opts.Net,
			Networks: networksOf(opts.Family), TLS: opts.TLS}
	}
	r, err := probeAndReport(ctx, opts.IO, probe.Options{
		Servers: opts.Servers, Net: opts.Net, Family: opts.Family,
		BindAddress: opts.BindAddress, BindPort: opts.BindPort,
	}, g, opts.Timeout, opts.Verbose, opts.Version)
	if err != nil {
		return err
	}
	return emit(opts.IO, r, opts.Format)
}

// probeAndReport runs one check under timeout and turns it into a report.
// With g, candidates are gathered (and TURN servers checked) at the same
// time. A check that found no usable server still makes a report.
func probeAndReport(ctx context.Context, io *IOStreams, po probe.Options, g *gather.Options,
	timeout time.Duration, verbose bool, version string) (report.Report, error) {
	if verbose {
		po.Progress = progressTo(io.ErrOut)
	}
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	started := time.Now()
	cands := startGather(ctx, g)
	out, err := probe.Check(ctx, po)
	var c *report.Candidates
	if cands != nil {
		c = cands(out)
	}
	if parent.Err() != nil {
		// Cut short, the silence of the servers would read as "UDP blocked".
		return report.Report{}, withCode(ExitInterrupted, errors.New("interrupted before a verdict"))
	}
	if err != nil && !errors.Is(err, probe.ErrNoServers) {
		return report.Report{}, withCode(ExitFailure, fmt.Errorf("check: %w", err))
	}
	var res natclass.Result
	if len(out.Families) > 0 {
		res = natclass.Classify(out.Families[0].Observations)
	}
	r := report.FromCheck(out, res, report.Meta{Version: version, Time: started})
	r.Candidates = c
	return r, nil
}

// gatherGrace is how long gathering may outlast the check when no TURN
// server was asked for: the servers that answered the check have answered
// gathering too by then, and a dead one must not hold the run to its cap.
const gatherGrace = 250 * time.Millisecond

// startGather starts gathering candidates beside the check; the function it
// returns waits for them once the check is done (nil when g is nil). With
// TURN servers it waits for their diagnosis, up to the run's deadline.
func startGather(ctx context.Context, g *gather.Options) func(probe.Outcome) *report.Candidates {
	if g == nil {
		return nil
	}
	gctx, gcancel := context.WithCancel(ctx)
	done := make(chan struct{})
	var res gather.Result
	var gerr error
	go func() {
		defer close(done)
		res, gerr = gather.Run(gctx, *g)
	}()
	return func(out probe.Outcome) *report.Candidates {
		defer gcancel()
		if len(g.TURN) == 0 {
			grace := gatherGrace
			for _, f := range out.Families {
				grace = max(grace, 2*f.RTTMax)
			}
			t := time.AfterFunc(grace, gcancel)
			defer t.Stop()
		}
		<-done
		if gerr != nil {
			return nil
		}
		c := report.FromGather(res)
		return &c
	}
}

// emit writes r and turns its verdict into the exit code.
func emit(io *IOStreams, r report.Report, f report.Format) error {
	for _, w := range r.NAT.Warnings {
		fmt.Fprintf(io.ErrOut, "warning: %s\n", w)
	}
	if err := report.Write(io.Out, r, f); err != nil {
		return withCode(ExitFailure, fmt.Errorf("write report: %w", err))
	}
	if code := exitCodeFor(r); code != ExitOK {
		return withCode(code, nil)
	}
	return nil
}

// exitCodeFor reads the verdict: no answer at all is 3, unknown is 1.
func exitCodeFor(r report.Report) ExitCode {
	switch {
	case r.NoAnswer():
		return ExitNoSTUN
	case r.NAT.Type == string(natclass.LabelUnknown):
		return ExitInconclusive
	}
	return ExitOK
}
