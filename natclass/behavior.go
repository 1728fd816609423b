package natclass

import "fmt"

// MappingBehavior is how a NAT reuses a mapping across destinations
// (RFC 4787 §4.1): endpoint-independent, address-dependent, or
// address-and-port-dependent; None when there is no NAT at all.
type MappingBehavior int

// Mapping behaviours.
const (
	MappingUnknown MappingBehavior = iota
	MappingNone
	MappingEndpointIndependent
	MappingAddressDependent
	MappingAddressAndPortDependent
)

// FilteringBehavior is which inbound packets a NAT or firewall lets through
// to a mapping (RFC 4787 §5); None when nothing filters and there is no NAT.
type FilteringBehavior int

// Filtering behaviours.
const (
	FilteringUnknown FilteringBehavior = iota
	FilteringNone
	FilteringEndpointIndependent
	FilteringAddressDependent
	FilteringAddressAndPortDependent
)

var behaviorNames = [...]string{"unknown", "none", "endpoint-independent", "address-dependent", "address-and-port-dependent"}

func behaviorName(i int) string {
	if i < 0 || i >= len(behaviorNames) {
		return fmt.Sprintf("behavior(%d)", i)
	}
	return behaviorNames[i]
}

// String is the JSON spelling, e.g. "address-and-port-dependent".
func (m MappingBehavior) String() string { return behaviorName(int(m)) }

// String is the JSON spelling, e.g. "endpoint-independent".
func (f FilteringBehavior) String() string { return behaviorName(int(f)) }

// ParseMapping reads the JSON spelling of a mapping behaviour.
func ParseMapping(s string) (MappingBehavior, error) {
	for i, n := range behaviorNames {
		if n == s {
			return MappingBehavior(i), nil
		}
	}
	return MappingUnknown, fmt.Errorf("unknown mapping behaviour %q", s)
}

// ParseFiltering reads the JSON spelling of a filtering behaviour.
func ParseFiltering(s string) (FilteringBehavior, error) {
	m, err := ParseMapping(s)
	if err != nil {
		return FilteringUnknown, fmt.Errorf("unknown filtering behaviour %q", s)
	}
	return FilteringBehavior(m), nil
}

// Tri is a fact that may not have been tested: never collapse "not tested"
// or "inconclusive" into false.
type Tri int8

// Tri values.
const (
	NotTested Tri = iota
	True
	False
)

// Bool returns nil for NotTested, for JSON's null.
func (t Tri) Bool() *bool {
	if t == NotTested {
		return nil
	}
	b := t == True
	return &b
}

// TriOf turns a bool into True or False.
func TriOf(b bool) Tri {
	if b {
		return True
	}
	return False
}

// String is "true", "false" or "not tested".
func (t Tri) String() string {
	switch t {
	case True:
		return "true"
	case False:
		return "false"
	}
	return "not tested"
}
