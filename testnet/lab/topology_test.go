package lab

import (
	"net/netip"
	"strings"
	"testing"
)

// TestPlanTopologyStaysInside checks the network rules for every kind:
// names carry the prefix, addresses come from the lab ranges, every next
// hop is a directly connected lab address, and default routes exist only
// where the next hop is another lab namespace on the way to the server.
func TestPlanTopologyStaysInside(t *testing.T) {
	allowed := []netip.Prefix{
		netip.MustParsePrefix("203.0.113.0/24"),
		netip.MustParsePrefix("198.51.100.0/24"),
		netip.MustParsePrefix("10.0.0.0/8"),
		netip.MustParsePrefix("100.64.0.0/10"),
	}
	inAllowed := func(a netip.Addr) bool {
		for _, p := range allowed {
			if p.Contains(a) {
				return true
			}
		}
		return false
	}
	for _, k := range Kinds() {
		t.Run(k.String(), func(t *testing.T) {
			topo := planTopology(Options{Kind: k, Prefix: "nclab-x", LossPercent: 5, Hairpin: true})
			all := topo.ns.All()
			if want := 4 + map[bool]int{true: 1}[k == KindDoubleNAT]; len(all) != want {
				t.Errorf("%d namespaces %v, want %d", len(all), all, want)
			}
			for _, n := range all {
				if !strings.HasPrefix(n, "nclab-x-") {
					t.Errorf("namespace %q lacks the prefix", n)
				}
			}
			for _, lk := range topo.links {
				if !topo.ns.has(lk.aNS) || !topo.ns.has(lk.bNS) {
					t.Errorf("link %+v leaves the lab", lk)
				}
			}
			connected := map[string][]netip.Prefix{}
			for _, a := range topo.addresses {
				p, err := netip.ParsePrefix(a.cidr)
				if err != nil {
					t.Fatalf("address %q: %v", a.cidr, err)
				}
				if !inAllowed(p.Addr()) {
					t.Errorf("address %s outside the lab ranges", a.cidr)
				}
				if !topo.ns.has(a.ns) {
					t.Errorf("address %+v in a foreign namespace", a)
				}
				connected[a.ns] = append(connected[a.ns], p.Masked())
			}
			for _, r := range topo.routes {
				via := netip.MustParseAddr(r.via)
				direct := false
				for _, p := range connected[r.ns] {
					direct = direct || p.Contains(via)
				}
				if !direct {
					t.Errorf("route %+v: next hop not on a connected lab link", r)
				}
				if r.dst == "default" && r.ns != topo.ns.Client && !(k == KindDoubleNAT && r.ns == topo.ns.NAT) {
					t.Errorf("default route in %s", r.ns)
				}
				if r.ns == topo.ns.Internet && r.dst == "default" {
					t.Errorf("the internet router must not have a default route")
				}
			}
			if len(topo.rulesets) == 0 {
				t.Errorf("no ruleset")
			}
		})
	}
}
