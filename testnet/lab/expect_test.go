package lab

import "testing"

func TestKindExpect(t *testing.T) {
	const (
		none = BehaviorNone
		ei   = BehaviorEndpointIndependent
		ad   = BehaviorAddressDependent
		apd  = BehaviorAddressAndPortDependent
	)
	tests := []struct {
		kind               Kind
		mapping, filtering string
		typ                string
		port               string
		hairpinOn          string // "true", "false" or "null" with Hairpin set
		hairpinOff         string
	}{
		{KindOpen, none, none, TypeOpenInternet, PortPreserved, "true", "true"},
		{KindFullCone, ei, ei, TypeFullCone, PortPreserved, "true", "false"},
		{KindRestrictedCone, ei, ad, TypeRestrictedCone, PortPreserved, "true", "false"},
		{KindPortRestrictedCone, ei, apd, TypePortRestrictedCone, PortPreserved, "true", "false"},
		{KindAddressDependent, ad, apd, TypeSymmetric, PortRandom, "false", "false"},
		{KindSymmetric, apd, apd, TypeSymmetric, PortRandom, "false", "false"},
		{KindUDPBlocked, "", "", TypeUDPBlocked, "", "null", "null"},
		{KindDoubleNAT, ei, apd, TypePortRestrictedCone, PortPreserved, "false", "false"},
	}
	tri := func(b *bool) string {
		switch {
		case b == nil:
			return "null"
		case *b:
			return "true"
		}
		return "false"
	}
	for _, tc := range tests {
		t.Run(tc.kind.String(), func(t *testing.T) {
			for _, hairpin := range []bool{true, false} {
				e := tc.kind.Expect(hairpin)
				if e.Mapping != tc.mapping || e.Filtering != tc.filtering || e.Type != tc.typ || e.PortAllocation != tc.port {
					t.Errorf("Expect(%v) = %+v", hairpin, e)
				}
				want := tc.hairpinOff
				if hairpin {
					want = tc.hairpinOn
				}
				if got := tri(e.Hairpinning); got != want {
					t.Errorf("Expect(%v).Hairpinning = %s, want %s", hairpin, got, want)
				}
				v, known := e.HairpinningKnown()
				if known != (want != "null") || (known && v != (want == "true")) {
					t.Errorf("HairpinningKnown() = %v, %v", v, known)
				}
			}
		})
	}
}
