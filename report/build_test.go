package report

import (
	"net/netip"
	"reflect"
	"testing"
	"time"

	"github.com/natcheck/natcheck/natclass"
	"github.com/natcheck/natcheck/probe"
)

func ap(s string) netip.AddrPort { return netip.MustParseAddrPort(s) }

func TestFromCheck(t *testing.T) {
	out := probe.Outcome{
		Duration: 1500 * time.Microsecond,
		Families: []probe.FamilyResult{
			{Network: "udp4", RTTMin: 10 * time.Millisecond, RTTMax: 30 * time.Millisecond, Loss: 0.1,
				Counters: probe.Counters{Sent: 5, Received: 4, Malformed: 1},
				Observations: natclass.Observations{Servers: []natclass.ServerObs{
					{Name: "a:3478", Address: ap("203.0.113.10:3478"), Answered: true, RTT: 10250 * time.Microsecond,
						Mapped: ap("[::ffff:198.51.100.2]:4000"), Other: ap("203.0.113.11:3479"), Software: "s"},
					{Name: "b:3478", Address: ap("203.0.113.20:3478"), Error: "no reply"},
				}}},
			{Network: "udp6", RTTMin: 5 * time.Millisecond, RTTMax: 40 * time.Millisecond, Loss: 0.3,
				Counters: probe.Counters{Sent: 2, Received: 1, Foreign: 1, WrongSource: 2},
				Observations: natclass.Observations{Servers: []natclass.ServerObs{
					{Name: "c", Address: ap("[2001:db8::1]:3478"), Answered: true, RTT: 5 * time.Millisecond,
						Mapped: ap("[2001:db8::2]:5000")},
				}}},
		},
		Unusable: []probe.ServerError{{Name: "bad", Error: "cannot resolve"}},
	}
	res := natclass.Result{NAT: natclass.True, Mapping: natclass.MappingAddressAndPortDependent,
		Filtering: natclass.FilteringAddressAndPortDependent, Type: natclass.LabelSymmetric,
		Hairpinning: natclass.False, PortPreserved: natclass.NotTested, PortAllocation: natclass.AllocRandom,
		MappingWhy: natclass.Verdict{Evidence: []string{"m"}}, HairpinWhy: natclass.Verdict{Reason: "h"}}
	started := time.Date(2025, 1, 2, 3, 4, 5, 0, time.FixedZone("x", 3600))
	r := FromCheck(out, res, Meta{Version: "v1", Time: started})

	wantServers := []Server{
		{Name: "a:3478", Address: "203.0.113.10:3478", Family: "ipv4", RTTMs: ptr(10.25), Mapped: "198.51.100.2:4000",
			Other: "203.0.113.11:3479", RFC5780: true, Software: "s"},
		{Name: "b:3478", Address: "203.0.113.20:3478", Family: "ipv4", Error: "no reply"},
		{Name: "c", Address: "[2001:db8::1]:3478", Family: "ipv6", RTTMs: ptr(5.0), Mapped: "[2001:db8::2]:5000"},
	}
	if !reflect.DeepEqual(r.Servers, wantServers) {
		t.Errorf("servers:\ngot  %+v\nwant %+v", r.Servers, wantServers)
	}
	wantStats := Stats{Sent: 7, Received: 5, Malformed: 1, Foreign: 1, WrongSource: 2, LossEstimate: 0.3,
		RTTMinMs: ptr(5.0), RTTMaxMs: ptr(40.0)}
	if !reflect.DeepEqual(r.Stats, wantStats) {
		t.Errorf("stats: got %+v, want %+v", r.Stats, wantStats)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"schemaVersion", r.SchemaVersion, 1},
		{"tool", r.Tool, "natcheck"},
		{"version", r.Version, "v1"},
		{"time in UTC", r.Time, "2025-01-02T02:04:05Z"},
		{"durationMs", r.DurationMs, 1.5},
		{"family", r.Family, "ipv4"},
		{"type", r.NAT.Type, "symmetric"},
		{"label", r.NAT.Label, "Symmetric"},
		{"mapping", r.NAT.Mapping, "address-and-port-dependent"},
		{"hairpinning", r.NAT.Hairpinning != nil && !*r.NAT.Hairpinning, true},
		{"portPreserved null", r.NAT.PortPreserved == nil, true},
		{"portAllocation", r.NAT.PortAllocation, "random"},
		{"verdict", r.NAT.Verdict, "Symmetric NAT: direct connections to other NATed peers will usually need a relay (TURN)"},
		{"mapping evidence", r.NAT.Evidence.Mapping, []string{"m"}},
		{"empty evidence is []", r.NAT.Evidence.Filtering, []string{}},
		{"warnings are []", r.NAT.Warnings, []string{}},
		{"hairpin reason", r.NAT.Reasons.Hairpinning, "h"},
		{"unusable", r.Unusable, []Unusable{{Name: "bad", Error: "cannot resolve"}}},
		{"no answer", r.NoAnswer(), false},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s: got %#v, want %#v", c.name, c.got, c.want)
		}
	}
}

func TestFromCheckNoAnswer(t *testing.T) {
	blockedObs := natclass.Observations{Servers: []natclass.ServerObs{{Name: "a", Address: ap("203.0.113.10:3478"), Error: "no reply", Silent: true}}}
	deadlineObs := natclass.Observations{Servers: []natclass.ServerObs{{Name: "a", Address: ap("203.0.113.10:3478"), Error: "no reply before the deadline"}}}
	tests := []struct {
		name         string
		out          probe.Outcome
		res          natclass.Result
		wantType     string
		wantNoAnswer bool
		wantVerdict  string
	}{
		{"udp blocked", probe.Outcome{Families: []probe.FamilyResult{{Network: "udp4", Observations: blockedObs}}},
			natclass.Classify(blockedObs), "udp-blocked", true,
			"UDP is blocked: no STUN server answered; only TURN over TCP/TLS can carry calls"},
		{"deadline before any answer", probe.Outcome{Families: []probe.FamilyResult{{Network: "udp4", Observations: deadlineObs}}},
			natclass.Classify(deadlineObs), "unknown", true,
			"Inconclusive: no STUN server answered, and silence could not be judged: no reply before the deadline"},
		{"nothing resolved", probe.Outcome{Unusable: []probe.ServerError{{Name: "x", Error: "cannot resolve"}}},
			natclass.Result{Type: natclass.LabelFullCone}, "unknown", true,
			"Inconclusive: no configured STUN server could be resolved (offline, or DNS failing)"},
		{"inconclusive is not no-answer", probe.Outcome{Families: []probe.FamilyResult{{Network: "udp4"}}},
			natclass.Result{Type: natclass.LabelUnknown, MappingWhy: natclass.Verdict{Reason: "servers disagree"}}, "unknown", false,
			"Inconclusive: servers disagree"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := FromCheck(tt.out, tt.res, Meta{})
			if r.NAT.Type != tt.wantType || r.NoAnswer() != tt.wantNoAnswer || r.NAT.Verdict != tt.wantVerdict {
				t.Errorf("got type %q, no answer %t, verdict %q; want %q, %t, %q",
					r.NAT.Type, r.NoAnswer(), r.NAT.Verdict, tt.wantType, tt.wantNoAnswer, tt.wantVerdict)
			}
		})
	}
}

func TestAddr(t *testing.T) {
	tests := []struct {
		name string
		in   netip.AddrPort
		want string
	}{
		{"zero", netip.AddrPort{}, ""},
		{"ipv4", ap("198.51.100.2:3478"), "198.51.100.2:3478"},
		{"ipv6 in brackets", ap("[2001:db8::1]:3478"), "[2001:db8::1]:3478"},
		{"ipv4-mapped as ipv4", ap("[::ffff:198.51.100.2]:1"), "198.51.100.2:1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Addr(tt.in); got != tt.want {
				t.Errorf("Addr(%v) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
