package main

import (
	"time"

	"github.com/natcheck/natcheck/report"
	"github.com/spf13/pflag"
)

// defaultTimeout caps a whole run unless --timeout says otherwise.
const defaultTimeout = 5 * time.Second

// outputFlags are the flags every command that produces a report shares:
// --format, --timeout and --verbose.
type outputFlags struct {
	format  string
	timeout time.Duration
	verbose bool
}

// register adds the flags to fs.
func (o *outputFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&o.format, "format", "", "output format: "+report.FormatNames()+" (default table on a terminal, text otherwise)")
	fs.DurationVar(&o.timeout, "timeout", defaultTimeout, "hard cap on the whole run")
	fs.BoolVarP(&o.verbose, "verbose", "v", false, "print progress to stderr")
}

// resolve validates the flags and picks the format: table on a terminal,
// text otherwise, unless --format is given.
func (o *outputFlags) resolve(io *IOStreams) (report.Format, error) {
	if o.timeout <= 0 {
		return "", usageErrorf("--timeout must be positive, got %v", o.timeout)
	}
	if o.format == "" {
		if io.IsTerminal {
			return report.FormatTable, nil
		}
		return report.FormatText, nil
	}
	f, err := report.ParseFormat(o.format)
	if err != nil {
		return "", &usageError{err: err}
	}
	return f, nil
}
