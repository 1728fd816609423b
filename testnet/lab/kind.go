package lab

import (
	"fmt"
	"strings"
)

// Kind selects the NAT behaviour the lab builds.
type Kind int

// The NAT kinds. The zero value is not a valid Kind.
const (
	// KindOpen gives the client a public address; plain routing, no NAT.
	KindOpen Kind = iota + 1
	// KindFullCone is endpoint-independent mapping and filtering.
	KindFullCone
	// KindRestrictedCone is endpoint-independent mapping with
	// address-dependent filtering.
	KindRestrictedCone
	// KindPortRestrictedCone is endpoint-independent mapping with
	// address-and-port-dependent filtering (plain Linux masquerade).
	KindPortRestrictedCone
	// KindAddressDependent is address-dependent mapping with
	// address-and-port-dependent filtering.
	KindAddressDependent
	// KindSymmetric is address-and-port-dependent mapping and filtering with
	// random ports.
	KindSymmetric
	// KindUDPBlocked forwards TCP but drops all UDP from the LAN.
	KindUDPBlocked
	// KindDoubleNAT is a masquerading home NAT behind a masquerading
	// carrier-grade NAT.
	KindDoubleNAT
)

// Kinds returns every valid Kind in declaration order.
func Kinds() []Kind {
	out := make([]Kind, 0, int(KindDoubleNAT))
	for k := KindOpen; k <= KindDoubleNAT; k++ {
		out = append(out, k)
	}
	return out
}

// Valid reports whether k is one of the declared kinds.
func (k Kind) Valid() bool { return k >= KindOpen && k <= KindDoubleNAT }

// String returns the kind's name, e.g. "port-restricted-cone".
func (k Kind) String() string {
	switch k {
	case KindOpen:
		return "open"
	case KindFullCone:
		return "full-cone"
	case KindRestrictedCone:
		return "restricted-cone"
	case KindPortRestrictedCone:
		return "port-restricted-cone"
	case KindAddressDependent:
		return "address-dependent"
	case KindSymmetric:
		return "symmetric"
	case KindUDPBlocked:
		return "udp-blocked"
	case KindDoubleNAT:
		return "double-nat"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// MarshalText implements encoding.TextMarshaler.
func (k Kind) MarshalText() ([]byte, error) {
	if !k.Valid() {
		return nil, fmt.Errorf("lab: invalid kind %d", int(k))
	}
	return []byte(k.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (k *Kind) UnmarshalText(b []byte) error {
	p, err := ParseKind(string(b))
	if err != nil {
		return err
	}
	*k = p
	return nil
}

// ParseKind returns the Kind whose String is s.
func ParseKind(s string) (Kind, error) {
	for _, k := range Kinds() {
		if k.String() == s {
			return k, nil
		}
	}
	names := make([]string, 0, int(KindDoubleNAT))
	for _, k := range Kinds() {
		names = append(names, k.String())
	}
	return 0, fmt.Errorf("lab: unknown kind %q (want one of %s)", s, strings.Join(names, ", "))
}

// natted reports whether the client sits behind at least one NAT.
func (k Kind) natted() bool { return k != KindOpen }

// portPreserving reports whether the kind's mapping keeps the client's
// source port when it is free; those are the kinds that can hairpin.
func (k Kind) portPreserving() bool {
	switch k {
	case KindFullCone, KindRestrictedCone, KindPortRestrictedCone, KindDoubleNAT:
		return true
	}
	return false
}
