//go:build linux

package lab_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/natcheck/natcheck/testnet/lab"
)

// natdiscoveryBudget caps TestLabKindsNatdiscovery as a whole.
const natdiscoveryBudget = 6 * time.Minute

// TestLabKindsNatdiscovery proves, independently of natcheck, that every lab
// kind is the NAT it claims to be: coturn's own RFC 5780 client
// (turnutils_natdiscovery) must report the kind's Expect for mapping,
// filtering, port preservation and hairpinning. Without loss one run per
// test decides; with 20% loss runs are repeated and aggregated (see
// lab.Discovery), because natdiscovery sends every request only once.
// Kinds run one after the other; -short skips the lossy half.
func TestLabKindsNatdiscovery(t *testing.T) {
	requireLab(t, "turnserver", "turnutils_natdiscovery")
	ctx, cancel := context.WithTimeout(context.Background(), natdiscoveryBudget)
	defer cancel()

	type tc struct {
		name    string
		kind    lab.Kind
		loss    int
		hairpin bool
	}
	var tests []tc
	for _, loss := range []int{0, 20} {
		if loss > 0 && testing.Short() {
			continue
		}
		for _, k := range lab.Kinds() {
			// Lossless labs hairpin, lossy ones do not: both settings of
			// the option are covered without doubling the run time.
			hairpin := loss == 0
			tests = append(tests, tc{
				name: fmt.Sprintf("%s/loss=%d/hairpin=%v", k, loss, hairpin),
				kind: k, loss: loss, hairpin: hairpin,
			})
		}
	}

	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			l := buildLab(ctx, t, lab.Options{Kind: tc.kind, LossPercent: tc.loss, Hairpin: tc.hairpin})
			c, err := l.StartCoturn(ctx, lab.CoturnOptions{})
			if err != nil {
				t.Fatalf("StartCoturn: %v", err)
			}
			opts := lab.DiscoverOptions{Server: c.Primary()}
			if _, known := l.Expect().HairpinningKnown(); !known {
				opts.Sections = []lab.DiscoverySection{lab.SectionMapping, lab.SectionFiltering}
			}
			d, err := l.Discover(ctx, opts)
			if err != nil {
				t.Fatalf("Discover: %v", err)
			}
			t.Logf("natdiscovery: %s (%d rounds, %d runs, %v)", describeDiscovery(d), d.Rounds, len(d.Runs), time.Since(start).Round(time.Millisecond))
			t.Logf("single runs: %s", describeRuns(d.Runs))
			if problems := compareDiscovery(l.Expect(), d); len(problems) > 0 {
				for _, r := range d.Runs {
					t.Logf("%s run output:\n%s", r.Section, r.Output)
				}
				t.Errorf("natdiscovery disagrees with %s's Expect %+v:\n  %s", tc.kind, l.Expect(), strings.Join(problems, "\n  "))
			}
		})
	}
}

// compareDiscovery lists every difference between want and got.
func compareDiscovery(want lab.Expect, got lab.Discovery) []string {
	var p []string
	if want.Type == lab.TypeUDPBlocked {
		if !got.UDPBlocked {
			p = append(p, "UDP not blocked: natdiscovery got answers")
		}
		return p
	}
	if got.UDPBlocked {
		p = append(p, "natdiscovery got no answer at all (UDP blocked)")
	}
	if got.Mapping != want.Mapping {
		p = append(p, fmt.Sprintf("mapping %q, want %q", got.Mapping, want.Mapping))
	}
	if got.Filtering != want.Filtering {
		p = append(p, fmt.Sprintf("filtering %q, want %q", got.Filtering, want.Filtering))
	}
	wantPreserved := want.PortAllocation == lab.PortPreserved
	switch {
	case got.PortPreserved == nil:
		p = append(p, "port preservation undecided")
	case *got.PortPreserved != wantPreserved:
		p = append(p, fmt.Sprintf("port preserved %v, want %v (%s)", *got.PortPreserved, wantPreserved, want.PortAllocation))
	}
	if wantHP, known := want.HairpinningKnown(); known {
		switch {
		case got.Hairpinning == nil:
			p = append(p, "hairpinning undecided")
		case *got.Hairpinning != wantHP:
			p = append(p, fmt.Sprintf("hairpinning %v, want %v", *got.Hairpinning, wantHP))
		}
	}
	return p
}

// describeDiscovery renders the aggregated verdict on one line.
func describeDiscovery(d lab.Discovery) string {
	return fmt.Sprintf("mapping=%q filtering=%q portPreserved=%s hairpinning=%s udpBlocked=%v",
		d.Mapping, d.Filtering, triString(d.PortPreserved), triString(d.Hairpinning), d.UDPBlocked)
}

// describeRuns renders every single run's own verdict, to show what one
// natdiscovery run would have claimed.
func describeRuns(runs []lab.DiscoveryResult) string {
	parts := make([]string, 0, len(runs))
	for _, r := range runs {
		v := r.Behavior
		if r.Section == lab.SectionHairpinning {
			v = fmt.Sprint(r.HairpinReceived)
		}
		if !r.FirstAnswered() {
			v = "no-answer"
		}
		parts = append(parts, fmt.Sprintf("%s:%s(%d/%d)", r.Section.String()[:1], v, r.Responses, r.Responses+r.Timeouts))
	}
	return strings.Join(parts, " ")
}

// triString renders a tri-state.
func triString(b *bool) string {
	if b == nil {
		return "null"
	}
	return fmt.Sprint(*b)
}
