package natclass

import "fmt"

// PairOutcome is what two classifications predict for a direct path between
// the two hosts.
type PairOutcome string

// Pair outcomes, spelled as the JSON prediction.outcome.
const (
	// OutcomeDirect: one side has no NAT and no filter; the other simply
	// connects to it.
	OutcomeDirect PairOutcome = "direct"
	// OutcomeHolePunching: both sides are behind a NAT or firewall, but their
	// behaviours let ICE checks from both sides open a direct path.
	OutcomeHolePunching PairOutcome = "hole-punching"
	// OutcomeRelayRequired: no direct path can work; only a TURN relay can.
	OutcomeRelayRequired PairOutcome = "relay-required"
	// OutcomeUnknown: a classification is missing what the prediction needs.
	OutcomeUnknown PairOutcome = "unknown"
)

// Prediction is the expected outcome of a pair test, with the reason in the
// terms of RFC 4787 (mapping §4.1, filtering §5).
type Prediction struct {
	Outcome PairOutcome
	Reason  string
}

// DirectExpected is True when a direct path is predicted, False when only a
// relay can work, NotTested when the outcome is unknown.
func (p Prediction) DirectExpected() Tri {
	switch p.Outcome {
	case OutcomeDirect, OutcomeHolePunching:
		return True
	case OutcomeRelayRequired:
		return False
	}
	return NotTested
}

// Predict gives the expected pair-test outcome for host A classified as a and
// host B classified as b. It is pure and symmetric up to the names in the
// reason. It assumes one external address per NAT and no port prediction,
// as ICE (RFC 8445) does none.
func Predict(a, b Result) Prediction {
	sa, sb := sideOf("A", a), sideOf("B", b)
	for _, s := range []side{sa, sb} {
		if s.kind == sideBlocked {
			return Prediction{OutcomeRelayRequired, fmt.Sprintf(
				"UDP is blocked for %s: no UDP path can work, only a TURN relay over TCP or TLS", s.name)}
		}
	}
	for _, p := range [][2]side{{sa, sb}, {sb, sa}} {
		if p[0].kind == sideOpen {
			return Prediction{OutcomeDirect, fmt.Sprintf(
				"%s has no NAT and no filter (%s): %s reaches it at its own address", p[0].name, p[0].desc, p[1].name)}
		}
	}
	for _, s := range []side{sa, sb} {
		if s.kind == sideUnknown {
			return Prediction{OutcomeUnknown, fmt.Sprintf("%s's NAT behaviour is unknown: %s", s.name, s.desc)}
		}
	}
	p := predictNATs(sa, sb)
	if note := sa.assumed + sb.assumed; note != "" {
		p.Reason += note
	}
	return p
}

// predictNATs handles two sides that both have a NAT or a filter.
func predictNATs(a, b side) Prediction {
	switch {
	case a.kind == sideStable && b.kind == sideStable:
		return Prediction{OutcomeHolePunching, fmt.Sprintf(
			"A (%s) and B (%s) both keep one mapping for every destination: each side's checks to the other's "+
				"server-reflexive address open its own filter for the other's checks", a.desc, b.desc)}
	case a.kind == sideStable:
		return stableVsDependent(a, b)
	case b.kind == sideStable:
		return stableVsDependent(b, a)
	}
	return bothDependent(a, b)
}

// stableVsDependent: s keeps one mapping, d opens a new one per destination.
// d's checks reach s from a port s never sent to; s's filter decides.
func stableVsDependent(s, d side) Prediction {
	if s.filter == FilteringAddressAndPortDependent {
		return Prediction{OutcomeRelayRequired, fmt.Sprintf(
			"%s (%s) opens a new port for each destination, so its checks reach %s from a port %s never sent to, "+
				"and %s (%s) admits only the exact address and port it sent to", d.name, d.desc, s.name, s.name, s.name, s.desc)}
	}
	return Prediction{OutcomeHolePunching, fmt.Sprintf(
		"%s (%s) opens a new port for each destination, but %s (%s) admits any port of an address it has sent to, "+
			"so %s learns that port as a peer-reflexive candidate and answers it", d.name, d.desc, s.name, s.desc, s.name)}
}

// bothDependent: both open a new port per destination. The first check gets
// in only through an endpoint-independent filter (x); the answer from x's new
// port then gets in only if y's filter ignores ports; and the two sides
// settle on one port each only if one mapping depends on the address alone.
func bothDependent(a, b side) Prediction {
	for _, p := range [][2]side{{a, b}, {b, a}} {
		x, y := p[0], p[1]
		if x.filter == FilteringEndpointIndependent && y.filter != FilteringAddressAndPortDependent && (x.adm || y.adm) {
			return Prediction{OutcomeHolePunching, fmt.Sprintf(
				"both open a new port for each destination, but %s (%s) admits the first check from anywhere, "+
					"%s (%s) admits the answer from %s's new port, and the address-dependent mapping keeps one port per peer, "+
					"so peer-reflexive candidates converge", x.name, x.desc, y.name, y.desc, x.name)}
		}
	}
	return Prediction{OutcomeRelayRequired, fmt.Sprintf(
		"A (%s) and B (%s) both open a new port for each destination, and neither's filter admits the other's "+
			"unpredictable port: no direct pair can work", a.desc, b.desc)}
}

// sideKind is what Predict needs to know about one host.
type sideKind int

const (
	sideUnknown   sideKind = iota
	sideBlocked            // no UDP at all
	sideOpen               // no NAT, no filter
	sideStable             // one mapping for every destination (EIM, or no NAT), with a filter
	sideDependent          // a new mapping per destination (ADM or APDM)
)

// side is one host as Predict sees it.
type side struct {
	name    string
	kind    sideKind
	adm     bool // the mapping depends on the destination address only (ADM)
	filter  FilteringBehavior
	desc    string // label and behaviours, for the reason
	assumed string // appended to the reason when a gap was filled conservatively
}

// sideOf reads a classification. A symmetric NAT whose filtering or exact
// mapping is unknown is assumed to be the strictest (APDM, APDF).
func sideOf(name string, r Result) side {
	s := side{name: name, filter: r.Filtering, desc: string(r.Type)}
	switch r.Type {
	case LabelUDPBlocked:
		s.kind = sideBlocked
		return s
	case LabelOpenInternet:
		s.kind = sideOpen
		return s
	case LabelFullCone, LabelRestrictedCone, LabelPortRestrictedCone:
		s.kind = sideStable
		s.filter = coneFilter(r.Type)
	case LabelSymmetricFirewall:
		s.kind = sideStable
	case LabelSymmetric:
		s.kind = sideDependent
		s.adm = r.Mapping == MappingAddressDependent
	default:
		if r.UDPBlocked {
			s.kind = sideBlocked
			return s
		}
		s.desc = r.TypeWhy.Reason
		if s.desc == "" {
			s.desc = "no classification"
		}
		return s
	}
	s.desc = fmt.Sprintf("%s: %s mapping, %s filtering", r.Type, mappingWords(r.Type, r.Mapping), s.filter)
	if s.filter != FilteringEndpointIndependent && s.filter != FilteringAddressDependent &&
		s.filter != FilteringAddressAndPortDependent {
		s.filter = FilteringAddressAndPortDependent
		s.assumed = fmt.Sprintf("; %s's filtering is unknown, assumed address-and-port-dependent", name)
	}
	return s
}

// coneFilter is the filtering a cone label implies (RFC 4787 §5).
func coneFilter(l Label) FilteringBehavior {
	switch l {
	case LabelFullCone:
		return FilteringEndpointIndependent
	case LabelRestrictedCone:
		return FilteringAddressDependent
	}
	return FilteringAddressAndPortDependent
}

func mappingWords(l Label, m MappingBehavior) string {
	switch {
	case l == LabelSymmetricFirewall:
		return "no"
	case l == LabelSymmetric && m != MappingAddressDependent && m != MappingAddressAndPortDependent:
		return "destination-dependent"
	}
	if l != LabelSymmetric {
		return MappingEndpointIndependent.String()
	}
	return m.String()
}
