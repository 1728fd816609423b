package main

import (
	"context"
	"errors"
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/natcheck/natcheck/probe"
	"github.com/natcheck/natcheck/report"
)

// TestCheckFlags parses the root command's flags without running the check.
func TestCheckFlags(t *testing.T) {
	defaults := CheckOptions{Servers: []string{"default.invalid:3478"}, Format: report.FormatText, Timeout: 5 * time.Second}
	tests := []struct {
		name     string
		args     []string
		terminal bool
		want     func(o *CheckOptions)
	}{
		{"defaults", nil, false, func(*CheckOptions) {}},
		{"table on a terminal", nil, true, func(o *CheckOptions) { o.Format = report.FormatTable }},
		{"explicit format wins on a terminal", []string{"--format", "text"}, true, func(*CheckOptions) {}},
		{"servers repeat", []string{"--server", "a.example", "-s", "stun:b.example:3479", "--server", "[2001:db8::1]:3478"}, false,
			func(o *CheckOptions) { o.Servers = []string{"a.example", "stun:b.example:3479", "[2001:db8::1]:3478"} }},
		{"json", []string{"--format", "json"}, false, func(o *CheckOptions) { o.Format = report.FormatJSON }},
		{"jsonl", []string{"--format=jsonl"}, false, func(o *CheckOptions) { o.Format = report.FormatJSONL }},
		{"timeout", []string{"--timeout", "12s"}, false, func(o *CheckOptions) { o.Timeout = 12 * time.Second }},
		{"ipv4", []string{"-4"}, false, func(o *CheckOptions) { o.Family = probe.FamilyIPv4 }},
		{"ipv6", []string{"--ipv6"}, false, func(o *CheckOptions) { o.Family = probe.FamilyIPv6 }},
		{"bind", []string{"--bind-address", "10.0.0.7", "--bind-port", "5000"}, false, func(o *CheckOptions) {
			o.BindAddress, o.BindPort = netip.MustParseAddr("10.0.0.7"), 5000
		}},
		{"bind ipv6", []string{"--bind-address", "2001:db8::7"}, false, func(o *CheckOptions) {
			o.BindAddress = netip.MustParseAddr("2001:db8::7")
		}},
		{"verbose", []string{"-v"}, false, func(o *CheckOptions) { o.Verbose = true }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _, _ := testFactory(t)
			f.IO.IsTerminal = tt.terminal
			var got *CheckOptions
			cmd := newCheckCmd(f, func(_ context.Context, o *CheckOptions) error { got = o; return nil })
			cmd.SetArgs(tt.args)
			if err := cmd.Execute(); err != nil {
				t.Fatal(err)
			}
			want := defaults
			tt.want(&want)
			got.IO, got.Net, got.Version = nil, nil, ""
			if !reflect.DeepEqual(*got, want) {
				t.Errorf("options:\ngot  %+v\nwant %+v", *got, want)
			}
		})
	}
}

// TestCheckFlagErrors: every bad flag is a usage error with a clear message.
func TestCheckFlagErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"bad format", []string{"--format", "nope"}, `unknown format "nope": want one of table|text|json|jsonl`},
		{"zero timeout", []string{"--timeout", "0"}, "--timeout must be positive, got 0s"},
		{"negative timeout", []string{"--timeout", "-2s"}, "--timeout must be positive, got -2s"},
		{"both families", []string{"-4", "-6"}, "-4 and -6 cannot be used together"},
		{"stuns server", []string{"--server", "stuns:stun.example.org"}, `--server: bad STUN server address: "stuns:stun.example.org": stuns (TLS) cannot run UDP behaviour tests`},
		{"bad port", []string{"--server", "stun.example.org:99999"}, `--server: bad STUN server address: "stun.example.org:99999": port must be 1-65535`},
		{"empty server", []string{"--server", ""}, "--server: bad STUN server address: empty"},
		{"bad bind address", []string{"--bind-address", "eth0"}, `--bind-address "eth0": not an IP address`},
		{"stray argument", []string{"chek"}, `unknown command "chek" for "natcheck"`},
		{"turn without user", []string{"--turn", "turn:203.0.113.10"}, "--turn needs --turn-user"},
		{"no-candidates with turn", []string{"--no-candidates", "--turn", "turn:203.0.113.10", "--turn-user", "u",
			"--turn-password", "p"}, "--no-candidates skips the TURN checks that --turn asks for"},
		{"credentials in a turn url", []string{"--turn", "turn:u:s3cret@203.0.113.10", "--turn-user", "u", "--turn-password", "p"},
			`bad server URL: "…@203.0.113.10": credentials go in the user and password options, not in the URL`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _, _ := testFactory(t)
			ran := false
			cmd := newCheckCmd(f, func(context.Context, *CheckOptions) error { ran = true; return nil })
			cmd.SetArgs(tt.args)
			cmd.SilenceErrors, cmd.SilenceUsage = true, true
			err := cmd.Execute()
			var ue *usageError
			if !errors.As(err, &ue) || err.Error() != tt.want {
				t.Errorf("error = %v (usage error: %t), want usage error %q", err, errors.As(err, &ue), tt.want)
			}
			if ran {
				t.Error("the check ran despite the error")
			}
		})
	}
}

func TestExitCodeFor(t *testing.T) {
	rtt := 31.5
	tests := []struct {
		name string
		r    report.Report
		want ExitCode
	}{
		{"verdict", report.Report{NAT: report.NAT{Type: "symmetric"}}, ExitOK},
		{"open", report.Report{NAT: report.NAT{Type: "open-internet"}}, ExitOK},
		{"inconclusive", report.Report{NAT: report.NAT{Type: "unknown"}, Servers: []report.Server{{RTTMs: &rtt}, {}}}, ExitInconclusive},
		{"no answer before the deadline", report.Report{NAT: report.NAT{Type: "unknown"}, Servers: []report.Server{{}, {}}}, ExitNoSTUN},
		{"udp blocked", report.Report{NAT: report.NAT{Type: "udp-blocked"}}, ExitNoSTUN},
		{"offline", report.Report{NAT: report.NAT{Type: "unknown"}, Unusable: []report.Unusable{{}}}, ExitNoSTUN},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := exitCodeFor(tt.r); got != tt.want {
				t.Errorf("exitCodeFor = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestHelpDocumentsExitCodes(t *testing.T) {
	f, out, _ := testFactory(t)
	if code := runWith(context.Background(), []string{"--help"}, f); code != ExitOK {
		t.Fatalf("--help exit %d", code)
	}
	for _, want := range []string{"Exit codes:", "    0  a verdict was reached", "    1  inconclusive", "    2  usage error",
		"    3  no STUN server answered", "  default.invalid:3478", "--server", "--format", "--timeout", "--bind-address", "--bind-port", "-4, --ipv4", "-6, --ipv6",
		"--verbose", "simulate", "version", "completion"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("--help lacks %q", want)
		}
	}
}
