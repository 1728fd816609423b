package report

import "github.com/natcheck/natcheck/natclass"

// advice is the plain-words verdict per nat.type: what the NAT is, then
// what it means for connecting to peers.
var advice = map[natclass.Label]string{
	natclass.LabelOpenInternet: "Open Internet: no NAT and no inbound filtering; peers can reach you directly",
	natclass.LabelFullCone:     "Full-cone NAT: peers can reach you directly; direct connections should work with almost any peer",
	natclass.LabelRestrictedCone: "Restricted-cone NAT: hole punching works with almost any peer, " +
		"including most behind symmetric NAT; a relay (TURN) is rarely needed",
	natclass.LabelPortRestrictedCone: "Port-restricted-cone NAT: hole punching works with most peers; " +
		"peers behind symmetric NAT will need a relay (TURN)",
	natclass.LabelSymmetric: "Symmetric NAT: direct connections to other NATed peers will usually need a relay (TURN)",
	natclass.LabelSymmetricFirewall: "Symmetric UDP firewall: no NAT, but only replies to packets you sent get in; " +
		"hole punching works with most peers, peers behind symmetric NAT will need a relay (TURN)",
	natclass.LabelUDPBlocked: "UDP is blocked: no STUN server answered; only TURN over TCP/TLS can carry calls",
}

// Verdict is the one-line, plain-words verdict for n: the NAT type and its
// consequence, or "Inconclusive: <reason>".
func Verdict(n NAT) string {
	if a, ok := advice[natclass.Label(n.Type)]; ok {
		return a
	}
	return "Inconclusive: " + unknownReason(n)
}

// unknownReason picks the most specific reason the classification is
// unknown: the mapping's, else the filtering's, else the type's own.
func unknownReason(n NAT) string {
	switch {
	case n.Mapping == natclass.MappingUnknown.String() && n.Reasons.Mapping != "":
		return n.Reasons.Mapping
	case n.Filtering == natclass.FilteringUnknown.String() && n.Reasons.Filtering != "":
		return n.Reasons.Filtering
	case n.Reasons.Type != "":
		return n.Reasons.Type
	}
	return "the NAT could not be classified"
}
