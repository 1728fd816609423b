package testnet

import (
	"fmt"
	"testing"
	"testing/synctest"
	"time"

	"github.com/natcheck/natcheck/natclass"
	"github.com/natcheck/natcheck/probe/pair"
)

// TestPairLoss: with 10% of packets lost each way on the WAN, the verdicts
// hold, the bursts show the loss, and both hosts still end with one report.
func TestPairLoss(t *testing.T) {
	for seed := range uint64(5) {
		t.Run(fmt.Sprintf("seed%d", seed+1), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				o := PairWorldOptions{A: nat(natEI, natAPD), B: nat(natEI, natAPD), TURN: true, RTT: pairRTT, Loss: 10, Seed: seed + 1}
				w := newPairWorld(t, o)
				a, b, errA, errB, took := runPair(w, o, 30*time.Second)
				if errA != nil || errB != nil {
					t.Fatalf("A: %v; B: %v", errA, errB)
				}
				lost := 0
				for _, q := range a.Quality {
					lost += q.Sent - q.Received
					if q.Sent != pair.DefaultBurst || q.Received == 0 {
						t.Errorf("%s burst: %d of %d back", q.Path, q.Received, q.Sent)
					}
				}
				t.Logf("in %v: direct=%v relay=%v, %d echo packets lost, B view %s", took, a.Direct, a.Relay, lost, b.View)
				if !a.Direct || !a.Relay || a.Agree != natclass.True || b.View != pair.ViewControlling {
					t.Errorf("direct=%v relay=%v agree=%s; B view %s notes %q", a.Direct, a.Relay, a.Agree, b.View, a.Notes)
					for _, r := range []pair.Result{a, b} {
						t.Logf("view %s window %v duration %v", r.View, r.Window, r.Duration)
						for _, p := range r.Pairs {
							t.Logf("%s %s req=%d resp=%d peer=%d", pairLine(p), p.State, p.Requests, p.Responses, p.PeerChecks)
						}
					}
				}
			})
		})
	}
}
