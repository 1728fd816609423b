package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/natcheck/natcheck/natclass"
	"github.com/natcheck/natcheck/probe"
	"github.com/natcheck/natcheck/probe/gather"
	"github.com/natcheck/natcheck/report"
	"github.com/natcheck/natcheck/testnet"
	"github.com/spf13/cobra"
)

// SimulateOptions are `natcheck simulate`'s inputs once flags are parsed.
type SimulateOptions struct {
	IO      *IOStreams
	Version string

	World   testnet.WorldOptions
	Kind    string // the --kind spelling, for the report
	Format  report.Format
	Timeout time.Duration
	Verbose bool
}

// simKinds are the --kind values.
var simKinds = map[string]testnet.Kind{"nat": testnet.KindNAT, "open": testnet.KindOpen, "udp-blocked": testnet.KindUDPBlocked}

// simBehaviors are the NAT behaviours a simulated NAT can have.
var simBehaviors = []string{
	natclass.MappingEndpointIndependent.String(),
	natclass.MappingAddressDependent.String(),
	natclass.MappingAddressAndPortDependent.String(),
}

// newSimulateCmd is `natcheck simulate`: the same check, in-process, on a
// simulated network. runF replaces the run in tests of flag parsing.
func newSimulateCmd(f *Factory, runF func(context.Context, *SimulateOptions) error) *cobra.Command {
	opts := &SimulateOptions{IO: f.IO, Version: f.Version}
	var out outputFlags
	var mapping, filtering string
	cmd := &cobra.Command{
		Use:   "simulate",
		Short: "Run the check on a simulated NAT, offline",
		Long: `simulate runs the same check in-process against a simulated network (pion vnet):
this host behind a NAT with the given mapping and filtering behaviour, an RFC 5780
server at 203.0.113.10/.11 ports 3478/3479 and a plain STUN server. No packet
leaves the process. The report says the run was simulated and whether the verdict
matches the configured NAT; the exit codes are those of the check.

Behaviours: ` + strings.Join(simBehaviors, ", ") + `.`,
		Example: `  natcheck simulate --mapping address-and-port-dependent --filtering address-and-port-dependent
  natcheck simulate --filtering address-dependent --loss 20 --rtt 80ms --seed 7
  natcheck simulate --kind udp-blocked --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if opts.Format, err = out.resolve(opts.IO); err != nil {
				return err
			}
			opts.Timeout, opts.Verbose = out.timeout, out.verbose
			if err := opts.setWorld(cmd, mapping, filtering); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runSimulate(cmd.Context(), opts)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&opts.Kind, "kind", "nat", "network: nat, open (no NAT) or udp-blocked")
	fs.StringVar(&mapping, "mapping", simBehaviors[0], "the NAT's mapping behaviour")
	fs.StringVar(&filtering, "filtering", simBehaviors[2], "the NAT's filtering behaviour")
	fs.Float64Var(&opts.World.Loss, "loss", 0, "percent of packets lost, each way")
	fs.DurationVar(&opts.World.RTT, "rtt", 30*time.Millisecond, "round-trip time to the servers")
	fs.Uint64Var(&opts.World.Seed, "seed", 1, "seed of the loss pattern")
	out.register(fs)
	return cmd
}

// setWorld validates the world flags into o.World.
func (o *SimulateOptions) setWorld(cmd *cobra.Command, mapping, filtering string) error {
	kind, ok := simKinds[o.Kind]
	if !ok {
		return usageErrorf("--kind %q: want nat, open or udp-blocked", o.Kind)
	}
	o.World.Kind = kind
	if kind != testnet.KindNAT && (cmd.Flags().Changed("mapping") || cmd.Flags().Changed("filtering")) {
		return usageErrorf("--mapping and --filtering only apply to --kind nat")
	}
	m, err := natclass.ParseMapping(mapping)
	if err != nil || !simulable(int(m)) {
		return usageErrorf("--mapping %q: want one of %s", mapping, strings.Join(simBehaviors, ", "))
	}
	fl, err := natclass.ParseFiltering(filtering)
	if err != nil || !simulable(int(fl)) {
		return usageErrorf("--filtering %q: want one of %s", filtering, strings.Join(simBehaviors, ", "))
	}
	o.World.Mapping, o.World.Filtering = m, fl
	if o.World.Loss < 0 || o.World.Loss >= 100 {
		return usageErrorf("--loss %g: want a percentage in [0, 100)", o.World.Loss)
	}
	if o.World.RTT < 0 {
		return usageErrorf("--rtt %v: must not be negative", o.World.RTT)
	}
	return nil
}

func simulable(b int) bool {
	return b == int(natclass.MappingEndpointIndependent) || b == int(natclass.MappingAddressDependent) ||
		b == int(natclass.MappingAddressAndPortDependent)
}

// runSimulate builds the world, runs the check in it and writes the report.
func runSimulate(ctx context.Context, opts *SimulateOptions) error {
	w, err := testnet.NewWorld(opts.World)
	if err != nil {
		return withCode(ExitFailure, fmt.Errorf("simulated network: %w", err))
	}
	defer w.Close()
	g, stopTURN, err := simulatedGather(w)
	if err != nil {
		return withCode(ExitFailure, fmt.Errorf("simulated TURN server: %w", err))
	}
	defer stopTURN()
	r, err := probeAndReport(ctx, opts.IO, probe.Options{Servers: w.Servers(), Net: w.Client, Family: probe.FamilyIPv4},
		g, opts.Timeout, opts.Verbose, opts.Version)
	if err != nil {
		return err
	}
	m, fl, label := w.Expect()
	r = r.WithSimulated(report.Simulated{
		Kind: opts.Kind, Mapping: m.String(), Filtering: fl.String(), Type: string(label),
		LossPercent: opts.World.Loss, RTTMs: float64(opts.World.RTT.Microseconds()) / 1000, Seed: opts.World.Seed,
	})
	return emit(opts.IO, r, opts.Format)
}

// simulatedGather starts a TURN server in the world, with a password made
// for this run alone, and gathers candidates from the world's servers.
func simulatedGather(w *testnet.World) (*gather.Options, func() error, error) {
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, nil, err
	}
	const user = "natcheck"
	password := hex.EncodeToString(b[:])
	addr, stop, err := w.StartTURN(map[string]string{user: password})
	if err != nil {
		return nil, nil, err
	}
	return &gather.Options{STUN: w.Servers(), Net: w.Client, Networks: []gather.Network{gather.UDP4},
		TURN: []gather.TURNServer{{URL: "turn:" + addr, User: user, Password: password}}}, stop, nil
}
