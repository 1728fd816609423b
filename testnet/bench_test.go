package testnet

import (
	"context"
	"fmt"
	"testing"
	"testing/synctest"
	"time"

	"github.com/natcheck/natcheck/natclass"
	"github.com/natcheck/natcheck/probe"
)

// benchWorlds are the NATs the speed figures are taken on: the cheapest
// verdict (full cone answers every test) and the dearest (port-restricted
// cone and symmetric must wait out two silent CHANGE-REQUEST tests).
var benchWorlds = []WorldOptions{
	{Kind: KindNAT, Mapping: natclass.MappingEndpointIndependent, Filtering: natclass.FilteringEndpointIndependent},
	{Kind: KindNAT, Mapping: natclass.MappingEndpointIndependent, Filtering: natclass.FilteringAddressAndPortDependent},
	{Kind: KindNAT, Mapping: natclass.MappingAddressAndPortDependent, Filtering: natclass.FilteringAddressAndPortDependent},
}

// BenchmarkCheck measures a full check (survey, mapping, filtering,
// hairpinning, port allocation) at 50 ms RTT, 0% and 20% loss each way.
// "wall" runs on the real clock; "fake" runs under synctest, where the
// figure is protocol time alone. Reported: ms/check, RTTs/check (check
// time over the world's RTT) and correct-% (verdicts equal to the NAT).
func BenchmarkCheck(b *testing.B) {
	const rtt = 50 * time.Millisecond
	for _, clock := range []string{"wall", "fake"} {
		for _, loss := range []float64{0, 20} {
			for _, base := range benchWorlds {
				name := fmt.Sprintf("%s/loss%.0f/%s", clock, loss, base.Name())
				b.Run(name, func(b *testing.B) {
					var total time.Duration
					correct := 0
					for i := 0; b.Loop(); i++ {
						o := base
						o.RTT, o.Loss, o.Seed = rtt, loss, uint64(i+1)
						var d time.Duration
						var ok bool
						var err error
						if clock == "fake" {
							// synctest has no benchmark form: a bare T hosts the
							// bubble, and errors come back as values.
							synctest.Test(&testing.T{}, func(*testing.T) { d, ok, err = timedCheck(o) })
						} else {
							d, ok, err = timedCheck(o)
						}
						if err != nil {
							b.Fatal(err)
						}
						total += d
						if ok {
							correct++
						}
					}
					n := float64(b.N)
					ms := float64(total.Microseconds()) / 1000 / n
					b.ReportMetric(ms, "ms/check")
					b.ReportMetric(ms/float64(rtt.Milliseconds()), "RTTs/check")
					b.ReportMetric(100*float64(correct)/n, "correct-%")
				})
			}
		}
	}
}

// timedCheck runs one check in a fresh world and says how long it took and
// whether the verdict was right.
func timedCheck(o WorldOptions) (time.Duration, bool, error) {
	w, err := NewWorld(o)
	if err != nil {
		return 0, false, err
	}
	defer w.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	start := time.Now()
	out, err := probe.Check(ctx, probe.Options{Servers: w.Servers(), Net: w.Client, Family: probe.FamilyIPv4})
	d := time.Since(start)
	if err != nil {
		return d, false, err
	}
	res := natclass.Classify(out.Families[0].Observations)
	wm, wf, wl := w.Expect()
	return d, res.Mapping == wm && res.Filtering == wf && res.Type == wl, nil
}
