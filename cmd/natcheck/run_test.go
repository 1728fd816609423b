package main

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// TestRunUsageErrors: flag and argument errors exit 2, print the error
// once and the usage on stderr, and nothing on stdout.
func TestRunUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown flag", []string{"--bogus"}, "natcheck: unknown flag: --bogus"},
		{"unknown shorthand", []string{"-x"}, "natcheck: unknown shorthand flag: 'x' in -x"},
		{"bad server", []string{"--server", "stun.example.org:0"}, `natcheck: --server: bad STUN server address: "stun.example.org:0": port must be 1-65535`},
		{"bad format", []string{"--format", "nope"}, `natcheck: unknown format "nope"`},
		{"zero timeout", []string{"--timeout", "0"}, "natcheck: --timeout must be positive"},
		{"negative timeout", []string{"--timeout=-1s"}, "natcheck: --timeout must be positive"},
		{"unparsable timeout", []string{"--timeout", "soon"}, `natcheck: invalid argument "soon" for "--timeout" flag`},
		{"bind port out of range", []string{"--bind-port", "70000"}, `natcheck: invalid argument "70000" for "--bind-port" flag`},
		{"unknown command", []string{"frobnicate"}, `natcheck: unknown command "frobnicate" for "natcheck"`},
		{"simulate: bad mapping", []string{"simulate", "--mapping", "none"}, `natcheck: --mapping "none": want one of`},
		{"simulate: bad kind", []string{"simulate", "--kind", "cgnat"}, `natcheck: --kind "cgnat": want nat, open or udp-blocked`},
		{"simulate: filtering without nat", []string{"simulate", "--kind", "open", "--filtering", "address-dependent"},
			"natcheck: --mapping and --filtering only apply to --kind nat"},
		{"simulate: loss 100", []string{"simulate", "--loss", "100"}, "natcheck: --loss 100: want a percentage in [0, 100)"},
		{"simulate: server flag", []string{"simulate", "--server", "a.example"}, "natcheck: unknown flag: --server"},
		{"simulate: bad format", []string{"simulate", "--format", "xml"}, `natcheck: unknown format "xml"`},
		{"simulate: argument", []string{"simulate", "now"}, `natcheck: unknown command "now" for "natcheck simulate"`},
		{"version: argument", []string{"version", "x"}, `natcheck: unknown command "x" for "natcheck version"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, out, errOut := testFactory(t)
			code := runWith(context.Background(), tt.args, f)
			if code != ExitUsage {
				t.Errorf("exit code %d, want %d; stderr:\n%s", code, ExitUsage, errOut)
			}
			stderr := errOut.String()
			if !strings.HasPrefix(stderr, tt.want) {
				t.Errorf("stderr starts %q, want %q", firstLine(stderr), tt.want)
			}
			if n := strings.Count(stderr, "natcheck: "); n != 1 {
				t.Errorf("error printed %d times:\n%s", n, stderr)
			}
			if !strings.Contains(stderr, "Usage:") {
				t.Errorf("no usage on stderr:\n%s", stderr)
			}
			if out.Len() != 0 {
				t.Errorf("stdout not empty:\n%s", out)
			}
		})
	}
}

func firstLine(s string) string { l, _, _ := strings.Cut(s, "\n"); return l }

// TestExecuteErrors: other errors are printed once without usage; an exit
// code without an error prints nothing.
func TestExecuteErrors(t *testing.T) {
	tests := []struct {
		name       string
		err        error
		wantCode   ExitCode
		wantStderr string
	}{
		{"success", nil, ExitOK, ""},
		{"failure", errors.New("boom"), ExitFailure, "natcheck: boom\n"},
		{"coded failure", withCode(ExitInterrupted, errors.New("interrupted before a verdict")), ExitInterrupted,
			"natcheck: interrupted before a verdict\n"},
		{"result already written", withCode(ExitNoSTUN, nil), ExitNoSTUN, ""},
		{"inconclusive", withCode(ExitInconclusive, nil), ExitInconclusive, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _, errOut := testFactory(t)
			root := &cobra.Command{Use: "natcheck", SilenceErrors: true, SilenceUsage: true,
				RunE: func(*cobra.Command, []string) error { return tt.err }}
			root.SetOut(f.IO.Out)
			root.SetErr(f.IO.ErrOut)
			if code := execute(context.Background(), root, nil, f.IO); code != tt.wantCode {
				t.Errorf("exit code %d, want %d", code, tt.wantCode)
			}
			if errOut.String() != tt.wantStderr {
				t.Errorf("stderr %q, want %q", errOut, tt.wantStderr)
			}
		})
	}
}

func TestVersionAndCompletion(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"version", []string{"version"}, "natcheck v9.9.9-test ("},
		{"completion bash", []string{"completion", "bash"}, "# bash completion V2 for natcheck"},
		{"completion zsh", []string{"completion", "zsh"}, "#compdef natcheck"},
		{"completion fish", []string{"completion", "fish"}, "# fish completion for natcheck"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, out, errOut := testFactory(t)
			if code := runWith(context.Background(), tt.args, f); code != ExitOK {
				t.Fatalf("exit %d; stderr:\n%s", code, errOut)
			}
			if !strings.HasPrefix(out.String(), tt.want) {
				t.Errorf("stdout starts %q, want %q", firstLine(out.String()), tt.want)
			}
		})
	}
}
