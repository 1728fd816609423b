package natclass

import (
	"net/netip"
	"testing"
)

// IPv6 runs: vnet has no IPv6, so these tables are where it is covered.
var (
	srv6    = ap("[2001:db8::10]:3478")
	other6  = ap("[2001:db8::11]:3479")
	srv6b   = ap("[2001:db8::10]:3479")
	host6   = netip.MustParseAddr("2001:db8:1::2")
	survey6 = ap("[2001:db8:1::2]:40000")
)

func TestClassifyIPv6(t *testing.T) {
	own := ap("[2001:db8:1::2]:40000") // no NAT: the servers see our own address and port
	nat66 := ap("[2001:db8:ffff::2]:40000")
	altPort6 := ap("[2001:db8::10]:3479")
	run := func(mapped netip.AddrPort, tests MappingObs, f FilteringObs) Observations {
		return Observations{
			LocalAddrs: []netip.Addr{netip.MustParseAddr("fe80::1"), host6},
			Survey:     survey6,
			Servers:    []ServerObs{answered5780(srv6, other6, mapped)},
			Mapping:    []MappingObs{tests},
			Filtering:  []FilteringObs{f},
			Hairpin:    HairpinObs{Mapped: mapped, Outcome: Replied, Attempts: 1},
			Ports:      []PortSample{{Local: survey6, Mapped: mapped}, {Local: ap("[2001:db8:1::2]:40001"), Mapped: netip.AddrPortFrom(mapped.Addr(), mapped.Port()+1)}},
		}
	}
	same := func(m netip.AddrPort) MappingObs {
		return MappingObs{Server: srv6, Other: other6, Primary: m, AltIP: m, AltIPPort: m}
	}
	tests := []struct {
		name      string
		obs       Observations
		nat       Tri
		mapping   MappingBehavior
		filtering FilteringBehavior
		label     Label
	}{
		{"open internet", run(own, same(own), filt(srv6, other6, replied(other6), replied(altPort6))),
			False, MappingNone, FilteringNone, LabelOpenInternet},
		{"stateful firewall", run(own, same(own), filt(srv6, other6, silent(6), silent(6))),
			False, MappingNone, FilteringAddressAndPortDependent, LabelSymmetricFirewall},
		{"NAT66, port preserving, restricted cone", run(nat66, same(nat66), filt(srv6, other6, silent(6), replied(altPort6))),
			True, MappingEndpointIndependent, FilteringAddressDependent, LabelRestrictedCone},
		{"NAT66 address-and-port-dependent", run(nat66, MappingObs{Server: srv6, Other: other6, Primary: nat66,
			AltIP: ap("[2001:db8:ffff::2]:40100"), AltIPPort: ap("[2001:db8:ffff::2]:40200")}, filt(srv6, other6, silent(6), silent(6))),
			True, MappingAddressAndPortDependent, FilteringAddressAndPortDependent, LabelSymmetric},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Classify(tt.obs)
			if r.NAT != tt.nat || r.Mapping != tt.mapping || r.Filtering != tt.filtering || r.Type != tt.label {
				t.Errorf("got nat=%s %s/%s %s; want %s %s/%s %s\nmapping %+v\nfiltering %+v",
					r.NAT, r.Mapping, r.Filtering, r.Type, tt.nat, tt.mapping, tt.filtering, tt.label, r.MappingWhy, r.FilteringWhy)
			}
			if r.PortPreserved != True || r.PortAllocation != AllocPreserved || r.Hairpinning != True {
				t.Errorf("ports %s/%s hairpin %s; want preserved, hairpinning", r.PortPreserved, r.PortAllocation, r.Hairpinning)
			}
		})
	}
}

func TestClassifyIPv6Survey(t *testing.T) {
	o := Observations{LocalAddrs: []netip.Addr{host6}, Survey: survey6,
		Servers: []ServerObs{answered(srv6, ap("[2001:db8:ffff::2]:50000")), answered(srv6b, ap("[2001:db8:ffff::2]:50001"))}}
	r := Classify(o)
	if r.Mapping != MappingAddressAndPortDependent || r.Type != LabelSymmetric {
		t.Errorf("got %s %s, want address-and-port-dependent symmetric; %+v", r.Mapping, r.Type, r.MappingWhy)
	}
}

// IPv4-mapped IPv6 spellings of one address are that address: an
// OTHER-ADDRESS on the server's own IP is unusable, a mapped address on
// our own IP means no NAT, and two spellings of one server IP are one IP.
func TestClassifyIPv4MappedIPv6(t *testing.T) {
	mappedV6 := func(s string) netip.AddrPort {
		a := netip.MustParseAddrPort(s)
		return netip.AddrPortFrom(netip.AddrFrom16(a.Addr().As16()), a.Port())
	}
	t.Run("OTHER-ADDRESS on the primary IP", func(t *testing.T) {
		if (ServerObs{Address: srvA, Other: mappedV6("203.0.113.10:3479")}).RFC5780() {
			t.Error("RFC5780() accepted an OTHER-ADDRESS on the primary IP")
		}
		if !(ServerObs{Address: srvA, Other: mappedV6("203.0.113.11:3479")}).RFC5780() {
			t.Error("RFC5780() refused a good OTHER-ADDRESS")
		}
	})
	t.Run("mapped to our own address", func(t *testing.T) {
		pub := netip.MustParseAddr("198.51.100.50")
		o := Observations{LocalAddrs: []netip.Addr{pub}, Servers: []ServerObs{answered(srvA, mappedV6("198.51.100.50:40000"))}}
		if r := Classify(o); r.NAT != False {
			t.Errorf("NAT = %s, want false: %+v", r.NAT, r.TypeWhy)
		}
	})
	t.Run("one server IP, two spellings", func(t *testing.T) {
		o := natted(answered(srvA, m1), answered(mappedV6("203.0.113.10:3479"), m2))
		if r := Classify(o); r.Mapping != MappingAddressAndPortDependent {
			t.Errorf("mapping %s, want address-and-port-dependent: %+v", r.Mapping, r.MappingWhy)
		}
	})
}
