package natclass

import (
	"fmt"
	"net/netip"
	"strings"
)

// mappingClaim is one source's conclusion about the mapping: a full verdict,
// or only "not endpoint-independent" (notEI) / "not address-and-port
// dependent" (notAPD).
type mappingClaim struct {
	source   string
	behavior MappingBehavior // MappingUnknown with notEI/notAPD set: partial
	notEI    bool
	notAPD   bool
	evidence string
}

func (c mappingClaim) String() string {
	switch {
	case c.behavior != MappingUnknown:
		return c.behavior.String()
	case c.notEI:
		return "not endpoint-independent"
	case c.notAPD:
		return "endpoint-independent or address-dependent"
	}
	return "unknown"
}

// allows reports whether behaviour b is consistent with the claim.
func (c mappingClaim) allows(b MappingBehavior) bool {
	switch {
	case c.behavior != MappingUnknown:
		return c.behavior == b
	case c.notEI:
		return b != MappingEndpointIndependent
	case c.notAPD:
		return b != MappingAddressAndPortDependent
	}
	return true
}

// classifyMapping combines RFC 5780 tests and the cross-server survey. varies
// is true when the mapping is known to change with the destination IP even
// if address- and address-and-port-dependent could not be told apart.
func classifyMapping(o Observations, answered []ServerObs) (MappingBehavior, bool, Verdict) {
	var claims []mappingClaim
	var notes []string
	for _, m := range o.Mapping {
		c, note := rfc5780Claim(m)
		if c != nil {
			claims = append(claims, *c)
		}
		if note != "" {
			notes = append(notes, note)
		}
	}
	if c := surveyClaim(answered); c != nil {
		claims = append(claims, *c)
	}
	var why Verdict
	for _, c := range claims {
		why.Evidence = append(why.Evidence, c.evidence)
	}
	why.Evidence = append(why.Evidence, notes...)
	if len(claims) == 0 {
		why.Reason = "no RFC 5780 server answered the mapping tests, and fewer than two servers at different IPs answered"
		return MappingUnknown, false, why
	}
	var fits []MappingBehavior
	for _, b := range []MappingBehavior{MappingEndpointIndependent, MappingAddressDependent, MappingAddressAndPortDependent} {
		ok := true
		for _, c := range claims {
			ok = ok && c.allows(b)
		}
		if ok {
			fits = append(fits, b)
		}
	}
	switch {
	case len(fits) == 1:
		return fits[0], fits[0] != MappingEndpointIndependent, why
	case len(fits) == 0:
		var parts []string
		for _, c := range claims {
			parts = append(parts, c.source+" says "+c.String())
		}
		why.Reason = "servers disagree: " + strings.Join(parts, "; ")
		return MappingUnknown, false, why
	}
	varies := !fits[0].isEI()
	if varies {
		why.Reason = "the mapping changes with the destination IP, but no test told address-dependent from address-and-port-dependent"
	} else {
		why.Reason = "the tests that answered cannot tell the mapping behaviours apart"
	}
	return MappingUnknown, varies, why
}

func (m MappingBehavior) isEI() bool { return m == MappingEndpointIndependent }

// rfc5780Claim reads tests I-III against one server.
func rfc5780Claim(m MappingObs) (*mappingClaim, string) {
	src := m.Server.String()
	if !m.Primary.IsValid() {
		return nil, ""
	}
	if !validOther(m.Server, m.Other) {
		return nil, fmt.Sprintf("%s: no usable OTHER-ADDRESS, RFC 5780 mapping tests not run", src)
	}
	if !m.AltIP.IsValid() {
		return nil, fmt.Sprintf("%s: test II to %s got no answer%s", src, altIP(m), note(m.Note))
	}
	base := fmt.Sprintf("%s: test I mapped %s, test II (%s) mapped %s", src, m.Primary, altIP(m), m.AltIP)
	if sameAddr(m.Primary, m.AltIP) {
		return &mappingClaim{source: src, behavior: MappingEndpointIndependent, evidence: base + ": same, endpoint-independent"}, ""
	}
	if !m.AltIPPort.IsValid() {
		return &mappingClaim{source: src, notEI: true, evidence: base + ": different; test III got no answer" + note(m.Note)}, ""
	}
	ev := fmt.Sprintf("%s, test III (%s) mapped %s", base, m.Other, m.AltIPPort)
	if sameAddr(m.AltIP, m.AltIPPort) {
		return &mappingClaim{source: src, behavior: MappingAddressDependent, evidence: ev + ": II = III, address-dependent"}, ""
	}
	return &mappingClaim{source: src, behavior: MappingAddressAndPortDependent, evidence: ev + ": all differ, address-and-port-dependent"}, ""
}

func altIP(m MappingObs) netip.AddrPort { return netip.AddrPortFrom(m.Other.Addr(), m.Server.Port()) }

func note(s string) string {
	if s == "" {
		return ""
	}
	return " (" + s + ")"
}

// surveyClaim compares what servers at different addresses saw of the one
// survey socket.
func surveyClaim(answered []ServerObs) *mappingClaim {
	var diffIPSame, diffIPDiff, sameIPSame, sameIPDiff []string
	for i := range answered {
		for j := i + 1; j < len(answered); j++ {
			a, b := answered[i], answered[j]
			if sameAddr(a.Address, b.Address) {
				continue
			}
			pair := fmt.Sprintf("%s→%s vs %s→%s", a.Address, a.Mapped, b.Address, b.Mapped)
			same := sameAddr(a.Mapped, b.Mapped)
			diffIP := a.Address.Addr().Unmap() != b.Address.Addr().Unmap()
			switch {
			case diffIP && same:
				diffIPSame = append(diffIPSame, pair)
			case diffIP:
				diffIPDiff = append(diffIPDiff, pair)
			case same:
				sameIPSame = append(sameIPSame, pair)
			default:
				sameIPDiff = append(sameIPDiff, pair)
			}
		}
	}
	c := &mappingClaim{source: "survey"}
	switch {
	case len(sameIPDiff) > 0:
		c.behavior = MappingAddressAndPortDependent
		c.evidence = "survey: one server IP at two ports saw different mappings: " + sameIPDiff[0]
	case len(diffIPDiff) > 0 && len(sameIPSame) > 0:
		c.behavior = MappingAddressDependent
		c.evidence = "survey: mapping differs across server IPs (" + diffIPDiff[0] + ") but not across ports of one IP (" + sameIPSame[0] + ")"
	case len(diffIPDiff) > 0:
		c.notEI = true
		c.evidence = "survey: mapping differs across server IPs: " + diffIPDiff[0]
	case len(diffIPSame) > 0:
		c.behavior = MappingEndpointIndependent
		c.evidence = fmt.Sprintf("survey: %d server pair(s) at different IPs saw the same mapping, e.g. %s", len(diffIPSame), diffIPSame[0])
	case len(sameIPSame) > 0:
		c.notAPD = true
		c.evidence = "survey: one server IP at two ports saw the same mapping: " + sameIPSame[0]
	default:
		return nil
	}
	return c
}
