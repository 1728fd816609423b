package natclass

import (
	"fmt"
	"net/netip"
	"strings"
)

// classifyFiltering reads RFC 5780 §4.4 tests against every server and
// combines them; servers that answer CHANGE-REQUEST from the wrong address
// are reported in warnings and not believed. The mapping tests show whether
// each server's alternate IP answers at all.
func classifyFiltering(obs []FilteringObs, mapping []MappingObs) (FilteringBehavior, Verdict, []string) {
	var why Verdict
	var warnings []string
	found := map[FilteringBehavior][]string{}
	var order []FilteringBehavior
	for _, f := range obs {
		b, ev, warn := filteringClaim(f)
		if b == FilteringAddressDependent || b == FilteringAddressAndPortDependent {
			if dead, why := altSilent(f.Server, mapping); dead {
				b, ev = FilteringUnknown, ev+"; "+why
			}
		}
		if ev != "" {
			why.Evidence = append(why.Evidence, ev)
		}
		if warn != "" {
			warnings = append(warnings, warn)
		}
		if b == FilteringUnknown {
			continue
		}
		if _, ok := found[b]; !ok {
			order = append(order, b)
		}
		found[b] = append(found[b], f.Server.String())
	}
	switch len(order) {
	case 0:
		why.Reason = "no RFC 5780 server gave a usable answer to the filtering tests"
		if len(obs) == 0 {
			why.Reason = "no RFC 5780 server reachable"
		}
		return FilteringUnknown, why, warnings
	case 1:
		return order[0], why, warnings
	}
	var parts []string
	for _, b := range order {
		parts = append(parts, strings.Join(found[b], ", ")+" says "+b.String())
	}
	why.Reason = "servers disagree: " + strings.Join(parts, "; ")
	return FilteringUnknown, why, warnings
}

// filteringClaim reads one server's tests II and III.
func filteringClaim(f FilteringObs) (FilteringBehavior, string, string) {
	s := f.Server
	if f.ChangeIPPort.Outcome == NotRun && f.ChangePort.Outcome == NotRun {
		return FilteringUnknown, "", ""
	}
	if !validOther(s, f.Other) {
		if f.ChangeIPPort.Outcome == Replied && sameAddr(f.ChangeIPPort.From, s) {
			return FilteringUnknown, "", fmt.Sprintf("%s ignores CHANGE-REQUEST (answers from its primary address)", s)
		}
		return FilteringUnknown, "", ""
	}
	ip, port := f.ChangeIPPort, f.ChangePort
	switch ip.Outcome {
	case Replied:
		if ip.From.Addr().Unmap() == s.Addr().Unmap() || ip.From.Port() == s.Port() {
			return FilteringUnknown, fmt.Sprintf("%s: change IP+port answered from %s", s, ip.From),
				fmt.Sprintf("%s is unreliable: asked to change IP and port, it answered from %s", s, ip.From)
		}
		return FilteringEndpointIndependent, fmt.Sprintf("%s: reply to change IP+port came from %s: endpoint-independent", s, ip.From), ""
	case ErrorReply:
		return FilteringUnknown, fmt.Sprintf("%s: refused CHANGE-REQUEST (error %d)", s, ip.ErrorCode), ""
	case NoReply:
	default:
		return FilteringUnknown, fmt.Sprintf("%s: change IP+port test %s", s, outcomeWords(ip.Outcome)), ""
	}
	if !f.Baseline {
		return FilteringUnknown, fmt.Sprintf("%s: no answer to the plain request on the filtering socket either: silence proves nothing", s), ""
	}
	head := fmt.Sprintf("%s: no reply to change IP+port after %d attempt(s)", s, ip.Attempts)
	switch port.Outcome {
	case Replied:
		if port.From.Addr().Unmap() != s.Addr().Unmap() || port.From.Port() == s.Port() {
			return FilteringUnknown, head + fmt.Sprintf("; change port answered from %s", port.From),
				fmt.Sprintf("%s is unreliable: asked to change port only, it answered from %s", s, port.From)
		}
		return FilteringAddressDependent, head + fmt.Sprintf("; reply to change port came from %s: address-dependent", port.From), ""
	case NoReply:
		return FilteringAddressAndPortDependent, head + fmt.Sprintf(", nor to change port after %d: address-and-port-dependent", port.Attempts), ""
	case ErrorReply:
		return FilteringUnknown, head + fmt.Sprintf("; change port refused (error %d)", port.ErrorCode), ""
	}
	return FilteringUnknown, head + "; change port test " + outcomeWords(port.Outcome), ""
}

func outcomeWords(o Outcome) string {
	switch o {
	case Inconclusive:
		return "ran out of time"
	case NotRun:
		return "not run"
	}
	return string(o)
}

// altSilent reports whether the server's alternate IP never answered us
// directly in the mapping tests (II and III). Then no reply to "change IP"
// may be the server's fault, not the NAT's filter: a public RFC 5780 server
// whose alternate address is dead looks exactly like a filtering NAT.
func altSilent(server netip.AddrPort, mapping []MappingObs) (bool, string) {
	for _, m := range mapping {
		if m.Server != server || !m.Primary.IsValid() {
			continue
		}
		if !m.AltIP.IsValid() && !m.AltIPPort.IsValid() {
			return true, fmt.Sprintf("but its alternate IP %s never answered our own requests either: not believed", m.Other.Addr())
		}
		return false, ""
	}
	return false, ""
}
