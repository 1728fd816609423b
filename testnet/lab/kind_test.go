package lab

import "testing"

func TestKindStringParseRoundTrip(t *testing.T) {
	tests := []struct {
		kind Kind
		name string
	}{
		{KindOpen, "open"},
		{KindFullCone, "full-cone"},
		{KindRestrictedCone, "restricted-cone"},
		{KindPortRestrictedCone, "port-restricted-cone"},
		{KindAddressDependent, "address-dependent"},
		{KindSymmetric, "symmetric"},
		{KindUDPBlocked, "udp-blocked"},
		{KindDoubleNAT, "double-nat"},
	}
	if got := len(Kinds()); got != len(tests) {
		t.Fatalf("Kinds() has %d kinds, table has %d", got, len(tests))
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.kind.String(); got != tc.name {
				t.Errorf("String() = %q, want %q", got, tc.name)
			}
			k, err := ParseKind(tc.name)
			if err != nil || k != tc.kind {
				t.Errorf("ParseKind(%q) = %v, %v", tc.name, k, err)
			}
			var u Kind
			b, err := tc.kind.MarshalText()
			if err != nil {
				t.Fatalf("MarshalText: %v", err)
			}
			if err := u.UnmarshalText(b); err != nil || u != tc.kind {
				t.Errorf("UnmarshalText(%q) = %v, %v", b, u, err)
			}
		})
	}
}

func TestKindInvalid(t *testing.T) {
	tests := []struct {
		name string
		kind Kind
	}{
		{"zero", 0},
		{"past the end", KindDoubleNAT + 1},
		{"negative", -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.kind.Valid() {
				t.Errorf("Valid() = true")
			}
			if _, err := tc.kind.MarshalText(); err == nil {
				t.Errorf("MarshalText succeeded")
			}
			if e := tc.kind.Expect(true); e != (Expect{}) {
				t.Errorf("Expect = %+v, want zero", e)
			}
		})
	}
	if _, err := ParseKind("cone"); err == nil {
		t.Errorf("ParseKind(cone) succeeded")
	}
}
