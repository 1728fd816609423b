package lab

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
)

// DiscoverySection selects one of coturn's turnutils_natdiscovery tests.
type DiscoverySection int

// The natdiscovery tests the lab knows how to read.
const (
	// SectionMapping is `-m`: RFC 5780 §4.3 mapping behaviour.
	SectionMapping DiscoverySection = iota + 1
	// SectionFiltering is `-f`: RFC 5780 §4.4 filtering behaviour.
	SectionFiltering
	// SectionHairpinning is `-H`: RFC 5780 §4.5 hairpinning.
	SectionHairpinning
)

// String returns "mapping", "filtering" or "hairpinning".
func (s DiscoverySection) String() string {
	switch s {
	case SectionMapping:
		return "mapping"
	case SectionFiltering:
		return "filtering"
	case SectionHairpinning:
		return "hairpinning"
	}
	return fmt.Sprintf("DiscoverySection(%d)", int(s))
}

// flag returns the natdiscovery command-line flag for s.
func (s DiscoverySection) flag() (string, error) {
	switch s {
	case SectionMapping:
		return "-m", nil
	case SectionFiltering:
		return "-f", nil
	case SectionHairpinning:
		return "-H", nil
	}
	return "", fmt.Errorf("lab: unknown discovery section %d", int(s))
}

// DiscoveryResult is what one turnutils_natdiscovery run printed for one
// section. natdiscovery sends every request once and waits 3 s for the
// answer, so under packet loss a single run is not conclusive: a lost answer
// reads as filtering, and a lost mapping answer makes it reuse the previous
// mapped address. Clean tells the runs whose every request was answered.
type DiscoveryResult struct {
	Section DiscoverySection
	// Behavior is natdiscovery's verdict in natcheck spelling (Behavior*
	// constants): "none" for "No NAT!", "" when it printed no verdict.
	Behavior string
	// Responses counts STUN answers received, Timeouts unanswered requests.
	Responses, Timeouts int
	// Local and Reflexive are the local and mapped address of the first
	// answered request (invalid when there was none).
	Local, Reflexive netip.AddrPort
	// HairpinReceived: the request sent to the client's own mapped address
	// came back ("Received a request (maybe a successful hairpinning)").
	HairpinReceived bool
	// Output is natdiscovery's complete output.
	Output string
}

// Clean reports whether every request of the run was answered.
func (r DiscoveryResult) Clean() bool { return r.Responses > 0 && r.Timeouts == 0 }

// FirstAnswered reports whether the first request (to the primary server,
// no CHANGE-REQUEST) was answered, i.e. the run measured something.
func (r DiscoveryResult) FirstAnswered() bool { return r.Responses > 0 }

// PortPreserved reports whether the first answer's mapped port equals the
// local port.
func (r DiscoveryResult) PortPreserved() bool {
	return r.Reflexive.IsValid() && r.Local.Port() == r.Reflexive.Port()
}

// Natdiscovery runs one `turnutils_natdiscovery <section> -L <client IP> -p
// <port> <ip>` in the client namespace against server (coturn's primary
// address) and parses what it printed. Binding the client address (-L) lets
// natdiscovery recognise "No NAT!".
func (l *Lab) Natdiscovery(ctx context.Context, section DiscoverySection, server netip.AddrPort) (DiscoveryResult, error) {
	flag, err := section.flag()
	if err != nil {
		return DiscoveryResult{}, err
	}
	out, err := runInNetns(ctx, l.topo.ns.Client, "turnutils_natdiscovery", flag,
		"-L", l.ClientIP().String(), "-p", strconv.Itoa(int(server.Port())), server.Addr().String())
	res := parseNatdiscovery(section, string(out))
	var exitErr *exec.ExitError
	if err != nil && section == SectionHairpinning && res.Responses == 0 && errors.As(err, &exitErr) {
		// With the first answer lost natdiscovery -H sends its hairpin
		// request to 0.0.0.0:0 and exits with "Address family not
		// supported"; that is an unanswered run, not a failure.
		return res, nil
	}
	if err != nil {
		return res, fmt.Errorf("lab: natdiscovery %s: %w", section, err)
	}
	return res, nil
}

// natdiscoveryAddr matches natdiscovery's address lines, e.g.
// "0: : IPv4. UDP reflexive addr: 198.51.100.2:35629".
func natdiscoveryAddr() *regexp.Regexp {
	return regexp.MustCompile(`(UDP reflexive addr|Local addr)[: ]*(\d+\.\d+\.\d+\.\d+:\d+)`)
}

// parseNatdiscovery reads natdiscovery's output for one section.
func parseNatdiscovery(section DiscoverySection, out string) DiscoveryResult {
	r := DiscoveryResult{Section: section, Output: out}
	addrRe := natdiscoveryAddr()
	for _, line := range strings.Split(out, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "RFC 5780 response"):
			r.Responses++
		case strings.Contains(line, "STUN receive timeout"):
			r.Timeouts++
		case strings.HasPrefix(line, "Received a request"):
			r.HairpinReceived = true
		case strings.HasPrefix(line, "No NAT!"):
			r.Behavior = BehaviorNone
		case strings.HasPrefix(line, "NAT with "):
			if r.Behavior == BehaviorNone {
				continue // "No NAT!" wins over the RFC 5780 verdict after it
			}
			r.Behavior = natdiscoveryBehavior(line)
		default:
			m := addrRe.FindStringSubmatch(line)
			if m == nil {
				continue
			}
			ap, err := netip.ParseAddrPort(m[2])
			if err != nil {
				continue
			}
			if m[1] == "Local addr" && !r.Local.IsValid() {
				r.Local = ap
			}
			if m[1] == "UDP reflexive addr" && !r.Reflexive.IsValid() {
				r.Reflexive = ap
			}
		}
	}
	return r
}

// natdiscoveryBehavior maps a "NAT with ... Mapping/Filtering!" verdict line
// to the natcheck spelling.
func natdiscoveryBehavior(line string) string {
	switch {
	case strings.Contains(line, "Endpoint Independent"):
		return BehaviorEndpointIndependent
	case strings.Contains(line, "Address and Port Dependent"):
		return BehaviorAddressAndPortDependent
	case strings.Contains(line, "Address Dependent"):
		return BehaviorAddressDependent
	}
	return ""
}
