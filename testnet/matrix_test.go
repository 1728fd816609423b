package testnet

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"testing/synctest"
	"time"

	"github.com/natcheck/natcheck/natclass"
	"github.com/natcheck/natcheck/probe"
)

// worlds lists every simulated network the classifier must get right.
func worlds() []WorldOptions {
	behaviors := []natclass.MappingBehavior{natclass.MappingEndpointIndependent,
		natclass.MappingAddressDependent, natclass.MappingAddressAndPortDependent}
	var out []WorldOptions
	for _, m := range behaviors {
		for _, f := range behaviors {
			out = append(out, WorldOptions{Kind: KindNAT, Mapping: m, Filtering: natclass.FilteringBehavior(f)})
		}
	}
	return append(out, WorldOptions{Kind: KindOpen}, WorldOptions{Kind: KindUDPBlocked})
}

// runCheck runs a full check in world w under a 5 s deadline.
func runCheck(t testing.TB, w *World) (probe.Outcome, natclass.Result) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	out, err := probe.Check(ctx, probe.Options{Servers: w.Servers(), Net: w.Client, Family: probe.FamilyIPv4})
	if err != nil {
		t.Fatalf("check: %v", err)
	}
	return out, natclass.Classify(out.Families[0].Observations)
}

// TestMatrix asserts that the classification equals the configured NAT, for
// every world, without loss and with 20% loss each way, several times over
// (different loss patterns), under synctest so no wall-clock time passes.
func TestMatrix(t *testing.T) {
	reps := map[float64]int{0: 2, 20: 12}
	if testing.Short() {
		reps = map[float64]int{0: 1, 20: 3}
	}
	// NATCHECK_SOAK=N runs N loss patterns per world: a soak for flaky verdicts.
	if n, err := strconv.Atoi(os.Getenv("NATCHECK_SOAK")); err == nil && n > 0 {
		reps[20] = n
	}
	for _, loss := range []float64{0, 20} {
		for _, base := range worlds() {
			t.Run(fmt.Sprintf("loss%.0f/%s", loss, base.Name()), func(t *testing.T) {
				for rep := range reps[loss] {
					o := base
					o.Loss, o.Seed, o.RTT = loss, uint64(rep+1), 50*time.Millisecond
					synctest.Test(t, func(t *testing.T) {
						w, err := NewWorld(o)
						if err != nil {
							t.Fatal(err)
						}
						defer w.Close()
						out, res := runCheck(t, w)
						wm, wf, wl := w.Expect()
						if res.Mapping != wm || res.Filtering != wf || res.Type != wl {
							t.Errorf("seed %d: got mapping=%s filtering=%s type=%s; want %s %s %s\nmapping: %+v\nfiltering: %+v\nobs: %+v",
								o.Seed, res.Mapping, res.Filtering, res.Type, wm, wf, wl, res.MappingWhy, res.FilteringWhy, out.Families[0].Observations)
						}
						t.Logf("seed %d: %s in %v (fake time)", o.Seed, res.Type, out.Duration)
					})
				}
			})
		}
	}
}
