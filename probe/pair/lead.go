package pair

import (
	"context"
	"fmt"
	"time"
)

// lead is the controlling side: wait for a verdict on every pair (pion
// nominates once the window has passed), measure the working paths, and
// hand the result to the peer.
func (s *Session) lead(ctx context.Context, peer Description) (Result, error) {
	ps, err := s.awaitVerdicts(ctx)
	if err != nil {
		return Result{}, err
	}
	r := Result{View: ViewControlling, Controlling: VerdictOf(s.o.NAT), Controlled: peer.NAT, Pairs: results(ps), Window: s.window}
	r.summarise()
	s.o.progress("checks done: direct=%v relay=%v", r.Direct, r.Relay)
	if s.stopStorm(ps) {
		r.Notes = append(r.Notes, stormNote(len(ps)))
		r.Duration = time.Since(s.start)
		return r, nil
	}
	for _, path := range []Path{PathDirect, PathRelay} {
		if p, ok := bestPair(ps, path); ok && s.o.Burst > 0 {
			r.Quality = append(r.Quality, s.burst(ctx, path, p))
		}
	}
	r.Duration = time.Since(s.start)
	if note := silenceNote(r.Pairs); note != "" {
		r.Notes = append(r.Notes, note)
	}
	if r.Direct || r.Relay {
		if err := s.handOver(ctx, r); err != nil {
			r.Notes = append(r.Notes, fmt.Sprintf("the peer may not have this report: %v", err))
		}
	}
	return r, nil
}

// turnStall is how long pion can stop checking: it creates TURN
// permissions (RFC 8656 §9) inside the agent's loop, so while a lost
// CreatePermission is retransmitted (pion/turn: 200, 400, 800 ms) that side
// neither checks nor answers. Its pairs and the peer's fail meanwhile, and
// come back when the queued checks are answered.
const turnStall = 1400 * time.Millisecond

// grace is how long after the window a verdict may still change: the
// nomination's round trip, a few rounds of checks, and a stalled peer.
func (s *Session) grace() time.Duration {
	return 2*s.o.RTTAllowance + 4*s.o.CheckInterval + turnStall
}

// awaitVerdicts polls the pairs until one is selected, or the window and
// the grace have passed.
func (s *Session) awaitVerdicts(ctx context.Context) ([]snap, error) {
	grace := s.grace()
	tick := time.NewTicker(s.o.CheckInterval)
	defer tick.Stop()
	for {
		ps := s.snapshot()
		switch {
		case len(ps) > s.pairCap:
			return ps, nil
		case selected(ps):
			return ps, nil
		case time.Since(s.start) >= s.window+grace:
			return ps, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("connectivity checks: %w", ctx.Err())
		case <-tick.C:
		}
	}
}

func selected(ps []snap) bool {
	for _, p := range ps {
		if p.Selected {
			return true
		}
	}
	return false
}

// bestPair picks the pair to measure a path on: the selected pair when it
// is of that kind, else the succeeded one with the shortest check RTT.
func bestPair(ps []snap, path Path) (snap, bool) {
	var best snap
	found := false
	for _, p := range ps {
		if p.State != StateSucceeded || !p.hasID || p.Path() != path {
			continue
		}
		switch {
		case p.Selected:
			return p, true
		case !found || p.CheckRTT < best.CheckRTT:
			best, found = p, true
		}
	}
	return best, found
}

// stopStorm ends the checks when peer-reflexive candidates multiply: two
// NATs that map per destination (RFC 4787 §4.1) and filter nothing answer
// every check from a new port, which pion takes for a new candidate and
// checks in turn, so the pairs grow fourfold per round. Closing the agent
// is the only way to stop pion.
func (s *Session) stopStorm(ps []snap) bool {
	if len(ps) <= s.pairCap {
		return false
	}
	_ = s.agent.GracefulClose()
	return true
}

func stormNote(n int) string {
	return fmt.Sprintf("checks stopped at %d pairs: every check was answered from a new port (both NATs map per destination), "+
		"so peer-reflexive candidates kept multiplying; no path was measured", n)
}
