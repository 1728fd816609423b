package gather

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/pion/ice/v4"
	"github.com/pion/transport/v4"
	"github.com/pion/transport/v4/stdnet"
)

// env is what one run shares.
type env struct {
	opts  Options
	net   transport.Net
	log   *capture
	cands *collector
}

// plan is the parsed configuration: the agents to run and the TURN
// servers to diagnose.
type plan struct {
	sources []source
	targets []target
}

// newPlan parses every server, so that a typo fails before any packet.
func newPlan(ctx context.Context, o Options, n transport.Net) (plan, error) {
	p := plan{sources: []source{{types: []ice.CandidateType{ice.CandidateTypeHost}}}}
	for _, s := range o.STUN {
		u, err := parseSTUN(s)
		if err != nil {
			return plan{}, err
		}
		p.sources = append(p.sources, source{name: nameOf(u), uri: u,
			types: []ice.CandidateType{ice.CandidateTypeServerReflexive}})
	}
	for _, t := range o.TURN {
		u, err := parseTURN(t)
		if err != nil {
			return plan{}, err
		}
		tg := target{server: t, uri: u, name: nameOf(u), transport: transportOf(u)}
		p.targets = append(p.targets, tg)
		p.sources = append(p.sources, turnSource(ctx, o, n, tg))
	}
	return p, nil
}

// turnSource is the agent of a TURN server: its relay candidate and, over
// UDP, the server-reflexive one it also yields (as a browser lists them).
func turnSource(ctx context.Context, o Options, n transport.Net, t target) source {
	s := source{name: t.name, uri: t.uri, types: []ice.CandidateType{ice.CandidateTypeServerReflexive, ice.CandidateTypeRelay}}
	if t.transport != TransportUDP {
		s.types = []ice.CandidateType{ice.CandidateTypeRelay}
		s.dialer = &iceDialer{ctx: ctx, net: n, tls: o.TLS, host: t.uri.Host, tlsOn: t.transport == TransportTLS}
	}
	return s
}

// Run gathers candidates from every server at once, one ICE agent per
// server, while it diagnoses every TURN server with its own allocation.
// It returns when all are done or ctx ends; what was not done by then is
// marked so in the result (Complete false, TURN failures named timeout).
// The error is for a configuration that cannot run at all.
func Run(ctx context.Context, o Options) (Result, error) {
	start := time.Now()
	n := o.Net
	if n == nil {
		var err error
		if n, err = stdnet.NewNet(); err != nil {
			return Result{}, fmt.Errorf("gather: host network: %w", err)
		}
	}
	if err := o.Validate(); err != nil {
		return Result{}, fmt.Errorf("gather: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	p, err := newPlan(ctx, o, n)
	if err != nil {
		return Result{}, fmt.Errorf("gather: %w", err)
	}
	e := &env{opts: o, net: n, log: newCapture(o.Logger, o.secrets()), cands: &collector{start: start}}
	res := Result{TURN: make([]TURNResult, len(p.targets)), Complete: true}
	var wg sync.WaitGroup
	var mu sync.Mutex
	stopSource := map[string]context.CancelFunc{}
	for _, s := range p.sources {
		sctx, scancel := context.WithCancel(ctx)
		stopSource[s.name] = scancel
		wg.Go(func() {
			defer scancel()
			if !e.gatherFrom(sctx, s) {
				mu.Lock()
				res.Complete = false
				mu.Unlock()
			}
		})
	}
	for i, t := range p.targets {
		wg.Go(func() {
			res.TURN[i] = e.diagnose(ctx, t)
			if silentUDP(t, res.TURN[i]) && stopSource[t.name] != nil {
				// The server said nothing at all over UDP: ice's own
				// allocation there would only wait out pion's 8 s.
				stopSource[t.name]()
			}
		})
	}
	wg.Wait()
	res.Candidates, res.Warnings, res.Duration = e.cands.close(), e.log.close(), time.Since(start)
	return res, nil
}

// silentUDP reports a UDP TURN server that sent nothing back at all.
func silentUDP(t target, r TURNResult) bool {
	return t.transport == TransportUDP && !r.OK && errors.Is(r.Err, FailureTimeout) && r.MappedAddress == ""
}
