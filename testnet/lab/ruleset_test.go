package lab

import (
	"slices"
	"strings"
	"testing"
)

// TestRulesetRecipes pins the nftables recipe of every kind: the rules that
// make the behaviour must be there, the ones of other kinds must not.
func TestRulesetRecipes(t *testing.T) {
	const (
		masq       = `oifname "wan0" masquerade` + "\n"
		random     = `masquerade random,fully-random`
		fullDNAT   = `iifname "wan0" dnat ip to udp dport map @mapped`
		restrDNAT  = `iifname "wan0" udp dport . ip saddr @allowed dnat ip to udp dport map @mapped`
		learnMap   = `update @mapped { udp sport : ct original ip saddr . ct original proto-src }`
		learnAllow = `update @allowed { udp sport . ip daddr }`
		jhash      = `jhash ip saddr . udp sport . ip daddr mod 10000 map @adports`
		hairDNAT   = `iifname "lan0" ip daddr 198.51.100.2 dnat ip to udp dport map @mapped`
		hairSNAT   = `ct status dnat snat ip to 198.51.100.2`
		guard      = `iifname "wan0" meta l4proto udp ct state new drop`
		block      = `iifname "lan0" meta l4proto udp drop`
		loss       = `numgen random mod 100 < 20 drop`
	)
	everything := []string{masq, random, fullDNAT, restrDNAT, learnMap, learnAllow, jhash, hairDNAT, hairSNAT, guard, block, loss}
	tests := []struct {
		name    string
		kind    Kind
		hairpin bool
		loss    int
		want    []string
	}{
		{"open", KindOpen, true, 0, nil},
		{"open lossy", KindOpen, false, 20, []string{loss}},
		{"full-cone", KindFullCone, false, 0, []string{masq, fullDNAT, learnMap, guard}},
		{"full-cone hairpin", KindFullCone, true, 0, []string{masq, fullDNAT, learnMap, guard, hairDNAT, hairSNAT}},
		{"restricted-cone", KindRestrictedCone, false, 20, []string{masq, restrDNAT, learnMap, learnAllow, guard, loss}},
		{"port-restricted-cone", KindPortRestrictedCone, false, 0, []string{masq, guard}},
		{"port-restricted-cone hairpin", KindPortRestrictedCone, true, 0, []string{masq, guard, learnMap, hairDNAT, hairSNAT}},
		{"address-dependent", KindAddressDependent, true, 0, []string{jhash, masq, guard}},
		{"symmetric", KindSymmetric, true, 0, []string{random, guard}},
		{"udp-blocked", KindUDPBlocked, false, 0, []string{masq, guard, block}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			topo := planTopology(Options{Kind: tc.kind, Prefix: "nclab-x", Hairpin: tc.hairpin, LossPercent: tc.loss})
			got := topo.rulesets[len(topo.rulesets)-1].spec.render()
			for _, rule := range everything {
				want := slices.Contains(tc.want, rule)
				if has := strings.Contains(got, rule); has != want {
					t.Errorf("rule %q present=%v, want %v\n%s", rule, has, want, got)
				}
			}
		})
	}
}

// TestRulesetDoubleNAT checks that the CGN masquerades and hairpins, while
// the home NAT masquerades towards the CGN and carries the loss.
func TestRulesetDoubleNAT(t *testing.T) {
	topo := planTopology(Options{Kind: KindDoubleNAT, Prefix: "nclab-x", Hairpin: true, LossPercent: 10})
	byNS := map[string]string{}
	for _, rs := range topo.rulesets {
		byNS[rs.ns] = rs.spec.render()
	}
	cgn, home := byNS["nclab-x-cgn"], byNS["nclab-x-nat"]
	for _, want := range []string{`oifname "wan0" masquerade`, `ip saddr 100.64.0.0/10 oifname "lan0" ct status dnat snat ip to 198.51.100.2`} {
		if !strings.Contains(cgn, want) {
			t.Errorf("CGN lacks %q:\n%s", want, cgn)
		}
	}
	if strings.Contains(cgn, "numgen") {
		t.Errorf("CGN has the loss rule")
	}
	if !strings.Contains(home, `oifname "wan0" masquerade`) || !strings.Contains(home, "numgen random mod 100 < 10 drop") {
		t.Errorf("home NAT ruleset:\n%s", home)
	}
	if strings.Contains(home, "@mapped") {
		t.Errorf("home NAT must not hairpin (the CGN owns the public address)")
	}
}
