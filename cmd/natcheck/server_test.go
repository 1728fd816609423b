package main

import (
	"context"
	"errors"
	"log/slog"
	"net/netip"
	"reflect"
	"strings"
	"testing"

	"github.com/natcheck/natcheck/probe/responder"
	"github.com/natcheck/natcheck/probe/turnserver"
)

// parseServer runs `server args` with runF capturing the options.
func parseServer(t *testing.T, args []string) (*ServerOptions, error) {
	t.Helper()
	f, _, _ := testFactory(t)
	var got *ServerOptions
	cmd := newServerCmd(f, func(_ context.Context, o *ServerOptions) error { got = o; return nil })
	cmd.SetArgs(args)
	cmd.SetOut(f.IO.ErrOut)
	cmd.SetErr(f.IO.ErrOut)
	if err := cmd.Execute(); err != nil {
		return nil, err
	}
	return got, nil
}

func TestServerFlags(t *testing.T) {
	p, a := netip.MustParseAddr("203.0.113.10"), netip.MustParseAddr("203.0.113.11")
	defaults := ServerOptions{
		Layout: responder.Layout{Primary: p, Port: 3478, AltPort: 3479, Software: "natcheck v9.9.9-test"},
		Limit:  responder.LimitOptions{Rate: responder.DefaultRate, Burst: responder.DefaultBurst, MaxSources: responder.DefaultMaxSources},
	}
	turnDefaults := turnserver.Options{IP: p, Port: 3480, TCP: true, Realm: "natcheck", Quota: 10,
		RelayMin: 49152, RelayMax: 65535, MaxTCPConns: 1024}
	tests := []struct {
		name string
		args []string
		env  string // NATCHECK_TURN_PASSWORD
		want func(o *ServerOptions)
	}{
		{"port-only", nil, "", func(*ServerOptions) {}},
		{"two IPs", []string{"--alternate", "203.0.113.11"}, "", func(o *ServerOptions) { o.Layout.Alternate = a }},
		{"ports and software", []string{"--port", "5349", "--alt-port", "5350", "--software", "lab"}, "", func(o *ServerOptions) {
			o.Layout.Port, o.Layout.AltPort, o.Layout.Software = 5349, 5350, "lab"
		}},
		{"rate limit off", []string{"--rate", "0"}, "", func(o *ServerOptions) { o.Limit.Rate = 0 }},
		{"rate limit tuned", []string{"--rate", "2.5", "--burst", "5", "--max-sources", "1000"}, "", func(o *ServerOptions) {
			o.Limit = responder.LimitOptions{Rate: 2.5, Burst: 5, MaxSources: 1000}
		}},
		{"metrics and json logs", []string{"--metrics-listen", "127.0.0.1:9478", "--log-format", "json", "--log-level", "debug"}, "",
			func(o *ServerOptions) {
				o.MetricsListen, o.LogJSON, o.LogLevel = "127.0.0.1:9478", true, slog.LevelDebug
			}},
		{"turn user with password", []string{"--turn-user", "alice:s3cret"}, "", func(o *ServerOptions) {
			td := turnDefaults
			td.Users = []turnserver.User{{Name: "alice", Password: "s3cret"}}
			o.TURN = &td
		}},
		{"turn users, one from the environment", []string{"--turn-user", "alice", "--turn-user", "bob:b0b"}, "envpw", func(o *ServerOptions) {
			td := turnDefaults
			td.Users = []turnserver.User{{Name: "alice", Password: "envpw"}, {Name: "bob", Password: "b0b"}}
			o.TURN = &td
		}},
		{"turn tuned", []string{"--turn-user", "a:b", "--turn-realm", "example.org", "--turn-port", "3490", "--turn-tcp=false",
			"--relay-ports", "50000-50999", "--turn-quota", "3", "--turn-max-conns", "64"}, "", func(o *ServerOptions) {
			o.TURN = &turnserver.Options{IP: p, Port: 3490, Realm: "example.org", Quota: 3, RelayMin: 50000, RelayMax: 50999,
				MaxTCPConns: 64, Users: []turnserver.User{{Name: "a", Password: "b"}}}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(turnPasswordEnv, tt.env)
			got, err := parseServer(t, append([]string{"--primary", "203.0.113.10"}, tt.args...))
			if err != nil {
				t.Fatal(err)
			}
			want := defaults
			tt.want(&want)
			got.IO, got.Net = nil, nil
			if got.TURN != nil {
				got.TURN.Net = nil
			}
			if !reflect.DeepEqual(*got, want) {
				t.Errorf("options:\ngot  %+v %+v\nwant %+v %+v", *got, got.TURN, want, want.TURN)
			}
		})
	}
}

// TestServerFlagErrors: every bad flag is a usage error with a clear
// message, and none shows a TURN password.
func TestServerFlagErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no primary", nil, "--primary is required"},
		{"bad primary", []string{"--primary", "eth0"}, `--primary "eth0": not an IP address`},
		{"bad alternate", []string{"--primary", "203.0.113.10", "--alternate", "x"}, `--alternate "x": not an IP address`},
		{"same IPs", []string{"--primary", "203.0.113.10", "--alternate", "203.0.113.10"}, "primary and alternate IP are both 203.0.113.10"},
		{"mixed families", []string{"--primary", "203.0.113.10", "--alternate", "2001:db8::1"}, "primary and alternate IP must be of one family"},
		{"same ports", []string{"--primary", "203.0.113.10", "--alt-port", "3478"}, "port and alternate port are both 3478"},
		{"negative rate", []string{"--primary", "203.0.113.10", "--rate", "-1"}, "--rate -1: must not be negative (0 turns the limit off)"},
		{"zero burst", []string{"--primary", "203.0.113.10", "--burst", "0"}, "--burst and --max-sources must be positive"},
		{"log format", []string{"--primary", "203.0.113.10", "--log-format", "xml"}, `--log-format "xml": want text or json`},
		{"log level", []string{"--primary", "203.0.113.10", "--log-level", "loud"}, `--log-level "loud": want debug, info, warn or error`},
		{"metrics address", []string{"--primary", "203.0.113.10", "--metrics-listen", "9478"}, `--metrics-listen "9478": want HOST:PORT`},
		{"turn flag without user", []string{"--primary", "203.0.113.10", "--turn-quota", "3"}, "--turn-quota needs --turn-user"},
		{"turn user without password", []string{"--primary", "203.0.113.10", "--turn-user", "alice"}, "--turn-user #1: TURN user has no password"},
		{"turn user without name", []string{"--primary", "203.0.113.10", "--turn-user", "a:b", "--turn-user", ":s3cret"}, "--turn-user #2: TURN user has no name"},
		{"relay range", []string{"--primary", "203.0.113.10", "--turn-user", "a:s3cret", "--relay-ports", "60000-50000"}, `--relay-ports "60000-50000": want MIN-MAX with`},
		{"relay range holds stun port", []string{"--primary", "203.0.113.10", "--turn-user", "a:s3cret", "--relay-ports", "3000-4000"}, "--relay-ports 3000-4000 contains the STUN port 3478"},
		{"turn port taken", []string{"--primary", "203.0.113.10", "--turn-user", "a:s3cret", "--turn-port", "3479"}, "--turn-port 3479 is taken by the STUN responder"},
		{"zero quota", []string{"--primary", "203.0.113.10", "--turn-user", "a:s3cret", "--turn-quota", "0"}, "--turn-quota and --turn-max-conns must be positive"},
		{"argument", []string{"--primary", "203.0.113.10", "now"}, `unknown command "now" for "server"`},
		{"rendezvous without token", []string{"--rendezvous-listen", "127.0.0.1:8080"}, "--rendezvous-listen needs a shared token: set NATCHECK_TOKEN or --rendezvous-token"},
		{"rendezvous address", []string{"--rendezvous-listen", "8080", "--rendezvous-token", "s3cret"}, `--rendezvous-listen "8080": want HOST:PORT`},
		{"token without rendezvous", []string{"--primary", "203.0.113.10", "--rendezvous-token", "s3cret"}, "--rendezvous-token needs --rendezvous-listen"},
		{"turn without primary", []string{"--rendezvous-listen", "127.0.0.1:8080", "--rendezvous-token", "t", "--turn-user", "a:s3cret"}, "--turn-user needs --primary"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(turnPasswordEnv, "")
			t.Setenv(pairTokenEnv, "")
			_, err := parseServer(t, tt.args)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error %q, want prefix %q", err, tt.want)
			}
			var ue *usageError
			if !errors.As(err, &ue) && !isCobraUsageError(err) {
				t.Errorf("error %v is not a usage error", err)
			}
			if strings.Contains(err.Error(), "s3cret") {
				t.Errorf("error %q shows a password", err)
			}
		})
	}
}
