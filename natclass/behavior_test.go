package natclass

import (
	"encoding/json"
	"testing"
)

func TestBehaviorNames(t *testing.T) {
	tests := []struct {
		m    MappingBehavior
		name string
	}{
		{MappingUnknown, "unknown"},
		{MappingNone, "none"},
		{MappingEndpointIndependent, "endpoint-independent"},
		{MappingAddressDependent, "address-dependent"},
		{MappingAddressAndPortDependent, "address-and-port-dependent"},
		{MappingBehavior(9), "behavior(9)"},
		{MappingBehavior(-1), "behavior(-1)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.m.String(); got != tt.name {
				t.Errorf("mapping String() = %q, want %q", got, tt.name)
			}
			if got := FilteringBehavior(tt.m).String(); got != tt.name {
				t.Errorf("filtering String() = %q, want %q", got, tt.name)
			}
			m, err := ParseMapping(tt.name)
			f, ferr := ParseFiltering(tt.name)
			if tt.m < 0 || tt.m > MappingAddressAndPortDependent {
				if err == nil || ferr == nil {
					t.Errorf("Parse(%q) accepted an out-of-range name", tt.name)
				}
				return
			}
			if err != nil || m != tt.m || ferr != nil || f != FilteringBehavior(tt.m) {
				t.Errorf("Parse(%q) = %s %v, %s %v", tt.name, m, err, f, ferr)
			}
		})
	}
}

func TestParseBehaviorErrors(t *testing.T) {
	if _, err := ParseMapping("Endpoint-Independent"); err == nil || err.Error() != `unknown mapping behaviour "Endpoint-Independent"` {
		t.Errorf("ParseMapping: %v", err)
	}
	if _, err := ParseFiltering("cone"); err == nil || err.Error() != `unknown filtering behaviour "cone"` {
		t.Errorf("ParseFiltering: %v", err)
	}
}

func TestTri(t *testing.T) {
	tests := []struct {
		tri  Tri
		str  string
		json string
	}{
		{NotTested, "not tested", "null"},
		{True, "true", "true"},
		{False, "false", "false"},
	}
	for _, tt := range tests {
		t.Run(tt.str, func(t *testing.T) {
			b, err := json.Marshal(tt.tri.Bool())
			if err != nil {
				t.Fatal(err)
			}
			if tt.tri.String() != tt.str || string(b) != tt.json {
				t.Errorf("String %q JSON %s; want %q %s", tt.tri.String(), b, tt.str, tt.json)
			}
		})
	}
	if TriOf(true) != True || TriOf(false) != False {
		t.Error("TriOf")
	}
}
