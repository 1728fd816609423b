package lab

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
)

// TestPlanTopologyPeer checks the peer site for every pair of kinds: its
// namespaces, the bridge that puts both outermost NATs on the internet
// router's segment, addresses inside the lab ranges, next hops on connected
// links, default routes only towards the server, and each site's ruleset
// translating to its own public address and LAN.
func TestPlanTopologyPeer(t *testing.T) {
	allowed := []netip.Prefix{
		netip.MustParsePrefix("203.0.113.0/24"),
		netip.MustParsePrefix("198.51.100.0/24"),
		netip.MustParsePrefix("10.0.0.0/8"),
		netip.MustParsePrefix("100.64.0.0/10"),
	}
	for _, k := range Kinds() {
		for _, pk := range Kinds() {
			t.Run(k.String()+"/"+pk.String(), func(t *testing.T) {
				o := Options{Kind: k, Prefix: "nclab-x", Peer: &PeerOptions{Kind: pk, LossPercent: 3, Hairpin: true}}
				if err := o.validate(); err != nil {
					t.Fatal(err)
				}
				topo := planTopology(o)
				n := topo.ns
				if n.NAT2 != "nclab-x-nat2" || n.Client2 != "nclab-x-cli2" || (n.CGN2 != "") != (pk == KindDoubleNAT) {
					t.Errorf("peer namespaces %+v", n)
				}
				count := 6 + map[bool]int{true: 1}[k == KindDoubleNAT] + map[bool]int{true: 1}[pk == KindDoubleNAT]
				if all := n.All(); len(all) != count || all[len(all)-1] != n.Client2 {
					t.Errorf("namespaces %v, want %d ending with the peer client", all, count)
				}
				if len(topo.bridges) != 1 || topo.bridges[0].ns != n.Internet || !slices.Equal(topo.bridges[0].ports, []string{ifInetNAT, ifInetNAT2}) {
					t.Errorf("bridges %+v", topo.bridges)
				}
				connected := map[string][]netip.Prefix{}
				seen := map[string]string{}
				for _, a := range topo.addresses {
					p := netip.MustParsePrefix(a.cidr)
					if !slices.ContainsFunc(allowed, func(q netip.Prefix) bool { return q.Contains(p.Addr()) }) {
						t.Errorf("address %s outside the lab ranges", a.cidr)
					}
					if !n.has(a.ns) {
						t.Errorf("address %+v in a foreign namespace", a)
					}
					if a.ns == n.Internet && a.dev == ifInetNAT {
						t.Errorf("the router's NAT-side address must sit on the bridge, not %s", a.dev)
					}
					// The same address in two namespaces is fine only on
					// separate CGN links (100.64.0.0/10).
					if other, dup := seen[a.cidr]; dup && !strings.HasPrefix(a.cidr, "100.64.") {
						t.Errorf("address %s both in %s and %s", a.cidr, other, a.ns)
					}
					seen[a.cidr] = a.ns
					connected[a.ns] = append(connected[a.ns], p.Masked())
				}
				for _, r := range topo.routes {
					via := netip.MustParseAddr(r.via)
					if !slices.ContainsFunc(connected[r.ns], func(p netip.Prefix) bool { return p.Contains(via) }) {
						t.Errorf("route %+v: next hop not on a connected lab link", r)
					}
					if r.dst == "default" && r.ns != n.Client && r.ns != n.Client2 &&
						!(k == KindDoubleNAT && r.ns == n.NAT) && !(pk == KindDoubleNAT && r.ns == n.NAT2) {
						t.Errorf("default route in %s", r.ns)
					}
				}
				outer2 := map[bool]string{true: n.CGN2, false: n.NAT2}[pk == KindDoubleNAT]
				if !slices.Contains(topo.addresses, address{outer2, ifWAN, NAT2PublicIP + "/24"}) {
					t.Errorf("%s lacks %s", outer2, NAT2PublicIP)
				}
				if !slices.Contains(topo.links, link{n.Internet, ifInetNAT2, outer2, ifWAN}) {
					t.Errorf("no link from the router to %s", outer2)
				}
				var nat2 *natSpec
				for i, rs := range topo.rulesets {
					if rs.ns == n.NAT2 {
						nat2 = &topo.rulesets[i].spec
					}
				}
				if nat2 == nil {
					t.Fatalf("no ruleset for %s", n.NAT2)
				}
				if nat2.lanNet != "10.20.0.0/24" || nat2.lossPercent != 3 {
					t.Errorf("peer NAT spec %+v", *nat2)
				}
				if pk != KindDoubleNAT && nat2.public != NAT2PublicIP {
					t.Errorf("peer NAT public %s", nat2.public)
				}
				proxy := slices.Contains(topo.sysctls, sysctl{n.NAT2, "net.ipv4.conf.wan0.proxy_arp", "1"})
				if proxy != (pk == KindOpen) {
					t.Errorf("peer access router proxy_arp=%v for %s", proxy, pk)
				}
			})
		}
	}
}

// TestPlanTopologyWithoutPeer pins that a lab without a peer is laid out as
// before the peer existed: no bridge, no extra settings, the router's
// address on its veth end.
func TestPlanTopologyWithoutPeer(t *testing.T) {
	for _, k := range Kinds() {
		topo := planTopology(Options{Kind: k, Prefix: "nclab-x", Hairpin: true})
		if len(topo.bridges) != 0 || len(topo.sysctls) != 0 || topo.ns.NAT2 != "" || topo.ns.Client2 != "" || topo.ns.CGN2 != "" {
			t.Errorf("%s: peer parts without a peer: %+v", k, topo)
		}
		if !slices.Contains(topo.addresses, address{topo.ns.Internet, ifInetNAT, InternetNATSideIP + "/24"}) {
			t.Errorf("%s: router's NAT-side address moved", k)
		}
	}
}

// TestPeerRulesets checks that the peer NAT's nftables script names its own
// public address and LAN where they matter (address-dependent SNAT, hairpin).
func TestPeerRulesets(t *testing.T) {
	topo := planTopology(Options{Kind: KindPortRestrictedCone, Prefix: "nclab-x", Hairpin: true,
		Peer: &PeerOptions{Kind: KindPortRestrictedCone, Hairpin: true}})
	byNS := map[string]string{}
	for _, rs := range topo.rulesets {
		byNS[rs.ns] = rs.spec.render()
	}
	if got := byNS["nclab-x-nat2"]; !strings.Contains(got, "ip saddr 10.20.0.0/24 oifname \"lan0\" ct status dnat snat ip to 198.51.100.3") ||
		!strings.Contains(got, "ip daddr 198.51.100.3 dnat") {
		t.Errorf("peer hairpin rules:\n%s", got)
	}
	if got := byNS["nclab-x-nat"]; !strings.Contains(got, "snat ip to 198.51.100.2") || strings.Contains(got, "198.51.100.3") {
		t.Errorf("first NAT's rules:\n%s", got)
	}
	topo = planTopology(Options{Kind: KindSymmetric, Prefix: "nclab-x", Peer: &PeerOptions{Kind: KindAddressDependent}})
	for _, rs := range topo.rulesets {
		if rs.ns == "nclab-x-nat2" && !strings.Contains(rs.spec.render(), "snat ip to 198.51.100.3 : jhash") {
			t.Errorf("peer address-dependent SNAT:\n%s", rs.spec.render())
		}
	}
}

func TestOptionsValidatePeer(t *testing.T) {
	for _, tc := range []struct {
		name string
		peer PeerOptions
		ok   bool
	}{
		{"symmetric", PeerOptions{Kind: KindSymmetric}, true},
		{"double-nat lossy", PeerOptions{Kind: KindDoubleNAT, LossPercent: 100}, true},
		{"no kind", PeerOptions{}, false},
		{"negative loss", PeerOptions{Kind: KindOpen, LossPercent: -1}, false},
		{"loss above 100", PeerOptions{Kind: KindOpen, LossPercent: 101}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Options{Kind: KindOpen, Prefix: "nclab-1", Peer: &tc.peer}.validate()
			if (err == nil) != tc.ok {
				t.Errorf("validate() = %v, want ok=%v", err, tc.ok)
			}
			if err != nil && !strings.Contains(err.Error(), "peer") {
				t.Errorf("error %q does not say it is the peer's", err)
			}
		})
	}
}

// TestPlanTopologyPrivateBlackhole pins how the server reaches private
// addresses: through the router, which drops them silently. A TURN server
// relays ICE checks to the peer's host candidates (10.x); a sendto failing
// with ENETUNREACH makes coturn close the whole allocation.
func TestPlanTopologyPrivateBlackhole(t *testing.T) {
	for _, o := range []Options{
		{Kind: KindSymmetric, Prefix: "nclab-x"},
		{Kind: KindDoubleNAT, Prefix: "nclab-x", Peer: &PeerOptions{Kind: KindDoubleNAT}},
	} {
		topo := planTopology(o)
		for _, dst := range []string{"10.0.0.0/8", "100.64.0.0/10"} {
			if !slices.Contains(topo.routes, route{topo.ns.Server, dst, InternetServerSideIP}) {
				t.Errorf("%s: the server has no route for %s via the router", o.Kind, dst)
			}
			if !slices.Contains(topo.blackholes, blackhole{topo.ns.Internet, dst}) {
				t.Errorf("%s: the router does not blackhole %s", o.Kind, dst)
			}
		}
		for _, bh := range topo.blackholes {
			if bh.ns != topo.ns.Internet {
				t.Errorf("blackhole %+v outside the internet router", bh)
			}
		}
	}
}
