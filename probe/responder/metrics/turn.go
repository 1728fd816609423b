package metrics

import "github.com/natcheck/natcheck/probe/turnserver"

// TURNEvents counts the TURN server's events; no label carries a user name,
// so the number of series stays fixed.
func (m *Metrics) TURNEvents() turnserver.Events {
	return turnserver.Events{
		AuthFailed:   m.turnAuthFailures.Inc,
		QuotaRefused: func(string) { m.turnQuotaRefused.Inc() },
		Allocated:    func(string) { m.turnAllocated.Inc(); m.turnAllocations.Inc() },
		Released:     func(string) { m.turnAllocations.Dec() },
	}
}
