package natclass

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// Classify turns one run's observations into a classification. It is pure:
// the same observations always give the same result.
func Classify(o Observations) Result {
	var r Result
	answered := answeredServers(o.Servers)
	if len(o.Servers) > 0 && !slices.ContainsFunc(o.Servers, func(s ServerObs) bool { return s.Answered }) {
		return noAnswer(o.Servers)
	}
	r.NAT, r.TypeWhy.Evidence = natPresent(o, answered)
	varies := false
	if r.NAT == False {
		r.Mapping = MappingNone
		r.MappingWhy = Verdict{Evidence: []string{"mapped address is one of the host's own: no NAT"}}
	} else {
		r.Mapping, varies, r.MappingWhy = classifyMapping(o, answered)
	}
	r.Filtering, r.FilteringWhy, r.Warnings = classifyFiltering(o.Filtering, o.Mapping)
	if r.NAT == False && r.Filtering == FilteringEndpointIndependent {
		r.Filtering = FilteringNone
	}
	var reason string
	r.Type, reason = label(r.NAT, r.Mapping, r.Filtering, varies)
	r.TypeWhy.Reason = reason
	r.Hairpinning, r.HairpinWhy = classifyHairpin(o.Hairpin)
	r.PortPreserved, r.PortAllocation, r.PortDelta, r.PortWhy = classifyPorts(o.Ports)
	return r
}

func answeredServers(s []ServerObs) []ServerObs {
	var out []ServerObs
	for _, x := range s {
		if x.Answered && x.Mapped.IsValid() {
			out = append(out, x)
		}
	}
	return out
}

// natPresent compares the mapped addresses with the host's own addresses.
func natPresent(o Observations, answered []ServerObs) (Tri, []string) {
	if len(answered) == 0 {
		return NotTested, nil
	}
	m := answered[0].Mapped
	if slices.ContainsFunc(o.LocalAddrs, func(a netip.Addr) bool { return a.Unmap() == m.Addr().Unmap() }) {
		ev := fmt.Sprintf("%s saw us as %s, an address of this host", answered[0].Address, m)
		if o.Survey.IsValid() && o.Survey.Port() != 0 && o.Survey.Port() != m.Port() {
			// Same IP, other port: a port-translating firewall on the host itself.
			return True, []string{ev + fmt.Sprintf(", but on port %d instead of %d", m.Port(), o.Survey.Port())}
		}
		return False, []string{ev}
	}
	return True, []string{fmt.Sprintf("%s saw us as %s, not an address of this host", answered[0].Address, m)}
}

// classifyHairpin reads RFC 5780 §4.5.
func classifyHairpin(h HairpinObs) (Tri, Verdict) {
	switch h.Outcome {
	case Replied:
		return True, Verdict{Evidence: []string{fmt.Sprintf("a request sent from a second socket to our mapped address %s reached us", h.Mapped)}}
	case NoReply:
		return False, Verdict{Evidence: []string{fmt.Sprintf("%d request(s) sent from a second socket to our mapped address %s never reached us", h.Attempts, h.Mapped)}}
	case Inconclusive:
		return NotTested, Verdict{Reason: "the run ended before hairpinning could be judged"}
	}
	return NotTested, Verdict{Reason: "not tested: no mapped address to send to"}
}

// sameAddr compares AddrPorts, with IPv4-mapped IPv6 folded to IPv4.
func sameAddr(a, b netip.AddrPort) bool {
	return a.Addr().Unmap() == b.Addr().Unmap() && a.Port() == b.Port()
}

// noAnswer classifies a run in which no server answered at all. Only judged
// silence is "UDP blocked" (an error response would prove UDP gets through);
// a deadline that came first, or sends that failed, leave it unknown.
func noAnswer(servers []ServerObs) Result {
	r := Result{PortAllocation: AllocUnknown}
	why := Verdict{Reason: "no STUN server answered"}
	ev := []string{fmt.Sprintf("%d server(s) asked, none answered a Binding request", len(servers))}
	if slices.ContainsFunc(servers, func(s ServerObs) bool { return s.Silent }) {
		r.UDPBlocked, r.Type = true, LabelUDPBlocked
		r.TypeWhy = Verdict{Evidence: ev}
	} else {
		var errs []string
		for _, s := range servers {
			if s.Error != "" && !slices.Contains(errs, s.Error) {
				errs = append(errs, s.Error)
			}
		}
		why.Reason = "no STUN server answered, and silence could not be judged"
		if len(errs) > 0 {
			why.Reason += ": " + strings.Join(errs, "; ")
		}
		r.Type, r.TypeWhy = LabelUnknown, Verdict{Evidence: ev, Reason: why.Reason}
	}
	r.MappingWhy, r.FilteringWhy = why, why
	r.HairpinWhy.Reason, r.PortWhy.Reason = why.Reason, why.Reason
	return r
}
