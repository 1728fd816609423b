package main

import (
	"context"
	"fmt"
	"os"

	"github.com/natcheck/natcheck/natclass"
	"github.com/natcheck/natcheck/report"
	"github.com/spf13/cobra"
)

// CompareOptions are `natcheck compare`'s inputs once flags are parsed.
type CompareOptions struct {
	IO      *IOStreams
	Version string

	Files  [2]string
	Format report.Format
}

// newCompareCmd is `natcheck compare a.json b.json`. runF replaces the run
// in tests.
func newCompareCmd(f *Factory, runF func(context.Context, *CompareOptions) error) *cobra.Command {
	opts := &CompareOptions{IO: f.IO, Version: f.Version}
	var out outputFlags
	cmd := &cobra.Command{
		Use:   "compare A.json B.json",
		Short: "Predict, offline, whether two hosts can connect directly, from their saved reports",
		Long: `compare reads two reports saved with natcheck --format json (one per host) and
predicts from their NAT classes (RFC 4787 mapping and filtering) what a pair test
between the hosts would find: a direct connection, hole punching, or a relay (TURN)
required, with the reason. Nothing is sent on the network.

Exit codes:
  0  a prediction was made
  1  no prediction: a report's NAT is unknown
  2  usage error: bad flags or arguments
  4  a report could not be read
`,
		Example: `  natcheck --format json > office.json   # on one host
  natcheck --format json > home.json     # on the other
  natcheck compare office.json home.json`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 2 {
				return usageErrorf("compare takes two report files, got %d", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if opts.Format, err = out.resolve(opts.IO); err != nil {
				return err
			}
			opts.Files = [2]string{args[0], args[1]}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runCompare(opts)
		},
	}
	out.register(cmd.Flags())
	return cmd
}

// runCompare reads both reports and writes the prediction.
func runCompare(o *CompareOptions) error {
	var reps [2]report.Report
	for i, name := range o.Files {
		r, err := readReport(name)
		if err != nil {
			return withCode(ExitFailure, err)
		}
		reps[i] = r
	}
	c := report.FromCompare(reps[0], reps[1], o.Files[0], o.Files[1], report.Meta{Version: o.Version})
	if err := report.WriteCompare(o.IO.Out, c, o.Format); err != nil {
		return withCode(ExitFailure, fmt.Errorf("write report: %w", err))
	}
	if c.Prediction.Outcome == string(natclass.OutcomeUnknown) {
		return withCode(ExitInconclusive, nil)
	}
	return nil
}

func readReport(name string) (report.Report, error) {
	f, err := os.Open(name)
	if err != nil {
		return report.Report{}, err
	}
	defer f.Close()
	r, err := report.Parse(f)
	if err != nil {
		return report.Report{}, fmt.Errorf("%s: %w", name, err)
	}
	return r, nil
}
