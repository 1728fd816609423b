package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// run executes natcheck with args on streams and returns the exit code. It
// prints an error once, to stderr, with the usage only for usage errors.
func run(ctx context.Context, args []string, streams *IOStreams) ExitCode {
	return runWith(ctx, args, NewFactory(streams))
}

// runWith is run with a given factory (tests inject the network here).
func runWith(ctx context.Context, args []string, f *Factory) ExitCode {
	return execute(ctx, newRootCmd(f), args, f.IO)
}

// execute runs root with args and reports its error on io.ErrOut.
func execute(ctx context.Context, root *cobra.Command, args []string, io *IOStreams) ExitCode {
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	if err == nil {
		return ExitOK
	}
	if isCobraUsageError(err) {
		err = &usageError{err: err}
	}
	var ue *usageError
	var ee *exitError
	switch {
	case errors.As(err, &ue):
		fmt.Fprintf(io.ErrOut, "natcheck: %v\n\n%s", err, cmd.UsageString())
	case errors.As(err, &ee) && ee.Err == nil:
		// The result has been written; the code says the rest.
	default:
		fmt.Fprintf(io.ErrOut, "natcheck: %v\n", err)
	}
	return codeOf(err)
}

// isCobraUsageError recognises the argument errors cobra makes itself
// (unknown command, wrong number of arguments), which bypass the flag error
// function.
func isCobraUsageError(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command ", "accepts ", "requires at least ", "requires at most ",
		"accepts between ", "invalid argument ", "if any flags in the group "} {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}
