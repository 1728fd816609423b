package natclass

import (
	"net/netip"
	"reflect"
	"testing"
)

func TestClassifyNoNAT(t *testing.T) {
	pub := netip.MustParseAddr("198.51.100.50")
	open := func(f ...FilteringObs) Observations {
		return Observations{
			LocalAddrs: []netip.Addr{netip.MustParseAddr("127.0.0.1"), pub},
			Survey:     ap("0.0.0.0:40000"),
			Servers:    []ServerObs{answered5780(srvA, otherA, ap("198.51.100.50:40000"))},
			Filtering:  f,
		}
	}
	tests := []struct {
		name       string
		obs        Observations
		wantNAT    Tri
		mapping    MappingBehavior
		filtering  FilteringBehavior
		wantType   Label
		wantReason string // TypeWhy.Reason
		evidence   string // TypeWhy
	}{
		{
			name: "open internet", obs: open(filt(srvA, otherA, replied(otherA), replied(srvA2))),
			wantNAT: False, mapping: MappingNone, filtering: FilteringNone, wantType: LabelOpenInternet,
			evidence: "203.0.113.10:3478 saw us as 198.51.100.50:40000, an address of this host",
		},
		{
			name: "symmetric UDP firewall (address-and-port-dependent)", obs: open(filt(srvA, otherA, silent(6), silent(6))),
			wantNAT: False, mapping: MappingNone, filtering: FilteringAddressAndPortDependent, wantType: LabelSymmetricFirewall,
		},
		{
			name: "symmetric UDP firewall (address-dependent)", obs: open(filt(srvA, otherA, silent(6), replied(srvA2))),
			wantNAT: False, mapping: MappingNone, filtering: FilteringAddressDependent, wantType: LabelSymmetricFirewall,
		},
		{
			name: "no NAT, filtering unknown", obs: open(),
			wantNAT: False, mapping: MappingNone, filtering: FilteringUnknown, wantType: LabelUnknown,
			wantReason: "no NAT, but inbound filtering could not be determined",
		},
		{
			name: "our IP, another port: a port-translating firewall on the host",
			obs: Observations{LocalAddrs: []netip.Addr{pub}, Survey: ap("198.51.100.50:40000"),
				Servers: []ServerObs{answered(srvA, ap("198.51.100.50:40123"))}},
			wantNAT: True, mapping: MappingUnknown, filtering: FilteringUnknown, wantType: LabelUnknown,
			wantReason: "mapping behaviour could not be determined",
			evidence:   "203.0.113.10:3478 saw us as 198.51.100.50:40123, an address of this host, but on port 40123 instead of 40000",
		},
		{
			name: "survey port unknown: the IP decides",
			obs: Observations{LocalAddrs: []netip.Addr{pub},
				Servers: []ServerObs{answered(srvA, ap("198.51.100.50:40123"))}},
			wantNAT: False, mapping: MappingNone, filtering: FilteringUnknown, wantType: LabelUnknown,
			wantReason: "no NAT, but inbound filtering could not be determined",
		},
		{
			name:    "behind a NAT",
			obs:     natted(answered(srvA, m1)),
			wantNAT: True, mapping: MappingUnknown, filtering: FilteringUnknown, wantType: LabelUnknown,
			wantReason: "mapping behaviour could not be determined",
			evidence:   "203.0.113.10:3478 saw us as 198.51.100.2:49152, not an address of this host",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Classify(tt.obs)
			if r.NAT != tt.wantNAT || r.Mapping != tt.mapping || r.Filtering != tt.filtering || r.Type != tt.wantType {
				t.Errorf("got nat=%s mapping=%s filtering=%s type=%s; want %s %s %s %s",
					r.NAT, r.Mapping, r.Filtering, r.Type, tt.wantNAT, tt.mapping, tt.filtering, tt.wantType)
			}
			if r.TypeWhy.Reason != tt.wantReason {
				t.Errorf("type reason %q, want %q", r.TypeWhy.Reason, tt.wantReason)
			}
			wantEvidence(t, "type", r.TypeWhy, tt.evidence)
			if r.UDPBlocked {
				t.Error("UDPBlocked set")
			}
		})
	}
}

func TestClassifyUDPBlocked(t *testing.T) {
	dead := func(addr netip.AddrPort) ServerObs {
		return ServerObs{Name: addr.String(), Address: addr, Error: "no reply", Silent: true}
	}
	o := natted(dead(srvA), dead(srvB))
	o.Filtering = []FilteringObs{{Server: srvA, ChangeIPPort: ChangeObs{Outcome: Inconclusive}}}
	o.Hairpin = HairpinObs{Outcome: Inconclusive}
	got := Classify(o)
	why := Verdict{Reason: "no STUN server answered"}
	want := Result{
		UDPBlocked: true, Type: LabelUDPBlocked,
		MappingWhy: why, FilteringWhy: why, HairpinWhy: why, PortWhy: why,
		TypeWhy:        Verdict{Evidence: []string{"2 server(s) asked, none answered a Binding request"}},
		PortAllocation: AllocUnknown,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

// No answer, but no judged silence either (the deadline came first, or the
// sends failed): not "UDP blocked", unknown with the reason.
func TestClassifyNoAnswerUnjudged(t *testing.T) {
	tests := []struct {
		name, err, reason string
	}{
		{"deadline", "no reply before the deadline", "no STUN server answered, and silence could not be judged: no reply before the deadline"},
		{"offline", "send to 203.0.113.10:3478: network is unreachable",
			"no STUN server answered, and silence could not be judged: send to 203.0.113.10:3478: network is unreachable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := natted(ServerObs{Name: "a", Address: srvA, Error: tt.err}, ServerObs{Name: "b", Address: srvB, Error: tt.err})
			r := Classify(o)
			if r.UDPBlocked || r.Type != LabelUnknown || r.TypeWhy.Reason != tt.reason {
				t.Errorf("got blocked=%v type=%s reason=%q; want false, unknown, %q", r.UDPBlocked, r.Type, r.TypeWhy.Reason, tt.reason)
			}
		})
	}
}

// A server that answers with an error response proves UDP gets through,
// even though it gives no mapping.
func TestClassifyErrorAnswerIsNotUDPBlocked(t *testing.T) {
	o := natted(ServerObs{Name: "a", Address: srvA, Answered: true, Error: "error response 401 Unauthorized"})
	r := Classify(o)
	if r.UDPBlocked || r.Type == LabelUDPBlocked {
		t.Fatalf("UDPBlocked=%v type=%s: a server answered", r.UDPBlocked, r.Type)
	}
	if r.NAT != NotTested || r.Mapping != MappingUnknown || r.Type != LabelUnknown {
		t.Errorf("got nat=%s mapping=%s type=%s; want not tested, unknown, unknown", r.NAT, r.Mapping, r.Type)
	}
}

func TestClassifyNoServers(t *testing.T) {
	r := Classify(Observations{})
	if r.UDPBlocked || r.NAT != NotTested || r.Mapping != MappingUnknown || r.Filtering != FilteringUnknown ||
		r.Type != LabelUnknown || r.Hairpinning != NotTested || r.PortPreserved != NotTested {
		t.Errorf("empty observations: %+v", r)
	}
	if r.FilteringWhy.Reason != "no RFC 5780 server reachable" {
		t.Errorf("filtering reason %q", r.FilteringWhy.Reason)
	}
}

// Classify is pure: the same observations give the same result, and it
// does not write into its input.
func TestClassifyPure(t *testing.T) {
	build := func() Observations {
		o := natted(answered5780(srvA, otherA, m1), answered(srvB, m2))
		o.Mapping = []MappingObs{tests51(m1, m2, m3, "")}
		o.Filtering = []FilteringObs{filt(srvA, otherA, silent(6), silent(6))}
		o.Hairpin = HairpinObs{Mapped: m3, Outcome: NoReply, Attempts: 5}
		o.Ports = []PortSample{{Local: survey, Mapped: m1}, {Local: ap("10.1.0.2:40001"), Mapped: m2}}
		return o
	}
	o := build()
	first, second := Classify(o), Classify(o)
	if !reflect.DeepEqual(first, second) {
		t.Errorf("two runs differ:\n%+v\n%+v", first, second)
	}
	if !reflect.DeepEqual(o, build()) {
		t.Errorf("Classify changed its input")
	}
}
