package main

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/natcheck/natcheck/natclass"
	"github.com/natcheck/natcheck/probe/gather"
	"github.com/natcheck/natcheck/report"
	"github.com/natcheck/natcheck/testnet"
)

// The TURN credentials of these tests; the passwords are distinctive so
// that a leak is found by a plain substring search.
const (
	gatherUser     = "alice"
	gatherPassword = "pw-Zq8-never-printed"
	gatherWrong    = "pw-wrong-Kx3-never-printed"
)

// TestGatherFlags parses `natcheck gather`'s flags without running it.
func TestGatherFlags(t *testing.T) {
	turnURL := "turn:203.0.113.10:3480"
	defaults := GatherOptions{Servers: []string{"default.invalid:3478"}, Networks: gather.AllNetworks,
		Format: report.FormatText, Timeout: 5 * time.Second}
	tests := []struct {
		name string
		args []string
		env  string
		want func(o *GatherOptions)
	}{
		{"defaults", nil, "", func(*GatherOptions) {}},
		{"ipv4", []string{"-4"}, "", func(o *GatherOptions) { o.Networks = []gather.Network{gather.UDP4, gather.TCP4} }},
		{"ipv6", []string{"--ipv6"}, "", func(o *GatherOptions) { o.Networks = []gather.Network{gather.UDP6, gather.TCP6} }},
		{"stun servers", []string{"-s", "203.0.113.10", "--server", "stun:198.51.100.20:3478"}, "", func(o *GatherOptions) {
			o.Servers = []string{"203.0.113.10", "stun:198.51.100.20:3478"}
		}},
		{"turn, password from the environment", []string{"--turn", turnURL, "--turn-user", gatherUser}, gatherPassword, func(o *GatherOptions) {
			o.TURN = []gather.TURNServer{{URL: turnURL, User: gatherUser, Password: gatherPassword}}
		}},
		{"turn, password flag beats the environment", []string{"--turn", turnURL, "--turn-user", gatherUser, "--turn-password", gatherPassword}, gatherWrong,
			func(o *GatherOptions) {
				o.TURN = []gather.TURNServer{{URL: turnURL, User: gatherUser, Password: gatherPassword}}
			}},
		{"turn repeats", []string{"--turn", turnURL, "--turn", "turns:turn.example.org", "--turn-user", gatherUser}, gatherPassword, func(o *GatherOptions) {
			o.TURN = []gather.TURNServer{{URL: turnURL, User: gatherUser, Password: gatherPassword},
				{URL: "turns:turn.example.org", User: gatherUser, Password: gatherPassword}}
		}},
		{"json, timeout, verbose", []string{"--format", "json", "--timeout", "9s", "-v"}, "", func(o *GatherOptions) {
			o.Format, o.Timeout, o.Verbose = report.FormatJSON, 9*time.Second, true
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(turnPasswordEnv, tt.env)
			got := parseGather(t, tt.args)
			want := defaults
			tt.want(&want)
			got.IO, got.Net, got.Version = nil, nil, ""
			if !reflect.DeepEqual(*got, want) {
				t.Errorf("options:\ngot  %+v\nwant %+v", *got, want)
			}
		})
	}
}

// TestGatherCA: --turn-ca loads the roots that turns: servers are checked
// against.
func TestGatherCA(t *testing.T) {
	certPEM, _, err := testnet.SelfSignedPEM("turn.example.org")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(path, certPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	got := parseGather(t, []string{"--turn-ca", path})
	if got.TLS == nil || got.TLS.RootCAs == nil || got.TLS.InsecureSkipVerify {
		t.Errorf("TLS config %+v: want roots from %s", got.TLS, path)
	}
}

func parseGather(t *testing.T, args []string) *GatherOptions {
	t.Helper()
	f, _, _ := testFactory(t)
	var got *GatherOptions
	cmd := newGatherCmd(f, func(_ context.Context, o *GatherOptions) error { got = o; return nil })
	cmd.SetArgs(args)
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	return got
}

// TestGatherFlagErrors: every bad flag is a usage error, before any packet.
func TestGatherFlagErrors(t *testing.T) {
	notPEM := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(notPEM, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		env  string
		want string
	}{
		{"turn without user", []string{"--turn", "turn:203.0.113.10"}, gatherPassword, "--turn needs --turn-user"},
		{"turn without password", []string{"--turn", "turn:203.0.113.10", "--turn-user", gatherUser}, "",
			"--turn needs a password: set NATCHECK_TURN_PASSWORD or --turn-password"},
		{"user without turn", []string{"--turn-user", gatherUser}, "", "--turn-user and --turn-password need a --turn server"},
		{"password without turn", []string{"--turn-password", gatherPassword}, "", "--turn-user and --turn-password need a --turn server"},
		{"bad transport", []string{"--turn", "turn:203.0.113.10?transport=sctp", "--turn-user", gatherUser, "--turn-password", gatherPassword}, "",
			`bad server URL: "turn:203.0.113.10?transport=sctp": invalid transport protocol type`},
		{"dtls", []string{"--turn", "turns:203.0.113.10?transport=udp", "--turn-user", gatherUser}, gatherPassword,
			`bad server URL: "turns:203.0.113.10?transport=udp": turns over UDP (DTLS) is not supported`},
		{"stun url as turn", []string{"--turn", "stun:203.0.113.10", "--turn-user", gatherUser}, gatherPassword,
			`bad server URL: "stun:203.0.113.10": want turn: or turns:`},
		{"stuns server", []string{"-s", "stuns:203.0.113.10"}, "", `bad server URL: "stuns:203.0.113.10": stuns (TLS) gives no server-reflexive candidate`},
		{"both families", []string{"-4", "-6"}, "", "-4 and -6 cannot be used together"},
		{"missing ca", []string{"--turn-ca", "/nonexistent/ca.pem"}, "", "--turn-ca: open /nonexistent/ca.pem: no such file or directory"},
		{"ca not PEM", []string{"--turn-ca", notPEM}, "", "--turn-ca " + notPEM + ": no PEM certificate in it"},
		{"stray argument", []string{"now"}, "", `unknown command "now" for "gather"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(turnPasswordEnv, tt.env)
			f, _, _ := testFactory(t)
			ran := false
			cmd := newGatherCmd(f, func(context.Context, *GatherOptions) error { ran = true; return nil })
			cmd.SetArgs(tt.args)
			cmd.SilenceErrors, cmd.SilenceUsage = true, true
			err := cmd.Execute()
			if err == nil || err.Error() != tt.want {
				t.Errorf("error = %v, want %q", err, tt.want)
			}
			if ran {
				t.Error("gather ran despite the error")
			}
			if err != nil && strings.Contains(err.Error(), gatherPassword) {
				t.Error("the error shows the password")
			}
		})
	}
}

// gatherInWorld runs `natcheck gather` with args in a simulated world with
// a TURN server at 203.0.113.10:3480, the world's STUN servers and the
// password in the environment, under synctest.
func gatherInWorld(t *testing.T, o testnet.WorldOptions, args []string) (ExitCode, string, string) {
	t.Helper()
	var code ExitCode
	var stdout, stderr string
	synctest.Test(t, func(t *testing.T) {
		o.RTT = 20 * time.Millisecond
		w, err := testnet.NewWorld(o)
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()
		_, stop, err := w.StartTURN(map[string]string{gatherUser: gatherPassword})
		if err != nil {
			t.Fatal(err)
		}
		defer stop()
		f, out, errOut := testFactory(t)
		f.Net = w.Client
		for _, s := range w.Servers() {
			args = append(args, "--server", s)
		}
		code = runWith(context.Background(), append(args, "-4"), f)
		stdout, stderr = out.String(), errOut.String()
		// pion's TURN client takes no context: let retransmissions it may
		// still run after the deadline end inside the bubble.
		time.Sleep(10 * time.Second)
	})
	return code, stdout, stderr
}

var gatherTURNArgs = []string{"gather", "--turn", "turn:" + testnet.PrimaryIP + ":3480", "--turn-user", gatherUser}

// TestGatherInWorld runs `natcheck gather` end to end on simulated networks.
func TestGatherInWorld(t *testing.T) {
	cone := testnet.WorldOptions{Kind: testnet.KindNAT, Mapping: natclass.MappingEndpointIndependent, Filtering: natclass.FilteringAddressAndPortDependent}
	tests := []struct {
		name     string
		world    testnet.WorldOptions
		password string
		code     ExitCode
		kinds    []string
		failure  string
	}{
		{"relay works", cone, gatherPassword, ExitOK, []string{"host", "srflx", "relay"}, ""},
		{"wrong password", cone, gatherWrong, ExitOK, []string{"host", "srflx"}, "bad-credentials"},
		{"udp blocked", testnet.WorldOptions{Kind: testnet.KindUDPBlocked}, gatherPassword, ExitNoSTUN, []string{"host"}, "timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(turnPasswordEnv, tt.password)
			code, stdout, stderr := gatherInWorld(t, tt.world, append(slices.Clone(gatherTURNArgs), "--format", "json"))
			if code != tt.code {
				t.Errorf("exit code %d, want %d; stderr:\n%s", code, tt.code, stderr)
			}
			g, err := report.ParseGather(strings.NewReader(stdout))
			if err != nil {
				t.Fatalf("stdout is not a gather document: %v\n%s", err, stdout)
			}
			if g.Command != "gather" || g.SchemaVersion != report.SchemaVersion || !slices.Equal(g.Kinds, tt.kinds) {
				t.Errorf("command %q schema %d kinds %v; want gather, %d, %v", g.Command, g.SchemaVersion, g.Kinds, report.SchemaVersion, tt.kinds)
			}
			if len(g.TURN) != 1 || g.TURN[0].Failure != tt.failure || g.TURN[0].OK != (tt.failure == "") {
				t.Errorf("turn %+v, want failure %q", g.TURN, tt.failure)
			}
		})
	}
}

// TestGatherNeverPrintsPassword: in every format, verbose or not, with the
// right password and a wrong one, neither stdout nor stderr (which then
// carries pion's logs) contains the password.
func TestGatherNeverPrintsPassword(t *testing.T) {
	cone := testnet.WorldOptions{Kind: testnet.KindNAT, Mapping: natclass.MappingAddressAndPortDependent, Filtering: natclass.FilteringAddressAndPortDependent}
	for _, pw := range []string{gatherPassword, gatherWrong} {
		for _, f := range report.Formats {
			for _, verbose := range []bool{false, true} {
				name := string(f)
				if verbose {
					name += " verbose"
				}
				if pw == gatherWrong {
					name += " wrong password"
				}
				t.Run(name, func(t *testing.T) {
					t.Setenv(turnPasswordEnv, pw)
					args := append(slices.Clone(gatherTURNArgs), "--format", string(f))
					if verbose {
						args = append(args, "--verbose")
					}
					_, stdout, stderr := gatherInWorld(t, cone, args)
					if !strings.Contains(stdout, "turn:"+testnet.PrimaryIP+":3480") {
						t.Errorf("the output does not name the TURN server:\n%s", stdout)
					}
					if verbose && !strings.Contains(stderr, "turnc") && !strings.Contains(stderr, "ice") {
						t.Errorf("--verbose shows no pion log:\n%s", stderr)
					}
					for _, s := range []string{stdout, stderr} {
						if strings.Contains(s, pw) {
							t.Errorf("output contains the password:\n%s", s)
						}
					}
				})
			}
		}
	}
}

// TestGatherUsageErrorHidesPassword: a usage error prints the usage, never
// the password given on the command line.
func TestGatherUsageErrorHidesPassword(t *testing.T) {
	t.Setenv(turnPasswordEnv, "")
	f, out, errOut := testFactory(t)
	code := runWith(context.Background(), []string{"gather", "--turn", "turn:x?transport=sctp", "--turn-user", gatherUser,
		"--turn-password", gatherPassword}, f)
	if code != ExitUsage {
		t.Errorf("exit code %d, want %d", code, ExitUsage)
	}
	if s := out.String() + errOut.String(); strings.Contains(s, gatherPassword) || !strings.Contains(s, "bad server URL") {
		t.Errorf("output:\n%s", s)
	}
}

// TestGatherHelp: the help names the flags, the environment variable and
// the exit codes.
func TestGatherHelp(t *testing.T) {
	f, out, _ := testFactory(t)
	if code := runWith(context.Background(), []string{"gather", "--help"}, f); code != ExitOK {
		t.Fatalf("exit code %d", code)
	}
	for _, want := range []string{"--turn ", "--turn-user", "--turn-password", "--turn-ca", "NATCHECK_TURN_PASSWORD",
		"3  no STUN or TURN server answered", "2  usage error"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("help lacks %q:\n%s", want, out.String())
		}
	}
}
