package testnet

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"testing/synctest"
	"time"

	"github.com/natcheck/natcheck/natclass"
	"github.com/natcheck/natcheck/probe/pair"
)

const pairRTT = 20 * time.Millisecond

var (
	natEI  = natclass.MappingEndpointIndependent
	natAD  = natclass.MappingAddressDependent
	natAPD = natclass.MappingAddressAndPortDependent
)

func nat(m, f natclass.MappingBehavior) NATSpec {
	return NATSpec{Kind: KindNAT, Mapping: m, Filtering: natclass.FilteringBehavior(f)}
}

// runPair runs both sides of a pair test in w, A controlling, under one
// deadline, and returns both sides' results and the fake time it took.
// newPairWorld builds a two-NAT world that closes when t ends.
func newPairWorld(t *testing.T, o PairWorldOptions) *PairWorld {
	t.Helper()
	w, err := NewPairWorld(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = w.Close() })
	return w
}

func runPair(w *PairWorld, o PairWorldOptions, deadline time.Duration) (a, b pair.Result, errA, errB error, took time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	sa, sb := pair.MemorySignalers()
	start := time.Now()
	done := make(chan struct{})
	go func() {
		defer close(done)
		b, errB = pair.Run(ctx, pair.Options{Net: w.B, URLs: w.URLs(), NAT: o.B.Expect()}, sb)
	}()
	a, errA = pair.Run(ctx, pair.Options{Net: w.A, URLs: w.URLs(), NAT: o.A.Expect(), Controlling: true}, sa)
	<-done
	return a, b, errA, errB, time.Since(start)
}

func pairLine(p pair.PairResult) string {
	return fmt.Sprintf("%s %s:%d -> %s %s:%d", p.Local.Type, p.Local.Address, p.Local.Port, p.Remote.Type, p.Remote.Address, p.Remote.Port)
}

// Which pairs can work, by candidate type (vnet NATs have one public IP).
var (
	// Host candidates sit on two different LANs: never reachable.
	notToHost = func(p pair.PairResult) bool { return p.Remote.Type != "host" }
	// Behind a symmetric NAT, B's srflx mapping admits only the STUN
	// server; what works is A's relay reached from anywhere, and A's relay
	// to the port B's NAT opened toward it (prflx).
	relayOnly = func(p pair.PairResult) bool {
		return p.Remote.Type == "relay" || (p.Local.Type == "relay" && p.Remote.Type == "prflx")
	}
	// A full cone reaches a symmetric NAT only on the port B's NAT opened
	// toward A's srflx socket (pion gives srflx candidates their own socket).
	srflxToPrflx = func(p pair.PairResult) bool { return p.Local.Type == "srflx" && p.Remote.Type == "prflx" }
	nothing      = func(pair.PairResult) bool { return false }
)

// TestPairScenarios runs the pair test between two NATed hosts for the
// combinations that matter, under synctest, and checks every pair's
// verdict, the path summary, the quality bursts and that both hosts end
// with the same report.
func TestPairScenarios(t *testing.T) {
	tests := []struct {
		name          string
		o             PairWorldOptions
		direct, relay bool
		succeeds      func(pair.PairResult) bool
		outcome       natclass.PairOutcome
	}{
		{"cone-cone", PairWorldOptions{A: nat(natEI, natEI), B: nat(natEI, natEI), TURN: true},
			true, true, notToHost, natclass.OutcomeHolePunching},
		{"port-restricted-port-restricted", PairWorldOptions{A: nat(natEI, natAPD), B: nat(natEI, natAPD), TURN: true},
			true, true, notToHost, natclass.OutcomeHolePunching},
		{"port-restricted-symmetric", PairWorldOptions{A: nat(natEI, natAPD), B: nat(natAPD, natAPD), TURN: true},
			false, true, relayOnly, natclass.OutcomeRelayRequired},
		{"symmetric-symmetric", PairWorldOptions{A: nat(natAPD, natAPD), B: nat(natAPD, natAPD), TURN: true},
			false, true, relayOnly, natclass.OutcomeRelayRequired},
		{"symmetric-symmetric-no-turn", PairWorldOptions{A: nat(natAPD, natAPD), B: nat(natAPD, natAPD)},
			false, false, nothing, natclass.OutcomeRelayRequired},
		{"cone-symmetric-no-turn", PairWorldOptions{A: nat(natEI, natEI), B: nat(natAPD, natAPD)},
			true, false, srflxToPrflx, natclass.OutcomeHolePunching},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				tt.o.RTT = pairRTT
				w, err := NewPairWorld(tt.o)
				if err != nil {
					t.Fatal(err)
				}
				defer w.Close()
				a, b, errA, errB, took := runPair(w, tt.o, 30*time.Second)
				if errA != nil || errB != nil {
					t.Fatalf("A: %v; B: %v", errA, errB)
				}
				t.Logf("%d pairs, direct=%v relay=%v in %v fake time", len(a.Pairs), a.Direct, a.Relay, took)
				checkPairs(t, a, tt.succeeds)
				if a.Direct != tt.direct || a.Relay != tt.relay {
					t.Errorf("direct=%v relay=%v; want %v %v", a.Direct, a.Relay, tt.direct, tt.relay)
				}
				if a.Prediction.Outcome != tt.outcome || a.Agree != natclass.True {
					t.Errorf("prediction %s (agree %s); want %s, agreeing", a.Prediction.Outcome, a.Agree, tt.outcome)
				}
				checkQuality(t, a)
				if tt.direct || tt.relay {
					if !reflect.DeepEqual(a, b) {
						t.Errorf("B's report differs from A's:\nA: %+v\nB: %+v", a, b)
					}
				} else if b.View != pair.ViewControlled || b.Direct || b.Relay || len(b.Notes) == 0 {
					t.Errorf("B: view %s direct=%v relay=%v notes %q; want its own no-path view with a note", b.View, b.Direct, b.Relay, b.Notes)
				}
				if limit := 5 * time.Second; took > limit {
					t.Errorf("took %v fake time; want under %v", took, limit)
				}
			})
		})
	}
}

// checkPairs: every pair reached a verdict, exactly the expected ones
// succeeded, and one succeeded pair is selected when any works.
func checkPairs(t *testing.T, r pair.Result, succeeds func(pair.PairResult) bool) {
	t.Helper()
	for _, p := range r.Pairs {
		want := pair.StateFailed
		if succeeds(p) {
			want = pair.StateSucceeded
		}
		if p.State != want {
			t.Errorf("%s: %s; want %s", pairLine(p), p.State, want)
		}
		if testing.Verbose() {
			t.Logf("%s: %s %v", pairLine(p), p.State, p.CheckRTT)
		}
	}
	switch {
	case !r.Direct && !r.Relay && r.Selected != nil:
		t.Errorf("no path, yet %s is selected", pairLine(*r.Selected))
	case (r.Direct || r.Relay) && (r.Selected == nil || r.Selected.State != pair.StateSucceeded):
		t.Errorf("a path works but no succeeded pair is selected: %+v", r.Selected)
	}
}

// checkQuality: each working path got its burst back in full, at the
// world's RTT (direct) or twice it (relay: client, TURN, client).
func checkQuality(t *testing.T, r pair.Result) {
	t.Helper()
	want := map[pair.Path]time.Duration{}
	if r.Direct {
		want[pair.PathDirect] = pairRTT
	}
	if r.Relay {
		want[pair.PathRelay] = 2 * pairRTT
	}
	if len(r.Quality) != len(want) {
		t.Errorf("%d quality bursts; want %d", len(r.Quality), len(want))
	}
	for _, q := range r.Quality {
		if q.Sent != pair.DefaultBurst || q.Received != q.Sent || q.RTTMedian != want[q.Path] || q.Jitter != 0 {
			t.Errorf("%s burst: sent %d received %d median %v jitter %v; want %d back at %v, no jitter",
				q.Path, q.Sent, q.Received, q.RTTMedian, q.Jitter, pair.DefaultBurst, want[q.Path])
		}
	}
}

// TestPairPredictionMatrix runs the pair test for every mapping × filtering
// combination on both sides (no TURN) and asserts that natclass.Predict
// said whether a direct path would work.
func TestPairPredictionMatrix(t *testing.T) {
	behaviors := []natclass.MappingBehavior{natEI, natAD, natAPD}
	var specs []NATSpec
	for _, m := range behaviors {
		for _, f := range behaviors {
			specs = append(specs, nat(m, f))
		}
	}
	for _, sa := range specs {
		for _, sb := range specs {
			t.Run(sa.String()+"_"+sb.String(), func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					o := PairWorldOptions{A: sa, B: sb, RTT: pairRTT}
					w := newPairWorld(t, o)
					r, _, errA, errB, _ := runPair(w, o, 30*time.Second)
					if errA != nil || errB != nil {
						t.Fatalf("A: %v; B: %v", errA, errB)
					}
					if r.Agree != natclass.True {
						t.Errorf("direct=%v, but predicted %s: %s", r.Direct, r.Prediction.Outcome, r.Prediction.Reason)
					}
				})
			})
		}
	}
}
