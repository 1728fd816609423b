package main

import (
	"bytes"
	"io"
	"os"

	"github.com/mattn/go-isatty"
)

// IOStreams are a command's standard streams. Out carries the result only;
// progress, warnings and errors go to ErrOut.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
	// IsTerminal reports whether Out is a terminal; it picks the default
	// output format.
	IsTerminal bool
}

// SystemIO is the process's own streams.
func SystemIO() *IOStreams {
	fd := os.Stdout.Fd()
	return &IOStreams{
		In:         os.Stdin,
		Out:        os.Stdout,
		ErrOut:     os.Stderr,
		IsTerminal: isatty.IsTerminal(fd) || isatty.IsCygwinTerminal(fd),
	}
}

// TestIO is streams backed by buffers, for tests: stdin, stdout, stderr.
func TestIO() (*IOStreams, *bytes.Buffer, *bytes.Buffer, *bytes.Buffer) {
	in, out, errOut := &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: in, Out: out, ErrOut: errOut}, in, out, errOut
}
