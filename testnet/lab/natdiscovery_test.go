package lab

import (
	"net/netip"
	"testing"
)

// Outputs as turnutils_natdiscovery (coturn 4.6.1) prints them in the lab.
const (
	ndMappingEIM = `
-= Mapping Behavior Discovery =-

========================================
RFC 5780 response 1
No ALG: Mapped == XOR-Mapped
0: : IPv4. Response origin: : 203.0.113.10:3478
0: : IPv4. Other addr: : 203.0.113.11:3479
0: : IPv4. UDP reflexive addr: 198.51.100.2:35629
0: : IPv4. Local addr: : 10.10.0.2:35629

========================================
RFC 5780 response 2
No ALG: Mapped == XOR-Mapped
0: : IPv4. Response origin: : 203.0.113.11:3478
0: : IPv4. Other addr: : 203.0.113.11:3479
0: : IPv4. UDP reflexive addr: 198.51.100.2:35629
0: : IPv4. Local addr: : 10.10.0.2:35629

========================================
NAT with Endpoint Independent Mapping!
========================================
`
	ndMappingAD = `
-= Mapping Behavior Discovery =-

========================================
RFC 5780 response 1
0: : IPv4. UDP reflexive addr: 198.51.100.2:28764
0: : IPv4. Local addr: : 10.10.0.2:54416
========================================
RFC 5780 response 2
0: : IPv4. UDP reflexive addr: 198.51.100.2:21891
0: : IPv4. Local addr: : 10.10.0.2:54416
========================================
RFC 5780 response 3
0: : IPv4. UDP reflexive addr: 198.51.100.2:21891
0: : IPv4. Local addr: : 10.10.0.2:54416

========================================
NAT with Address Dependent Mapping!
========================================
`
	ndMappingLostSecond = `
-= Mapping Behavior Discovery =-

========================================
RFC 5780 response 1
0: : IPv4. UDP reflexive addr: 198.51.100.2:62744
0: : IPv4. Local addr: : 10.10.0.2:40100
STUN receive timeout..

========================================
NAT with Endpoint Independent Mapping!
========================================
`
	ndFilteringAPD = `
-= Filtering Behavior Discovery =-

========================================
RFC 5780 response 1
0: : IPv4. UDP reflexive addr: 198.51.100.2:59401
0: : IPv4. Local addr: : 10.10.0.2:59401
STUN receive timeout..
STUN receive timeout..

========================================
NAT with Address and Port Dependent Filtering!
========================================
`
	ndFilteringOpen = `
-= Filtering Behavior Discovery =-

========================================
RFC 5780 response 1
0: : IPv4. UDP reflexive addr: 198.51.100.50:34556
0: : IPv4. Local addr: : 198.51.100.50:34556

========================================
No NAT! (Endpoint Independent Mapping)
========================================

========================================
RFC 5780 response 2
0: : IPv4. UDP reflexive addr: 198.51.100.50:34556
0: : IPv4. Local addr: : 198.51.100.50:34556

========================================
NAT with Endpoint Independent Filtering!
========================================
`
	ndHairpinOK = `
-= Hairpinning Behavior Discovery =-

========================================
RFC 5780 response 1
0: : IPv4. UDP reflexive addr: 198.51.100.2:55352
0: : IPv4. Local addr: : 10.10.0.2:55352
Received a request (maybe a successful hairpinning)
`
	ndBlocked = `
-= Mapping Behavior Discovery =-
STUN receive timeout..
`
)

func TestParseNatdiscovery(t *testing.T) {
	ap := netip.MustParseAddrPort
	tests := []struct {
		name      string
		section   DiscoverySection
		out       string
		behavior  string
		responses int
		timeouts  int
		local     netip.AddrPort
		reflexive netip.AddrPort
		hairpin   bool
		clean     bool
		preserved bool
	}{
		{"mapping EIM", SectionMapping, ndMappingEIM, BehaviorEndpointIndependent, 2, 0, ap("10.10.0.2:35629"), ap("198.51.100.2:35629"), false, true, true},
		{"mapping AD", SectionMapping, ndMappingAD, BehaviorAddressDependent, 3, 0, ap("10.10.0.2:54416"), ap("198.51.100.2:28764"), false, true, false},
		{"mapping with lost answer", SectionMapping, ndMappingLostSecond, BehaviorEndpointIndependent, 1, 1, ap("10.10.0.2:40100"), ap("198.51.100.2:62744"), false, false, false},
		{"filtering APD", SectionFiltering, ndFilteringAPD, BehaviorAddressAndPortDependent, 1, 2, ap("10.10.0.2:59401"), ap("198.51.100.2:59401"), false, false, true},
		{"filtering no NAT", SectionFiltering, ndFilteringOpen, BehaviorNone, 2, 0, ap("198.51.100.50:34556"), ap("198.51.100.50:34556"), false, true, true},
		{"hairpin ok", SectionHairpinning, ndHairpinOK, "", 1, 0, ap("10.10.0.2:55352"), ap("198.51.100.2:55352"), true, true, true},
		{"blocked", SectionMapping, ndBlocked, "", 0, 1, netip.AddrPort{}, netip.AddrPort{}, false, false, false},
		{"empty", SectionFiltering, "", "", 0, 0, netip.AddrPort{}, netip.AddrPort{}, false, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := parseNatdiscovery(tc.section, tc.out)
			if r.Behavior != tc.behavior || r.Responses != tc.responses || r.Timeouts != tc.timeouts {
				t.Errorf("behavior %q responses %d timeouts %d, want %q %d %d", r.Behavior, r.Responses, r.Timeouts, tc.behavior, tc.responses, tc.timeouts)
			}
			if r.Local != tc.local || r.Reflexive != tc.reflexive {
				t.Errorf("local %s reflexive %s, want %s %s", r.Local, r.Reflexive, tc.local, tc.reflexive)
			}
			if r.HairpinReceived != tc.hairpin || r.Clean() != tc.clean || r.PortPreserved() != tc.preserved {
				t.Errorf("hairpin %v clean %v preserved %v, want %v %v %v", r.HairpinReceived, r.Clean(), r.PortPreserved(), tc.hairpin, tc.clean, tc.preserved)
			}
			if r.FirstAnswered() != (tc.responses > 0) {
				t.Errorf("FirstAnswered() = %v", r.FirstAnswered())
			}
		})
	}
}
