package main

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/natcheck/natcheck/natclass"
	"github.com/natcheck/natcheck/report"
	"github.com/natcheck/natcheck/testnet"
)

// inWorld runs natcheck with args against a simulated world, with the
// world's servers as --server flags, under synctest (no wall-clock time).
func inWorld(t *testing.T, o testnet.WorldOptions, args []string) (ExitCode, string, string) {
	t.Helper()
	var code ExitCode
	var stdout, stderr string
	synctest.Test(t, func(t *testing.T) {
		w, err := testnet.NewWorld(o)
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()
		f, out, errOut := testFactory(t)
		f.Net = w.Client
		for _, s := range w.Servers() {
			args = append(args, "--server", s)
		}
		code = runWith(context.Background(), args, f)
		stdout, stderr = out.String(), errOut.String()
	})
	return code, stdout, stderr
}

func parseReport(t *testing.T, stdout string) report.Report {
	t.Helper()
	r, err := report.Parse(strings.NewReader(stdout))
	if err != nil {
		t.Fatalf("stdout is not a report: %v\n%s", err, stdout)
	}
	return r
}

// TestCheckInWorld runs the root command against simulated networks and
// checks the verdict and exit code.
func TestCheckInWorld(t *testing.T) {
	tests := []struct {
		name     string
		world    testnet.WorldOptions
		args     []string
		wantCode ExitCode
		wantType natclass.Label
	}{
		{"port-restricted cone", testnet.WorldOptions{Kind: testnet.KindNAT, Mapping: natclass.MappingEndpointIndependent,
			Filtering: natclass.FilteringAddressAndPortDependent}, []string{"--format", "json"}, ExitOK, natclass.LabelPortRestrictedCone},
		{"symmetric, ipv4 only, jsonl", testnet.WorldOptions{Kind: testnet.KindNAT, Mapping: natclass.MappingAddressAndPortDependent,
			Filtering: natclass.FilteringAddressAndPortDependent}, []string{"-4", "--format", "jsonl"}, ExitOK, natclass.LabelSymmetric},
		{"open internet", testnet.WorldOptions{Kind: testnet.KindOpen}, []string{"--format", "json"}, ExitOK, natclass.LabelOpenInternet},
		{"udp blocked", testnet.WorldOptions{Kind: testnet.KindUDPBlocked}, []string{"--format", "json"}, ExitNoSTUN, natclass.LabelUDPBlocked},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.world.RTT = 40 * time.Millisecond
			code, stdout, stderr := inWorld(t, tt.world, tt.args)
			if code != tt.wantCode {
				t.Errorf("exit code %d, want %d; stderr:\n%s", code, tt.wantCode, stderr)
			}
			r := parseReport(t, stdout)
			if r.NAT.Type != string(tt.wantType) {
				t.Errorf("nat.type %q, want %q (verdict %q)", r.NAT.Type, tt.wantType, r.NAT.Verdict)
			}
			if r.Simulated != nil {
				t.Error("a real check says it was simulated")
			}
			if len(r.Servers) != 2 {
				t.Errorf("%d servers in the report, want 2", len(r.Servers))
			}
		})
	}
}

// TestCheckVerboseAndText: progress goes to stderr only; text output
// starts with the verdict.
func TestCheckVerboseAndText(t *testing.T) {
	o := testnet.WorldOptions{Kind: testnet.KindNAT, Mapping: natclass.MappingEndpointIndependent,
		Filtering: natclass.FilteringEndpointIndependent, RTT: 40 * time.Millisecond}
	code, stdout, stderr := inWorld(t, o, []string{"--verbose"})
	if code != ExitOK {
		t.Fatalf("exit code %d; stderr:\n%s", code, stderr)
	}
	if !strings.HasPrefix(stdout, "verdict: Full-cone NAT: ") {
		t.Errorf("stdout does not start with the verdict:\n%s", stdout)
	}
	if !strings.Contains(stderr, "natcheck: udp4: ") {
		t.Errorf("no progress on stderr:\n%s", stderr)
	}
	if strings.Contains(stdout, "natcheck: udp4") {
		t.Errorf("progress leaked to stdout:\n%s", stdout)
	}
}

// TestCheckOffline: no server resolves, so no server was asked: exit 3.
func TestCheckOffline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w, err := testnet.NewWorld(testnet.WorldOptions{Kind: testnet.KindOpen})
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()
		f, out, errOut := testFactory(t)
		f.Net = w.Client
		code := runWith(context.Background(), []string{"--server", "nosuch.invalid:3478", "--format", "json"}, f)
		if code != ExitNoSTUN {
			t.Errorf("exit code %d, want %d; stderr:\n%s", code, ExitNoSTUN, errOut)
		}
		r := parseReport(t, out.String())
		if r.NAT.Type != "unknown" || len(r.Unusable) != 1 || r.Unusable[0].Name != "nosuch.invalid:3478" {
			t.Errorf("report: type %q, unusable %+v", r.NAT.Type, r.Unusable)
		}
	})
}

// pionSettle outlasts what pion leaves running after a run returns: a TURN
// Allocate on a silent server takes no context and retransmits for 7.8 s
// (fake time). A synctest bubble ends only when all its goroutines have.
const pionSettle = 10 * time.Second

// TestCheckCandidates: the root check gathers candidates and checks the
// TURN servers beside the NAT tests, never printing the password;
// --no-candidates leaves the section out.
func TestCheckCandidates(t *testing.T) {
	const password = "pa55-w0rd-not-in-output"
	tests := []struct {
		name      string
		extra     []string
		wantKinds []string // nil: no candidates section
	}{
		{"with turn", []string{"--turn-user", "alice"}, []string{"host", "srflx", "relay"}},
		{"no candidates", []string{"--no-candidates"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(turnPasswordEnv, password)
			synctest.Test(t, func(t *testing.T) {
				w, err := testnet.NewWorld(testnet.WorldOptions{Kind: testnet.KindNAT, RTT: 40 * time.Millisecond,
					Mapping: natclass.MappingAddressAndPortDependent, Filtering: natclass.FilteringAddressAndPortDependent})
				if err != nil {
					t.Fatal(err)
				}
				defer w.Close()
				turnAddr, stop, err := w.StartTURN(map[string]string{"alice": password})
				if err != nil {
					t.Fatal(err)
				}
				defer stop()
				f, out, errOut := testFactory(t)
				f.Net = w.Client
				args := []string{"--format", "json", "-4"}
				for _, s := range w.Servers() {
					args = append(args, "--server", s)
				}
				if tt.wantKinds != nil {
					args = append(args, "--turn", "turn:"+turnAddr)
				}
				code := runWith(context.Background(), append(args, tt.extra...), f)
				if code != ExitOK {
					t.Fatalf("exit code %d; stderr:\n%s", code, errOut)
				}
				r := parseReport(t, out.String())
				switch {
				case tt.wantKinds == nil && r.Candidates != nil:
					t.Errorf("candidates %+v with --no-candidates", r.Candidates)
				case tt.wantKinds != nil && (r.Candidates == nil || !slices.Equal(r.Candidates.Kinds, tt.wantKinds)):
					t.Errorf("candidates %+v, want kinds %v", r.Candidates, tt.wantKinds)
				case tt.wantKinds != nil && (len(r.Candidates.TURN) != 1 || !r.Candidates.TURN[0].OK):
					t.Errorf("turn diagnosis %+v, want one working server", r.Candidates.TURN)
				}
				if strings.Contains(out.String()+errOut.String(), password) {
					t.Error("the TURN password is in the output")
				}
				time.Sleep(pionSettle)
			})
		})
	}
}

// TestSimulate runs `natcheck simulate` through the cobra command for a
// few kinds and reads the JSON back.
func TestSimulate(t *testing.T) {
	tests := []struct {
		name      string
		args      []string
		wantCode  ExitCode
		wantType  natclass.Label
		wantSim   report.Simulated
		wantMatch bool
	}{
		{"default nat", nil, ExitOK, natclass.LabelPortRestrictedCone, report.Simulated{Kind: "nat",
			Mapping: "endpoint-independent", Filtering: "address-and-port-dependent", Type: "port-restricted-cone", RTTMs: 30, Seed: 1}, true},
		{"symmetric with loss", []string{"--mapping", "address-and-port-dependent", "--filtering", "address-and-port-dependent",
			"--loss", "20", "--rtt", "80ms", "--seed", "3"}, ExitOK, natclass.LabelSymmetric, report.Simulated{Kind: "nat",
			Mapping: "address-and-port-dependent", Filtering: "address-and-port-dependent", Type: "symmetric",
			LossPercent: 20, RTTMs: 80, Seed: 3}, true},
		{"restricted cone", []string{"--mapping", "endpoint-independent", "--filtering", "address-dependent"}, ExitOK,
			natclass.LabelRestrictedCone, report.Simulated{Kind: "nat", Mapping: "endpoint-independent",
				Filtering: "address-dependent", Type: "restricted-cone", RTTMs: 30, Seed: 1}, true},
		{"open", []string{"--kind", "open"}, ExitOK, natclass.LabelOpenInternet, report.Simulated{Kind: "open",
			Mapping: "none", Filtering: "none", Type: "open-internet", RTTMs: 30, Seed: 1}, true},
		{"udp blocked", []string{"--kind", "udp-blocked"}, ExitNoSTUN, natclass.LabelUDPBlocked, report.Simulated{Kind: "udp-blocked",
			Mapping: "unknown", Filtering: "unknown", Type: "udp-blocked", RTTMs: 30, Seed: 1}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f, out, errOut := testFactory(t)
				code := runWith(context.Background(), append([]string{"simulate", "--format", "json"}, tt.args...), f)
				if code != tt.wantCode {
					t.Errorf("exit code %d, want %d; stderr:\n%s", code, tt.wantCode, errOut)
				}
				r := parseReport(t, out.String())
				if r.NAT.Type != string(tt.wantType) {
					t.Errorf("nat.type %q, want %q", r.NAT.Type, tt.wantType)
				}
				tt.wantSim.Matched = tt.wantMatch
				if r.Simulated == nil || *r.Simulated != tt.wantSim {
					t.Errorf("simulated = %+v, want %+v", r.Simulated, tt.wantSim)
				}
				// The simulated TURN server relays for every NAT kind; with UDP
				// blocked (and no TCP in vnet) nothing gets out but host ones.
				wantKinds := []string{"host", "srflx", "relay"}
				if tt.wantType == natclass.LabelUDPBlocked {
					wantKinds = []string{"host"}
				}
				if r.Candidates == nil || !slices.Equal(r.Candidates.Kinds, wantKinds) {
					t.Errorf("candidates %+v, want kinds %v", r.Candidates, wantKinds)
				}
				time.Sleep(pionSettle)
			})
		})
	}
}

// TestSimulateHumanSaysMatch: the human formats say whether the verdict
// matches the configured NAT.
func TestSimulateHumanSaysMatch(t *testing.T) {
	for _, format := range []string{"text", "table"} {
		t.Run(format, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f, out, errOut := testFactory(t)
				args := []string{"simulate", "--mapping", "address-dependent", "--filtering", "endpoint-independent", "--format", format}
				if code := runWith(context.Background(), args, f); code != ExitOK {
					t.Fatalf("exit code %d; stderr:\n%s", code, errOut)
				}
				first := firstLine(out.String())
				if !strings.HasPrefix(strings.TrimPrefix(first, "verdict: "), "Symmetric NAT: ") {
					t.Errorf("first line %q is not the verdict", first)
				}
				flat := strings.Join(strings.Fields(strings.ReplaceAll(out.String(), "│", " ")), " ")
				if !strings.Contains(flat, "verdict matches the configured NAT") {
					t.Errorf("output does not say the verdict matched:\n%s", out)
				}
				time.Sleep(pionSettle)
			})
		})
	}
}

// TestDefaultFormatFollowsTerminal: table on a terminal, text otherwise.
func TestDefaultFormatFollowsTerminal(t *testing.T) {
	for _, tty := range []bool{true, false} {
		synctest.Test(t, func(t *testing.T) {
			f, out, _ := testFactory(t)
			f.IO.IsTerminal = tty
			runWith(context.Background(), []string{"simulate"}, f)
			isTable := bytes.Contains(out.Bytes(), []byte("┌"))
			isText := strings.HasPrefix(out.String(), "verdict: ")
			if isTable != tty || isText == tty {
				t.Errorf("terminal %t: table %t, text %t", tty, isTable, isText)
			}
		})
	}
}
