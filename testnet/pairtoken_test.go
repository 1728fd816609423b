package testnet

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/natcheck/natcheck/probe/pair"
)

// TestPairTokens runs the copy-and-paste flow between two port-restricted
// cones: B answers at once and starts checking, A pastes B's answer only
// after a human delay; B's slower, longer checks keep its filter open, so
// the direct path still works.
func TestPairTokens(t *testing.T) {
	for _, delay := range []time.Duration{0, 10 * time.Second} {
		t.Run(delay.String(), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				o := PairWorldOptions{A: nat(natEI, natAPD), B: nat(natEI, natAPD), TURN: true, RTT: pairRTT}
				w := newPairWorld(t, o)
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				defer cancel()
				offer, answer := pair.MemoryTokenSignalers()
				read := offer.Read
				offer.Read = func(ctx context.Context) (string, error) { // the human pastes late
					tok, err := read(ctx)
					time.Sleep(delay)
					return tok, err
				}
				var b pair.Result
				var errB error
				done := make(chan struct{})
				go func() {
					defer close(done)
					b, errB = pair.Run(ctx, pair.Options{Net: w.B, URLs: w.URLs(), NAT: o.B.Expect(), PeerDelay: 30 * time.Second}, answer)
				}()
				a, errA := pair.Run(ctx, pair.Options{Net: w.A, URLs: w.URLs(), NAT: o.A.Expect(), Controlling: true}, offer)
				<-done
				if errA != nil || errB != nil {
					t.Fatalf("A: %v; B: %v", errA, errB)
				}
				if !a.Direct || !a.Relay || b.View != pair.ViewControlling || b.Direct != a.Direct {
					t.Errorf("A: direct=%v relay=%v; B: view %s direct=%v; want both paths and the same report", a.Direct, a.Relay, b.View, b.Direct)
				}
				checkPairs(t, a, notToHost)
			})
		})
	}
}
