package natclass

import (
	"net/netip"
	"slices"
	"testing"
)

func ap(s string) netip.AddrPort { return netip.MustParseAddrPort(s) }

// The simulated internet of the tables: documentation addresses only.
var (
	srvA   = ap("203.0.113.10:3478")  // RFC 5780 server, primary
	otherA = ap("203.0.113.11:3479")  // its OTHER-ADDRESS
	srvA2  = ap("203.0.113.10:3479")  // the same server IP on its other port
	srvB   = ap("198.51.100.20:3478") // a plain server at another IP
	srvC   = ap("198.51.100.30:3478") // a second RFC 5780 server
	otherC = ap("198.51.100.31:3479")

	clientIP = netip.MustParseAddr("10.1.0.2")
	survey   = ap("10.1.0.2:40000")
	m1       = ap("198.51.100.2:49152") // mappings the NAT hands out
	m2       = ap("198.51.100.2:49153")
	m3       = ap("198.51.100.2:49154")
)

// answered is a server that answered the survey with mapped.
func answered(addr, mapped netip.AddrPort) ServerObs {
	return ServerObs{Name: addr.String(), Address: addr, Answered: true, Mapped: mapped}
}

// answered5780 is an RFC 5780 server that answered the survey.
func answered5780(addr, other, mapped netip.AddrPort) ServerObs {
	s := answered(addr, mapped)
	s.Other = other
	return s
}

// natted is a run behind a NAT at 198.51.100.2 with the given survey.
func natted(servers ...ServerObs) Observations {
	return Observations{LocalAddrs: []netip.Addr{clientIP}, Survey: survey, Servers: servers}
}

func wantEvidence(t *testing.T, what string, v Verdict, line string) {
	t.Helper()
	if line != "" && !slices.Contains(v.Evidence, line) {
		t.Errorf("%s evidence lacks %q; have:\n%q", what, line, v.Evidence)
	}
}
