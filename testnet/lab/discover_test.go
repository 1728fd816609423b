package lab

import (
	"testing"
)

func TestDiscoverOptionsDefaults(t *testing.T) {
	tests := []struct {
		name                     string
		loss                     int
		in                       DiscoverOptions
		confirm, parallel, round int
	}{
		{"lossless", 0, DiscoverOptions{}, 1, 1, 1},
		{"5%", 5, DiscoverOptions{}, 4, 7, 4},
		{"20%", 20, DiscoverOptions{}, 10, 22, 4},
		{"50%", 50, DiscoverOptions{}, 30, 32, 4},
		{"100%", 100, DiscoverOptions{}, 30, 32, 4},
		{"explicit", 20, DiscoverOptions{Confirmations: 2, Parallel: 3, MaxRounds: 5}, 2, 3, 5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := tc.in.withDefaults(tc.loss)
			if o.Confirmations != tc.confirm || o.Parallel != tc.parallel || o.MaxRounds != tc.round {
				t.Errorf("confirmations %d parallel %d rounds %d, want %d %d %d", o.Confirmations, o.Parallel, o.MaxRounds, tc.confirm, tc.parallel, tc.round)
			}
			if len(o.Sections) != 3 || !o.Server.IsValid() {
				t.Errorf("sections %v server %s", o.Sections, o.Server)
			}
		})
	}
}

// run builds a DiscoveryResult for the aggregation tests.
func run(s DiscoverySection, behavior string, responses, timeouts int, hairpin bool) DiscoveryResult {
	return DiscoveryResult{Section: s, Behavior: behavior, Responses: responses, Timeouts: timeouts, HairpinReceived: hairpin}
}

func TestDiscoveryAggregation(t *testing.T) {
	const (
		ei  = BehaviorEndpointIndependent
		ad  = BehaviorAddressDependent
		apd = BehaviorAddressAndPortDependent
	)
	tests := []struct {
		name          string
		confirmations int
		runs          []DiscoveryResult
		mapping       string
		filtering     string
		hairpin       string // "true", "false", "null"
		blocked       bool
		decided       []DiscoverySection
	}{
		{
			name: "lost mapping answer is ignored", confirmations: 3,
			runs:    []DiscoveryResult{run(SectionMapping, ei, 1, 1, false), run(SectionMapping, apd, 3, 0, false)},
			mapping: apd, hairpin: "null", decided: []DiscoverySection{SectionMapping},
		},
		{
			name: "most permissive filtering wins", confirmations: 3,
			runs:      []DiscoveryResult{run(SectionFiltering, apd, 1, 2, false), run(SectionFiltering, ad, 2, 1, false), run(SectionFiltering, apd, 1, 2, false)},
			filtering: ad, hairpin: "null", decided: []DiscoverySection{SectionFiltering},
		},
		{
			name: "stricter filtering needs confirmations", confirmations: 3,
			runs:      []DiscoveryResult{run(SectionFiltering, apd, 1, 2, false), run(SectionFiltering, "", 0, 1, false), run(SectionFiltering, apd, 1, 2, false)},
			filtering: apd, hairpin: "null",
		},
		{
			name: "endpoint-independent filtering decides at once", confirmations: 9,
			runs:      []DiscoveryResult{run(SectionFiltering, ei, 2, 0, false)},
			filtering: ei, hairpin: "null", decided: []DiscoverySection{SectionFiltering},
		},
		{
			name: "one hairpin success decides", confirmations: 9,
			runs:    []DiscoveryResult{run(SectionHairpinning, "", 1, 2, false), run(SectionHairpinning, "", 1, 0, true)},
			hairpin: "true", decided: []DiscoverySection{SectionHairpinning},
		},
		{
			name: "hairpin failure needs confirmations", confirmations: 2,
			runs:    []DiscoveryResult{run(SectionHairpinning, "", 1, 2, false), run(SectionHairpinning, "", 0, 1, false)},
			hairpin: "false",
		},
		{
			name: "no answers at all is UDP blocked", confirmations: 1,
			runs:    []DiscoveryResult{run(SectionMapping, "", 0, 1, false), run(SectionFiltering, "", 0, 1, false), run(SectionHairpinning, "", 0, 1, false)},
			hairpin: "null", blocked: true,
		},
		{
			name: "one answer is not blocked", confirmations: 1,
			runs:      []DiscoveryResult{run(SectionMapping, "", 0, 1, false), run(SectionFiltering, apd, 1, 2, false), run(SectionHairpinning, "", 0, 1, false)},
			filtering: apd, hairpin: "null", decided: []DiscoverySection{SectionFiltering},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := &discoveryState{
				opts:      DiscoverOptions{Confirmations: tc.confirmations}.withDefaults(20),
				measuring: map[DiscoverySection]int{},
				silent:    map[DiscoverySection]int{},
			}
			for _, r := range tc.runs {
				st.add(r)
			}
			d := st.out
			hp := "null"
			if d.Hairpinning != nil {
				hp = map[bool]string{true: "true", false: "false"}[*d.Hairpinning]
			}
			if d.Mapping != tc.mapping || d.Filtering != tc.filtering || hp != tc.hairpin || st.udpBlocked() != tc.blocked {
				t.Errorf("mapping %q filtering %q hairpin %s blocked %v, want %q %q %s %v",
					d.Mapping, d.Filtering, hp, st.udpBlocked(), tc.mapping, tc.filtering, tc.hairpin, tc.blocked)
			}
			for _, s := range []DiscoverySection{SectionMapping, SectionFiltering, SectionHairpinning} {
				want := false
				for _, x := range tc.decided {
					want = want || x == s
				}
				if got := st.decided(s); got != want {
					t.Errorf("decided(%s) = %v, want %v", s, got, want)
				}
			}
		})
	}
}
