package report

import (
	"net/netip"
	"time"

	"github.com/natcheck/natcheck/natclass"
	"github.com/natcheck/natcheck/probe"
)

// Meta is what a report says about the run beyond the probes' findings.
type Meta struct {
	Version string    // natcheck's version
	Time    time.Time // when the run started
}

// FromCheck builds the report of one check: every family's servers and
// tallies, and res, the classification of out.Families[0]. With no family
// (no usable server) res is ignored and the verdict is unknown.
func FromCheck(out probe.Outcome, res natclass.Result, meta Meta) Report {
	r := Report{
		SchemaVersion: SchemaVersion,
		Tool:          Tool,
		Command:       CommandCheck,
		Version:       meta.Version,
		DurationMs:    ms(out.Duration),
		Servers:       []Server{},
		Unusable:      []Unusable{},
	}
	if !meta.Time.IsZero() {
		r.Time = meta.Time.UTC().Format(time.RFC3339Nano)
	}
	for _, fr := range out.Families {
		for _, so := range fr.Observations.Servers {
			r.Servers = append(r.Servers, serverOf(so, familyName(fr.Network)))
		}
	}
	for _, u := range out.Unusable {
		r.Unusable = append(r.Unusable, Unusable{Name: u.Name, Error: u.Error})
	}
	r.Stats = statsOf(out.Families)
	if len(out.Families) == 0 {
		r.NAT = noServerNAT()
		return r
	}
	r.Family = familyName(out.Families[0].Network)
	r.NAT = natOf(res)
	return r
}

func serverOf(so natclass.ServerObs, family string) Server {
	s := Server{
		Name:     so.Name,
		Address:  Addr(so.Address),
		Family:   family,
		Mapped:   Addr(so.Mapped),
		Other:    Addr(so.Other),
		RFC5780:  so.RFC5780(),
		Software: so.Software,
		Error:    so.Error,
	}
	if so.Answered {
		s.RTTMs = msPtr(so.RTT)
	}
	return s
}

func statsOf(fams []probe.FamilyResult) Stats {
	var s Stats
	var c probe.Counters
	for _, fr := range fams {
		c = c.Add(fr.Counters)
		s.LossEstimate = max(s.LossEstimate, fr.Loss)
		if fr.RTTMin > 0 && (s.RTTMinMs == nil || ms(fr.RTTMin) < *s.RTTMinMs) {
			s.RTTMinMs = msPtr(fr.RTTMin)
		}
		if fr.RTTMax > 0 && (s.RTTMaxMs == nil || ms(fr.RTTMax) > *s.RTTMaxMs) {
			s.RTTMaxMs = msPtr(fr.RTTMax)
		}
	}
	s.Sent, s.Received, s.Malformed, s.Foreign, s.WrongSource, s.Late = c.Sent, c.Received, c.Malformed, c.Foreign, c.WrongSource, c.Late
	return s
}

func natOf(res natclass.Result) NAT {
	n := NAT{
		Type:           string(res.Type),
		Label:          res.Type.Title(),
		Mapping:        res.Mapping.String(),
		Filtering:      res.Filtering.String(),
		Hairpinning:    res.Hairpinning.Bool(),
		PortPreserved:  res.PortPreserved.Bool(),
		PortAllocation: string(res.PortAllocation),
		PortDelta:      res.PortDelta,
		Evidence: Evidence{
			Type:        strs(res.TypeWhy.Evidence),
			Mapping:     strs(res.MappingWhy.Evidence),
			Filtering:   strs(res.FilteringWhy.Evidence),
			Hairpinning: strs(res.HairpinWhy.Evidence),
			Ports:       strs(res.PortWhy.Evidence),
		},
		Reasons: Reasons{
			Type:        res.TypeWhy.Reason,
			Mapping:     res.MappingWhy.Reason,
			Filtering:   res.FilteringWhy.Reason,
			Hairpinning: res.HairpinWhy.Reason,
			Ports:       res.PortWhy.Reason,
		},
		Warnings: strs(res.Warnings),
	}
	if n.Type == "" {
		n.Type, n.Label = string(natclass.LabelUnknown), natclass.LabelUnknown.Title()
	}
	if n.PortAllocation == "" {
		n.PortAllocation = string(natclass.AllocUnknown)
	}
	n.Verdict = Verdict(n)
	return n
}

// noServerNAT is the classification of a run in which no configured server
// could even be resolved.
func noServerNAT() NAT {
	reason := "no configured STUN server could be resolved (offline, or DNS failing)"
	n := NAT{
		Type:           string(natclass.LabelUnknown),
		Label:          natclass.LabelUnknown.Title(),
		Mapping:        natclass.MappingUnknown.String(),
		Filtering:      natclass.FilteringUnknown.String(),
		PortAllocation: string(natclass.AllocUnknown),
		Evidence:       Evidence{Type: []string{}, Mapping: []string{}, Filtering: []string{}, Hairpinning: []string{}, Ports: []string{}},
		Reasons:        Reasons{Type: reason, Mapping: reason, Filtering: reason, Hairpinning: reason, Ports: reason},
		Warnings:       []string{},
	}
	n.Verdict = Verdict(n)
	return n
}

// NoAnswer reports whether no STUN server answered at all (UDP blocked) or
// none could be reached to ask (offline).
func (r Report) NoAnswer() bool {
	if r.NAT.Type == string(natclass.LabelUDPBlocked) {
		return true
	}
	if r.NAT.Type != string(natclass.LabelUnknown) || len(r.Servers)+len(r.Unusable) == 0 {
		return false
	}
	for _, s := range r.Servers {
		if s.RTTMs != nil {
			return false
		}
	}
	return true
}

// Addr formats an address for the report: "ip:port", "[v6]:port", and ""
// for the zero address. IPv4-mapped IPv6 is written as IPv4.
func Addr(a netip.AddrPort) string {
	if !a.IsValid() {
		return ""
	}
	return netip.AddrPortFrom(a.Addr().Unmap(), a.Port()).String()
}

func familyName(network string) string {
	switch network {
	case "udp4":
		return "ipv4"
	case "udp6":
		return "ipv6"
	}
	return network
}

// ms is d in milliseconds, to the microsecond.
func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func msPtr(d time.Duration) *float64 {
	v := ms(d)
	return &v
}

// strs never returns nil, so JSON arrays are never null.
func strs(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
