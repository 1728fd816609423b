package natclass

import (
	"net/netip"
	"time"
)

// Outcome is how a test that may legitimately get no answer ended.
type Outcome string

// Outcomes.
const (
	NotRun       Outcome = ""             // the test was not run
	Replied      Outcome = "reply"        // a reply arrived
	NoReply      Outcome = "no-reply"     // enough attempts, each past the measured RTT, went unanswered
	Inconclusive Outcome = "inconclusive" // the run ended before silence could be judged
	ErrorReply   Outcome = "error"        // the server answered with an error response
)

// ServerObs is one server's answer to a plain Binding request, all sent
// from one socket (the mapping survey).
type ServerObs struct {
	Name     string         // as configured, e.g. "stun.example.org:3478"
	Address  netip.AddrPort // the resolved primary address
	Answered bool
	RTT      time.Duration
	Mapped   netip.AddrPort // XOR-MAPPED-ADDRESS (or MAPPED-ADDRESS)
	Other    netip.AddrPort // OTHER-ADDRESS as sent; zero when absent
	Origin   netip.AddrPort // RESPONSE-ORIGIN
	Software string
	Error    string // why there is no answer
	// Silent: enough attempts went unanswered, each long past the RTTs
	// measured, that silence is the verdict — not a deadline or a send error.
	Silent bool
}

// RFC5780 reports whether the server's OTHER-ADDRESS is usable: present and
// different from the primary in both IP and port.
func (s ServerObs) RFC5780() bool { return validOther(s.Address, s.Other) }

func validOther(primary, other netip.AddrPort) bool {
	return other.IsValid() && primary.IsValid() && other.Addr().Unmap() != primary.Addr().Unmap() && other.Port() != primary.Port()
}

// MappingObs is RFC 5780 §4.3 against one server, on the survey socket: the
// mapped address seen by the primary (test I), by the alternate IP on the
// primary port (test II) and by the alternate IP and port (test III).
type MappingObs struct {
	Server    netip.AddrPort
	Other     netip.AddrPort
	Primary   netip.AddrPort // test I; zero when unanswered
	AltIP     netip.AddrPort // test II
	AltIPPort netip.AddrPort // test III
	Note      string         // why a test has no answer
}

// ChangeObs is one CHANGE-REQUEST test (RFC 5780 §4.4 test II or III).
type ChangeObs struct {
	Outcome   Outcome
	From      netip.AddrPort // source of the reply, as the socket saw it
	Attempts  int
	ErrorCode int
}

// FilteringObs is RFC 5780 §4.4 against one server, on a fresh socket.
type FilteringObs struct {
	Server       netip.AddrPort
	Other        netip.AddrPort // OTHER-ADDRESS from this socket's test I
	Baseline     bool           // test I (no change) was answered on this socket
	ChangeIPPort ChangeObs      // test II
	ChangePort   ChangeObs      // test III
}

// HairpinObs is RFC 5780 §4.5: Binding requests sent from a second socket
// to the first socket's mapped address, and whether they reached it.
type HairpinObs struct {
	Mapped   netip.AddrPort
	Outcome  Outcome
	Attempts int
}

// PortSample is one fresh socket's local port and the port its NAT mapping
// got, in the order the sockets first sent.
type PortSample struct {
	Local  netip.AddrPort
	Mapped netip.AddrPort
}

// Observations is everything the probes saw in one run, for one address
// family. It is plain data: tests write it as literals.
type Observations struct {
	LocalAddrs []netip.Addr   // the host's own addresses
	Survey     netip.AddrPort // the survey socket's local address
	Servers    []ServerObs    // the mapping survey, one socket
	Mapping    []MappingObs   // RFC 5780 mapping tests, on the survey socket
	Filtering  []FilteringObs // RFC 5780 filtering tests, a fresh socket each
	Hairpin    HairpinObs     // on a fresh socket
	Ports      []PortSample   // one per fresh socket
}
