package lab

import (
	"fmt"
	"strings"
)

// natMode is the translation a NAT box applies to LAN traffic leaving its
// WAN interface.
type natMode int

const (
	// modeRoute: no translation at all (KindOpen's access router).
	modeRoute natMode = iota
	// modeMasquerade: plain masquerade. Linux keeps the source port when the
	// resulting tuple is free, so the mapping is endpoint-independent; the
	// conntrack reply path makes the filtering address-and-port-dependent.
	modeMasquerade
	// modeFullCone: masquerade plus DNAT of any inbound packet to a live
	// mapped port (endpoint-independent filtering).
	modeFullCone
	// modeRestrictedCone: like modeFullCone, but inbound packets are accepted
	// only from remote IPs the mapped port has sent to.
	modeRestrictedCone
	// modeAddressDependent: SNAT to a port chosen by a hash of inner address,
	// inner port and remote address.
	modeAddressDependent
	// modeSymmetric: masquerade with fully random ports.
	modeSymmetric
)

// tableName is the nftables table every lab ruleset lives in.
const tableName = "nclab"

// mapTimeout is how long a learnt mapping (and restricted-cone permission)
// survives without outbound traffic; longer than conntrack's UDP timeouts
// so that the map never forgets a mapping conntrack still holds.
const mapTimeout = "3m"

// natSpec describes the nftables ruleset of one NAT box.
type natSpec struct {
	mode natMode
	// wan and lan are the upstream and downstream interface names.
	wan, lan string
	// public is the WAN address used for hairpin SNAT.
	public string
	// lanNet is the downstream prefix (hairpin SNAT matches it).
	lanNet string
	// hairpin adds hairpin DNAT/SNAT (only for port-preserving modes).
	hairpin bool
	// blockUDP drops every UDP packet forwarded from the LAN.
	blockUDP bool
	// lossPercent drops that share of forwarded packets, both directions.
	lossPercent int
}

// needsMap reports whether the ruleset learns mapped port -> inner endpoint.
func (s natSpec) needsMap() bool {
	return s.mode == modeFullCone || s.mode == modeRestrictedCone || s.hairpinEffective()
}

// hairpinEffective reports whether hairpin rules are generated.
func (s natSpec) hairpinEffective() bool {
	if !s.hairpin {
		return false
	}
	switch s.mode {
	case modeMasquerade, modeFullCone, modeRestrictedCone:
		return true
	}
	return false
}

// translates reports whether the box rewrites addresses at all.
func (s natSpec) translates() bool { return s.mode != modeRoute }

// render returns the complete nftables script for s, to be loaded with
// `nft -f -` in the NAT's namespace (which has no other ruleset).
func (s natSpec) render() string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }

	w("table ip %s {", tableName)
	if s.needsMap() {
		w("\t# mapped public port -> inner address . inner port, learnt from outbound packets")
		w("\tmap mapped {")
		w("\t\ttype inet_service : ipv4_addr . inet_service")
		w("\t\tflags dynamic,timeout")
		w("\t\ttimeout %s", mapTimeout)
		w("\t}")
	}
	if s.mode == modeRestrictedCone {
		w("\t# mapped public port . remote address the mapping has sent to")
		w("\tset allowed {")
		w("\t\ttype inet_service . ipv4_addr")
		w("\t\tflags dynamic,timeout")
		w("\t\ttimeout %s", mapTimeout)
		w("\t}")
	}
	if s.mode == modeAddressDependent {
		w("\t# hash bucket -> public port %d-%d", AddressDependentPortMin, AddressDependentPortMax)
		w("\tmap adports {")
		w("\t\ttypeof jhash ip saddr mod 2 : udp sport")
		b.WriteString("\t\telements = { ")
		for i := 0; i <= AddressDependentPortMax-AddressDependentPortMin; i++ {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%d : %d", i, AddressDependentPortMin+i)
		}
		b.WriteString(" }\n")
		w("\t}")
	}

	if s.lossPercent > 0 {
		w("\tchain loss {")
		w("\t\ttype filter hook forward priority filter - 10; policy accept;")
		w("\t\tnumgen random mod 100 < %d drop", s.lossPercent)
		w("\t}")
	}
	if s.blockUDP {
		w("\tchain block {")
		w("\t\ttype filter hook forward priority filter; policy accept;")
		w("\t\tiifname %q meta l4proto udp drop", s.lan)
		w("\t}")
	}
	if s.translates() {
		// Unsolicited UDP from the WAN that no rule DNATs would reach the NAT
		// box itself. Dropping it before conntrack confirms the entry keeps
		// such packets from occupying the tuple a later outbound packet of
		// the same mapping needs (which would force masquerade to pick a
		// different port and fake address-dependent mapping).
		w("\tchain guard {")
		w("\t\ttype filter hook input priority filter; policy accept;")
		w("\t\tiifname %q meta l4proto udp ct state new drop", s.wan)
		w("\t}")
	}

	var pre []string
	switch s.mode {
	case modeFullCone:
		pre = append(pre, fmt.Sprintf("iifname %q dnat ip to udp dport map @mapped", s.wan))
	case modeRestrictedCone:
		pre = append(pre, fmt.Sprintf("iifname %q udp dport . ip saddr @allowed dnat ip to udp dport map @mapped", s.wan))
	}
	if s.hairpinEffective() {
		pre = append(pre, fmt.Sprintf("iifname %q ip daddr %s dnat ip to udp dport map @mapped", s.lan, s.public))
	}
	if len(pre) > 0 {
		// NAT chains only see the first packet of a conntrack entry, so the
		// reply path of ordinary outbound flows never reaches these rules.
		w("\tchain inbound {")
		w("\t\ttype nat hook prerouting priority dstnat; policy accept;")
		for _, r := range pre {
			w("\t\t%s", r)
		}
		w("\t}")
	}

	if s.translates() {
		w("\tchain outbound {")
		w("\t\ttype nat hook postrouting priority srcnat; policy accept;")
		if s.hairpinEffective() {
			w("\t\tip saddr %s oifname %q ct status dnat snat ip to %s", s.lanNet, s.lan, s.public)
		}
		switch s.mode {
		case modeMasquerade, modeFullCone, modeRestrictedCone:
			w("\t\toifname %q masquerade", s.wan)
		case modeAddressDependent:
			w("\t\toifname %q meta l4proto udp snat ip to %s : jhash ip saddr . udp sport . ip daddr mod %d map @adports",
				s.wan, s.public, AddressDependentPortMax-AddressDependentPortMin+1)
			w("\t\toifname %q masquerade", s.wan)
		case modeSymmetric:
			w("\t\toifname %q masquerade random,fully-random", s.wan)
		}
		w("\t}")
	}

	if s.needsMap() {
		// Runs after srcnat, so udp sport is already the mapped port.
		w("\tchain learn {")
		w("\t\ttype filter hook postrouting priority srcnat + 10; policy accept;")
		w("\t\toifname %q meta l4proto udp ct direction original update @mapped { udp sport : ct original ip saddr . ct original proto-src }", s.wan)
		if s.mode == modeRestrictedCone {
			w("\t\toifname %q meta l4proto udp ct direction original update @allowed { udp sport . ip daddr }", s.wan)
		}
		w("\t}")
	}
	w("}")
	return b.String()
}
