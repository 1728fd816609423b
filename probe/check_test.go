package probe_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/natcheck/natcheck/natclass"
	"github.com/natcheck/natcheck/probe"
	"github.com/natcheck/natcheck/testnet"
)

// unusable are --server values that can never be asked: each must be listed
// in Outcome.Unusable, and none may hold up the run.
var unusable = []string{
	"stun.invalid:3478",    // does not resolve (vnet knows no names)
	"203.0.113.10:0",       // bad port
	"203.0.113.10:70000",   // bad port
	"stuns:203.0.113.10",   // TLS cannot run the UDP tests
	"",                     // empty
	"203.0.113.10:3478:1:", // not an address
}

// silent are servers that resolve but never answer.
var silent = []string{
	"203.0.113.10:9",     // the responder's host, a port nobody listens on
	"198.51.100.77:3478", // no host at all
}

// world starts a testnet world inside the current synctest bubble.
func world(t *testing.T, o testnet.WorldOptions) *testnet.World {
	t.Helper()
	o.RTT = 50 * time.Millisecond
	w, err := testnet.NewWorld(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = w.Close() })
	return w
}

func byName(obs []natclass.ServerObs) map[string]natclass.ServerObs {
	m := map[string]natclass.ServerObs{}
	for _, s := range obs {
		m[s.Name] = s
	}
	return m
}

// TestCheckPartial: good servers among dead, unresolvable and malformed
// ones. The run ends on its own, well before the deadline; the answers are
// kept and still classify the NAT; every bad server is named.
func TestCheckPartial(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := world(t, testnet.WorldOptions{Kind: testnet.KindNAT,
			Mapping: natclass.MappingEndpointIndependent, Filtering: natclass.FilteringAddressAndPortDependent})
		servers := slices.Concat(silent, w.Servers(), unusable)
		const deadline = 10 * time.Second
		ctx, cancel := context.WithTimeout(context.Background(), deadline)
		defer cancel()
		start := time.Now()
		out, err := probe.Check(ctx, probe.Options{Servers: servers, Net: w.Client, Family: probe.FamilyIPv4})
		elapsed := time.Since(start)
		if err != nil {
			t.Fatalf("Check: %v", err)
		}
		if elapsed >= deadline/2 || out.Duration != elapsed {
			t.Errorf("took %v (Duration %v) of a %v deadline: silence should be judged, not waited out", elapsed, out.Duration, deadline)
		}
		if len(out.Families) != 1 || out.Families[0].Network != "udp4" {
			t.Fatalf("families %+v, want udp4 only", out.Families)
		}
		obs := out.Families[0].Observations
		got := byName(obs.Servers)
		for _, name := range w.Servers() {
			if s := got[name]; !s.Answered || !s.Mapped.IsValid() || s.Error != "" {
				t.Errorf("%s: %+v, want an answer with a mapping", name, s)
			}
		}
		for _, name := range silent {
			if s := got[name]; s.Answered || !s.Silent || s.Error != "no reply" {
				t.Errorf("%s: %+v, want judged silent", name, s)
			}
		}
		var listed []string
		for _, u := range out.Unusable {
			listed = append(listed, u.Name)
			if u.Error == "" {
				t.Errorf("%q listed without a reason", u.Name)
			}
		}
		if !slices.Equal(listed, unusable) {
			t.Errorf("unusable %q, want %q", listed, unusable)
		}
		r := natclass.Classify(obs)
		if r.Mapping != natclass.MappingEndpointIndependent || r.Filtering != natclass.FilteringAddressAndPortDependent ||
			r.Type != natclass.LabelPortRestrictedCone {
			t.Errorf("classified %s/%s %s; the dead servers spoilt it: %+v %+v", r.Mapping, r.Filtering, r.Type, r.MappingWhy, r.FilteringWhy)
		}
		t.Logf("%d servers, %v fake time; unusable: %+v", len(servers), elapsed, out.Unusable)
	})
}

// TestCheckDeadline: a deadline shorter than silence takes to judge ends the
// run at the deadline, keeps what answered, and calls nothing silent.
func TestCheckDeadline(t *testing.T) {
	for _, tt := range []struct {
		name     string
		deadline time.Duration
	}{
		{"before the first answer", 30 * time.Millisecond},
		{"between answers and silence", 400 * time.Millisecond},
	} {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				w := world(t, testnet.WorldOptions{Kind: testnet.KindNAT,
					Mapping: natclass.MappingAddressDependent, Filtering: natclass.FilteringAddressDependent})
				ctx, cancel := context.WithTimeout(context.Background(), tt.deadline)
				defer cancel()
				start := time.Now()
				out, err := probe.Check(ctx, probe.Options{Servers: slices.Concat(w.Servers(), silent), Net: w.Client, Family: probe.FamilyIPv4})
				if err != nil {
					t.Fatal(err)
				}
				if elapsed := time.Since(start); elapsed != tt.deadline {
					t.Errorf("returned after %v, want at the deadline %v", elapsed, tt.deadline)
				}
				got := byName(out.Families[0].Observations.Servers)
				for _, name := range silent {
					if s := got[name]; s.Answered || s.Silent {
						t.Errorf("%s: %+v: the deadline is not a verdict", name, s)
					}
				}
				answered := 0
				for _, name := range w.Servers() {
					if got[name].Answered {
						answered++
					}
				}
				r := natclass.Classify(out.Families[0].Observations)
				switch {
				case tt.deadline < 50*time.Millisecond && (answered != 0 || r.UDPBlocked || r.Type != natclass.LabelUnknown):
					t.Errorf("%d answers, blocked=%v type=%s; want none, unknown", answered, r.UDPBlocked, r.Type)
				case tt.deadline >= 50*time.Millisecond && answered != len(w.Servers()):
					t.Errorf("%d of %d good servers kept", answered, len(w.Servers()))
				}
			})
		})
	}
}

func TestCheckNoUsableServer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := world(t, testnet.WorldOptions{Kind: testnet.KindOpen})
		out, err := probe.Check(context.Background(), probe.Options{Servers: unusable, Net: w.Client})
		if !errors.Is(err, probe.ErrNoServers) {
			t.Fatalf("got %v, want ErrNoServers", err)
		}
		if len(out.Unusable) != len(unusable) || len(out.Families) != 0 {
			t.Errorf("outcome %+v, want every server unusable and no families", out)
		}
	})
}

// TestCheckUDPBlocked: nothing answers; the run says so on its own, in the
// Pacer's time, not the deadline's.
func TestCheckUDPBlocked(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := world(t, testnet.WorldOptions{Kind: testnet.KindUDPBlocked})
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		start := time.Now()
		out, err := probe.Check(ctx, probe.Options{Servers: w.Servers(), Net: w.Client, Family: probe.FamilyIPv4})
		if err != nil {
			t.Fatal(err)
		}
		if elapsed := time.Since(start); elapsed > probe.DefaultNoAnswerAfter+time.Second {
			t.Errorf("UDP blocked judged after %v", elapsed)
		}
		if r := natclass.Classify(out.Families[0].Observations); !r.UDPBlocked || r.Type != natclass.LabelUDPBlocked {
			t.Errorf("blocked=%v type=%s, want UDP blocked", r.UDPBlocked, r.Type)
		}
	})
}
