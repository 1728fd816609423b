package natclass

import (
	"fmt"
	"net/netip"
	"testing"
)

// samples pairs local ports 40000, 40001, … with the given mapped ports.
func samples(mapped ...uint16) []PortSample {
	var out []PortSample
	for i, p := range mapped {
		out = append(out, PortSample{
			Local:  netip.AddrPortFrom(clientIP, uint16(40000+i)),
			Mapped: netip.AddrPortFrom(m1.Addr(), p),
		})
	}
	return out
}

func TestClassifyPorts(t *testing.T) {
	tests := []struct {
		name      string
		samples   []PortSample
		preserved Tri
		alloc     Allocation
		delta     int
		reason    string
	}{
		{"preserved", samples(40000, 40001, 40002), True, AllocPreserved, 0, ""},
		{"preserved, one sample", samples(40000), True, AllocPreserved, 0, ""},
		{"sequential +1", samples(49152, 49153, 49154, 49155), False, AllocSequential, 1, ""},
		{"sequential +1, out of order", samples(49154, 49152, 49155, 49153), False, AllocSequential, 1, ""},
		{"sequential +2 with gaps", samples(50000, 50002, 50004, 50005, 50007), False, AllocSequential, 2, ""},
		{"sequential, tie goes to the smaller step", samples(50000, 50001, 50003), False, AllocSequential, 1, ""},
		{"sequential, largest step allowed", samples(50000, 50064), False, AllocSequential, 64, ""},
		{"random", samples(50000, 50065), False, AllocRandom, 0, ""},
		{"random among close ones", samples(1024, 1025, 61000, 61001), False, AllocRandom, 0, ""},
		{"one sample, not preserved", samples(50000), False, AllocUnknown, 0,
			"one sample is not enough to tell sequential from random allocation"},
		{"same mapped port every time", samples(50000, 50000, 50000), False, AllocUnknown, 0, ""},
		{"some preserved, some not", samples(40000, 40001, 40003), False, AllocSequential, 1, ""},
		{"no samples", nil, NotTested, AllocUnknown, 0, "no socket got a mapped address"},
		{"unusable samples are skipped", []PortSample{
			{Local: ap("10.1.0.2:0"), Mapped: m1}, {Local: survey}, {Mapped: m2},
		}, NotTested, AllocUnknown, 0, "no socket got a mapped address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := natted(answered(srvA, m1))
			o.Ports = tt.samples
			r := Classify(o)
			if r.PortPreserved != tt.preserved || r.PortAllocation != tt.alloc || r.PortDelta != tt.delta || r.PortWhy.Reason != tt.reason {
				t.Errorf("got %s %s %+d %q; want %s %s %+d %q", r.PortPreserved, r.PortAllocation, r.PortDelta, r.PortWhy.Reason,
					tt.preserved, tt.alloc, tt.delta, tt.reason)
			}
		})
	}
}

func TestClassifyPortsEvidence(t *testing.T) {
	o := natted(answered(srvA, m1))
	o.Ports = samples(50000, 50000)
	r := Classify(o)
	want := []string{"local port 40000 → mapped port 50000", "local port 40001 → mapped port 50000",
		"every socket got the same mapped port"}
	if fmt.Sprint(r.PortWhy.Evidence) != fmt.Sprint(want) {
		t.Errorf("evidence %q, want %q", r.PortWhy.Evidence, want)
	}
}
