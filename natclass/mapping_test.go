package natclass

import (
	"net/netip"
	"testing"
)

// tests51 is one server's RFC 5780 §4.3 tests I-III.
func tests51(primary, altIP, altIPPort netip.AddrPort, note string) MappingObs {
	return MappingObs{Server: srvA, Other: otherA, Primary: primary, AltIP: altIP, AltIPPort: altIPPort, Note: note}
}

func TestClassifyMapping(t *testing.T) {
	none := netip.AddrPort{}
	a5780 := answered5780(srvA, otherA, m1)
	tests := []struct {
		name       string
		servers    []ServerObs
		mapping    []MappingObs
		want       MappingBehavior
		wantType   Label
		wantReason string
		evidence   string // one line MappingWhy must hold, exactly
	}{
		{
			name: "rfc5780 endpoint-independent", servers: []ServerObs{a5780},
			mapping: []MappingObs{tests51(m1, m1, m1, "")},
			want:    MappingEndpointIndependent, wantType: LabelUnknown,
			evidence: "203.0.113.10:3478: test I mapped 198.51.100.2:49152, test II (203.0.113.11:3478) mapped 198.51.100.2:49152: same, endpoint-independent",
		},
		{
			name: "rfc5780 endpoint-independent, test III unanswered", servers: []ServerObs{a5780},
			mapping: []MappingObs{tests51(m1, m1, none, "203.0.113.11:3479: no reply")},
			want:    MappingEndpointIndependent, wantType: LabelUnknown,
		},
		{
			name: "rfc5780 address-dependent", servers: []ServerObs{a5780},
			mapping: []MappingObs{tests51(m1, m2, m2, "")},
			want:    MappingAddressDependent, wantType: LabelSymmetric,
			evidence: "203.0.113.10:3478: test I mapped 198.51.100.2:49152, test II (203.0.113.11:3478) mapped 198.51.100.2:49153, " +
				"test III (203.0.113.11:3479) mapped 198.51.100.2:49153: II = III, address-dependent",
		},
		{
			name: "rfc5780 address-and-port-dependent", servers: []ServerObs{a5780},
			mapping: []MappingObs{tests51(m1, m2, m3, "")},
			want:    MappingAddressAndPortDependent, wantType: LabelSymmetric,
			evidence: "203.0.113.10:3478: test I mapped 198.51.100.2:49152, test II (203.0.113.11:3478) mapped 198.51.100.2:49153, " +
				"test III (203.0.113.11:3479) mapped 198.51.100.2:49154: all differ, address-and-port-dependent",
		},
		{
			name: "rfc5780 test II unanswered", servers: []ServerObs{a5780},
			mapping: []MappingObs{tests51(m1, none, none, "203.0.113.11:3478: no reply")},
			want:    MappingUnknown, wantType: LabelUnknown,
			wantReason: "no RFC 5780 server answered the mapping tests, and fewer than two servers at different IPs answered",
			evidence:   "203.0.113.10:3478: test II to 203.0.113.11:3478 got no answer (203.0.113.11:3478: no reply)",
		},
		{
			name: "rfc5780 test III unanswered: the mapping varies, AD or APD", servers: []ServerObs{a5780},
			mapping: []MappingObs{tests51(m1, m2, none, "203.0.113.11:3479: no reply")},
			want:    MappingUnknown, wantType: LabelSymmetric,
			wantReason: "the mapping changes with the destination IP, but no test told address-dependent from address-and-port-dependent",
			evidence: "203.0.113.10:3478: test I mapped 198.51.100.2:49152, test II (203.0.113.11:3478) mapped 198.51.100.2:49153: " +
				"different; test III got no answer (203.0.113.11:3479: no reply)",
		},
		{
			name:    "rfc5780 test III unanswered, survey: one IP two ports same",
			servers: []ServerObs{answered5780(srvA, otherA, m1), answered(srvA2, m1)},
			mapping: []MappingObs{tests51(m1, m2, none, "")},
			want:    MappingAddressDependent, wantType: LabelSymmetric,
		},
		{
			name: "rfc5780 test I unanswered: no claim", servers: []ServerObs{a5780},
			mapping: []MappingObs{tests51(none, none, none, "")},
			want:    MappingUnknown, wantType: LabelUnknown,
			wantReason: "no RFC 5780 server answered the mapping tests, and fewer than two servers at different IPs answered",
		},
		{
			name:    "OTHER-ADDRESS on the primary IP is unusable",
			servers: []ServerObs{answered5780(srvA, srvA2, m1)},
			mapping: []MappingObs{{Server: srvA, Other: srvA2, Primary: m1, AltIP: m1, AltIPPort: m1}},
			want:    MappingUnknown, wantType: LabelUnknown,
			wantReason: "no RFC 5780 server answered the mapping tests, and fewer than two servers at different IPs answered",
			evidence:   "203.0.113.10:3478: no usable OTHER-ADDRESS, RFC 5780 mapping tests not run",
		},
		{
			name:    "survey: two IPs saw the same mapping",
			servers: []ServerObs{answered(srvA, m1), answered(srvB, m1)},
			want:    MappingEndpointIndependent, wantType: LabelUnknown,
			evidence: "survey: 1 server pair(s) at different IPs saw the same mapping, " +
				"e.g. 203.0.113.10:3478→198.51.100.2:49152 vs 198.51.100.20:3478→198.51.100.2:49152",
		},
		{
			name:    "survey: two IPs saw different mappings",
			servers: []ServerObs{answered(srvA, m1), answered(srvB, m2)},
			want:    MappingUnknown, wantType: LabelSymmetric,
			wantReason: "the mapping changes with the destination IP, but no test told address-dependent from address-and-port-dependent",
			evidence:   "survey: mapping differs across server IPs: 203.0.113.10:3478→198.51.100.2:49152 vs 198.51.100.20:3478→198.51.100.2:49153",
		},
		{
			name:    "survey: one IP two ports saw different mappings",
			servers: []ServerObs{answered(srvA, m1), answered(srvA2, m2)},
			want:    MappingAddressAndPortDependent, wantType: LabelSymmetric,
			evidence: "survey: one server IP at two ports saw different mappings: 203.0.113.10:3478→198.51.100.2:49152 vs 203.0.113.10:3479→198.51.100.2:49153",
		},
		{
			name:    "survey: one IP two ports saw the same mapping",
			servers: []ServerObs{answered(srvA, m1), answered(srvA2, m1)},
			want:    MappingUnknown, wantType: LabelUnknown,
			wantReason: "the tests that answered cannot tell the mapping behaviours apart",
			evidence:   "survey: one server IP at two ports saw the same mapping: 203.0.113.10:3478→198.51.100.2:49152 vs 203.0.113.10:3479→198.51.100.2:49152",
		},
		{
			name:    "survey: IPs differ, ports of one IP do not",
			servers: []ServerObs{answered(srvA, m1), answered(srvA2, m1), answered(srvB, m2)},
			want:    MappingAddressDependent, wantType: LabelSymmetric,
		},
		{
			name:    "survey: one server answered",
			servers: []ServerObs{answered(srvA, m1), {Name: "dead", Address: srvB}},
			want:    MappingUnknown, wantType: LabelUnknown,
			wantReason: "no RFC 5780 server answered the mapping tests, and fewer than two servers at different IPs answered",
		},
		{
			name:    "survey: one server configured twice",
			servers: []ServerObs{answered(srvA, m1), answered(srvA, m2)},
			want:    MappingUnknown, wantType: LabelUnknown,
			wantReason: "no RFC 5780 server answered the mapping tests, and fewer than two servers at different IPs answered",
		},
		{
			name:    "rfc5780 and survey agree",
			servers: []ServerObs{a5780, answered(srvB, m1)},
			mapping: []MappingObs{tests51(m1, m1, m1, "")},
			want:    MappingEndpointIndependent, wantType: LabelUnknown,
		},
		{
			name:    "disagree: rfc5780 says EI, survey says the mapping varies",
			servers: []ServerObs{a5780, answered(srvB, m2)},
			mapping: []MappingObs{tests51(m1, m1, m1, "")},
			want:    MappingUnknown, wantType: LabelUnknown,
			wantReason: "servers disagree: 203.0.113.10:3478 says endpoint-independent; survey says not endpoint-independent",
		},
		{
			name:    "disagree: rfc5780 says APD, one IP at two ports says not APD",
			servers: []ServerObs{a5780, answered(srvA2, m1)},
			mapping: []MappingObs{tests51(m1, m2, m3, "")},
			want:    MappingUnknown, wantType: LabelUnknown,
			wantReason: "servers disagree: 203.0.113.10:3478 says address-and-port-dependent; survey says endpoint-independent or address-dependent",
		},
		{
			name:    "disagree: two rfc5780 servers",
			servers: []ServerObs{a5780, answered5780(srvC, otherC, m1)},
			mapping: []MappingObs{tests51(m1, m1, m1, ""),
				{Server: srvC, Other: otherC, Primary: m1, AltIP: m2, AltIPPort: m3}},
			want: MappingUnknown, wantType: LabelUnknown,
			wantReason: "servers disagree: 203.0.113.10:3478 says endpoint-independent; " +
				"198.51.100.30:3478 says address-and-port-dependent; survey says endpoint-independent",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := natted(tt.servers...)
			o.Mapping = tt.mapping
			r := Classify(o)
			if r.NAT != True {
				t.Fatalf("NAT = %s, want true", r.NAT)
			}
			if r.Mapping != tt.want || r.Type != tt.wantType || r.MappingWhy.Reason != tt.wantReason {
				t.Errorf("got mapping %s, type %s, reason %q;\nwant %s, %s, %q", r.Mapping, r.Type, r.MappingWhy.Reason,
					tt.want, tt.wantType, tt.wantReason)
			}
			wantEvidence(t, "mapping", r.MappingWhy, tt.evidence)
		})
	}
}
