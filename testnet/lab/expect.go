package lab

// Behaviour names as natcheck's JSON report spells mapping and filtering.
const (
	BehaviorNone                    = "none"
	BehaviorEndpointIndependent     = "endpoint-independent"
	BehaviorAddressDependent        = "address-dependent"
	BehaviorAddressAndPortDependent = "address-and-port-dependent"
)

// Legacy NAT type names as natcheck's JSON report spells them.
const (
	TypeOpenInternet       = "open-internet"
	TypeFullCone           = "full-cone"
	TypeRestrictedCone     = "restricted-cone"
	TypePortRestrictedCone = "port-restricted-cone"
	TypeSymmetric          = "symmetric"
	TypeUDPBlocked         = "udp-blocked"
)

// Port allocation names (mapped port versus local port).
const (
	// PortPreserved: the mapped port equals the local port (when it is free).
	PortPreserved = "preserved"
	// PortRandom: the mapped port is unrelated to the local port.
	PortRandom = "random"
)

// Expect is the verdict a correct NAT-behaviour discovery must reach for a
// lab. An empty string means "no expectation": the property cannot be
// measured in that lab (for example mapping behind a UDP-blocking firewall).
type Expect struct {
	// Mapping is one of the Behavior* constants.
	Mapping string
	// Filtering is one of the Behavior* constants.
	Filtering string
	// Type is one of the Type* constants.
	Type string
	// PortAllocation is PortPreserved or PortRandom.
	PortAllocation string
	// Hairpinning is whether a packet sent from the client to its own
	// mapped address (from a different local port, RFC 5780 §4.5) comes
	// back to the client; nil when it cannot be tested (UDP blocked).
	Hairpinning *bool
}

// Expect returns what a correct discovery reports for a lab of kind k built
// with the given Hairpin option. It returns the zero Expect for an invalid
// kind.
//
// Hairpinning is true for KindOpen (the packet is addressed to the client
// itself) and, with hairpin set, for the single-NAT port-preserving kinds.
// It is false for KindDoubleNAT even with hairpin: the carrier-grade NAT
// hairpins, but the home NAT's address-and-port-dependent filtering then
// drops the hairpinned packet because it comes from the sender's public
// mapping, to which the receiving socket never sent anything.
func (k Kind) Expect(hairpin bool) Expect {
	yes, no := true, false
	hp := &no
	if k == KindOpen || (hairpin && k.portPreserving() && k != KindDoubleNAT) {
		hp = &yes
	}
	switch k {
	case KindOpen:
		return Expect{BehaviorNone, BehaviorNone, TypeOpenInternet, PortPreserved, hp}
	case KindFullCone:
		return Expect{BehaviorEndpointIndependent, BehaviorEndpointIndependent, TypeFullCone, PortPreserved, hp}
	case KindRestrictedCone:
		return Expect{BehaviorEndpointIndependent, BehaviorAddressDependent, TypeRestrictedCone, PortPreserved, hp}
	case KindPortRestrictedCone, KindDoubleNAT:
		return Expect{BehaviorEndpointIndependent, BehaviorAddressAndPortDependent, TypePortRestrictedCone, PortPreserved, hp}
	case KindAddressDependent:
		return Expect{BehaviorAddressDependent, BehaviorAddressAndPortDependent, TypeSymmetric, PortRandom, hp}
	case KindSymmetric:
		return Expect{BehaviorAddressAndPortDependent, BehaviorAddressAndPortDependent, TypeSymmetric, PortRandom, hp}
	case KindUDPBlocked:
		return Expect{Type: TypeUDPBlocked}
	}
	return Expect{}
}

// HairpinningKnown reports the expected hairpinning result and whether there
// is one.
func (e Expect) HairpinningKnown() (value, known bool) {
	if e.Hairpinning == nil {
		return false, false
	}
	return *e.Hairpinning, true
}
