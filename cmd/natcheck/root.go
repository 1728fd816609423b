package main

import (
	"github.com/spf13/cobra"
)

// subcommands is every command under the root, one line each. Add yours
// here: newXCmd(f, nil) with the signature func(*Factory, func(*XOptions) error).
func subcommands(f *Factory) []*cobra.Command {
	return []*cobra.Command{
		newSimulateCmd(f, nil),
		newGatherCmd(f, nil),
		newServerCmd(f, nil),
		newPairCmd(f, nil),
		newCompareCmd(f, nil),
		newVersionCmd(f),
	}
}

// newRootCmd is `natcheck`: the root command runs the check itself.
func newRootCmd(f *Factory) *cobra.Command {
	cmd := newCheckCmd(f, nil)
	cmd.SilenceErrors = true // run prints errors once
	cmd.SilenceUsage = true  // and the usage only for flag errors
	cmd.SetIn(f.IO.In)
	cmd.SetOut(f.IO.Out)
	cmd.SetErr(f.IO.ErrOut)
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &usageError{err: err} })
	cmd.AddCommand(subcommands(f)...)
	return cmd
}
