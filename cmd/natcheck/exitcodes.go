package main

import (
	"errors"
	"fmt"
)

// ExitCode is natcheck's process exit status.
type ExitCode int

// Exit codes; exitCodeHelp documents them in --help.
const (
	ExitOK           ExitCode = 0   // a verdict was reached
	ExitInconclusive ExitCode = 1   // the check ran but could not classify the NAT
	ExitUsage        ExitCode = 2   // bad flags or arguments
	ExitNoSTUN       ExitCode = 3   // no STUN server answered: UDP blocked, or offline
	ExitFailure      ExitCode = 4   // natcheck itself failed (e.g. could not open a socket)
	ExitInterrupted  ExitCode = 130 // interrupted (SIGINT or SIGTERM) before a verdict
)

// exitCodeHelp is the exit-code section of the root command's help.
const exitCodeHelp = `Exit codes:
    0  a verdict was reached
    1  inconclusive: the check ran but could not classify the NAT
    2  usage error: bad flags or arguments
    3  no STUN server answered (UDP blocked, or offline)
    4  natcheck itself failed (e.g. could not open a socket)
  130  interrupted (SIGINT or SIGTERM) before a verdict
`

// exitError carries an exit code up to run. A nil Err means the result has
// already been written and nothing more is printed.
type exitError struct {
	Code ExitCode
	Err  error
}

func (e *exitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit code %d", e.Code)
	}
	return e.Err.Error()
}

func (e *exitError) Unwrap() error { return e.Err }

// withCode returns an error that makes run exit with code; err may be nil.
func withCode(code ExitCode, err error) error { return &exitError{Code: code, Err: err} }

// usageError is a flag or argument error: run prints it with the usage.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// usageErrorf formats a usage error.
func usageErrorf(format string, args ...any) error {
	return &usageError{err: fmt.Errorf(format, args...)}
}

// codeOf maps a command's error to its exit code.
func codeOf(err error) ExitCode {
	var ee *exitError
	var ue *usageError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &ue):
		return ExitUsage
	case errors.As(err, &ee):
		return ee.Code
	}
	return ExitFailure
}
