package natclass

import (
	"fmt"
	"slices"
)

// maxSequentialStep is the largest step between mapped ports still read as
// sequential allocation; concurrent sockets of the same run fill the gaps.
const maxSequentialStep = 64

// classifyPorts reads the fresh sockets' local and mapped ports.
func classifyPorts(samples []PortSample) (Tri, Allocation, int, Verdict) {
	var ok []PortSample
	for _, s := range samples {
		if s.Local.IsValid() && s.Mapped.IsValid() && s.Local.Port() != 0 {
			ok = append(ok, s)
		}
	}
	if len(ok) == 0 {
		return NotTested, AllocUnknown, 0, Verdict{Reason: "no socket got a mapped address"}
	}
	preserved := 0
	var ev []string
	for _, s := range ok {
		if s.Local.Port() == s.Mapped.Port() {
			preserved++
		}
		ev = append(ev, fmt.Sprintf("local port %d → mapped port %d", s.Local.Port(), s.Mapped.Port()))
	}
	why := Verdict{Evidence: ev}
	if preserved == len(ok) {
		return True, AllocPreserved, 0, why
	}
	if len(ok) < 2 {
		why.Reason = "one sample is not enough to tell sequential from random allocation"
		return False, AllocUnknown, 0, why
	}
	ports := make([]int, 0, len(ok))
	for _, s := range ok {
		ports = append(ports, int(s.Mapped.Port()))
	}
	slices.Sort(ports)
	ports = slices.Compact(ports)
	if len(ports) < 2 {
		why.Evidence = append(why.Evidence, "every socket got the same mapped port")
		return False, AllocUnknown, 0, why
	}
	steps := map[int]int{}
	delta, best := 0, 0
	for i := 1; i < len(ports); i++ {
		d := ports[i] - ports[i-1]
		if d > maxSequentialStep {
			return False, AllocRandom, 0, why
		}
		steps[d]++
		if steps[d] > best || steps[d] == best && d < delta {
			delta, best = d, steps[d]
		}
	}
	return False, AllocSequential, delta, why
}
