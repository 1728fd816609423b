package report

import (
	"fmt"
	"strconv"
	"strings"
)

// Helpers shared by the text and table renderers.

// triWords is a tri-state in words: yes, no or "not tested".
func triWords(b *bool) string {
	switch {
	case b == nil:
		return "not tested"
	case *b:
		return "yes"
	}
	return "no"
}

// msWords is a duration in milliseconds, e.g. "51.2ms", or "-" for null.
func msWords(v *float64) string {
	if v == nil {
		return "-"
	}
	return strconv.FormatFloat(*v, 'f', 1, 64) + "ms"
}

// allocationWords is the port allocation with its step, e.g. "sequential (+2)".
func allocationWords(n NAT) string {
	if n.PortAllocation == "sequential" && n.PortDelta != 0 {
		return fmt.Sprintf("sequential (%+d)", n.PortDelta)
	}
	return n.PortAllocation
}

// typeWords is the NAT type as "Label (type)".
func typeWords(n NAT) string { return fmt.Sprintf("%s (%s)", n.Label, n.Type) }

// topic is one conclusion's evidence and reason, for the renderers.
type topic struct {
	name     string
	evidence []string
	reason   string
}

// topics lists the conclusions in order. A reason already given for an
// earlier topic is not repeated (UDP blocked has one reason for all).
func topics(n NAT) []topic {
	ts := []topic{
		{"type", n.Evidence.Type, n.Reasons.Type},
		{"mapping", n.Evidence.Mapping, n.Reasons.Mapping},
		{"filtering", n.Evidence.Filtering, n.Reasons.Filtering},
		{"hairpinning", n.Evidence.Hairpinning, n.Reasons.Hairpinning},
		{"ports", n.Evidence.Ports, n.Reasons.Ports},
	}
	seen := map[string]bool{}
	for i := range ts {
		if seen[ts[i].reason] {
			ts[i].reason = ""
		}
		seen[ts[i].reason] = true
	}
	return ts
}

// statsWords is the packet tallies on one line.
func statsWords(s Stats) string {
	rtt := "-"
	if s.RTTMinMs != nil && s.RTTMaxMs != nil {
		rtt = msWords(s.RTTMinMs) + " to " + msWords(s.RTTMaxMs)
	}
	return fmt.Sprintf("sent %d, received %d, late %d, malformed %d, foreign %d, wrong source %d, loss %.0f%%, rtt %s",
		s.Sent, s.Received, s.Late, s.Malformed, s.Foreign, s.WrongSource, s.LossEstimate*100, rtt)
}

// simulatedWords describes a simulated run and whether its verdict matched.
func simulatedWords(s Simulated) string {
	var net string
	switch s.Kind {
	case "nat":
		net = fmt.Sprintf("NAT with %s mapping and %s filtering (%s)", s.Mapping, s.Filtering, s.Type)
	case "open":
		net = "no NAT (open internet)"
	default:
		net = strings.ReplaceAll(s.Kind, "-", " ")
	}
	match := "verdict matches the configured NAT"
	if !s.Matched {
		match = "verdict DOES NOT match the configured NAT"
	}
	return fmt.Sprintf("%s, rtt %gms, loss %g%%, seed %d: %s", net, s.RTTMs, s.LossPercent, s.Seed, match)
}
