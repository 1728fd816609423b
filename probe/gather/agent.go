package gather

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/pion/ice/v4"
	"github.com/pion/stun/v3"
)

// source is one ICE agent's job: the host candidates, or the candidates
// that one server yields. One agent per server is how a candidate knows
// its server: pion's candidates do not say which URL produced them, and a
// relay's address need not be its server's.
type source struct {
	name   string    // the server's URL without credentials; "" for host
	uri    *stun.URI // nil for host
	types  []ice.CandidateType
	dialer *iceDialer // TURN over TCP or TLS
}

// iceNetworks are the enabled networks as ice's types.
func (e *env) iceNetworks() []ice.NetworkType {
	names := map[Network]ice.NetworkType{UDP4: ice.NetworkTypeUDP4, UDP6: ice.NetworkTypeUDP6,
		TCP4: ice.NetworkTypeTCP4, TCP6: ice.NetworkTypeTCP6}
	var out []ice.NetworkType
	for _, n := range e.opts.networks() {
		if t, ok := names[n]; ok {
			out = append(out, t)
		}
	}
	return out
}

// agentOptions configures the agent of s.
func (e *env) agentOptions(ctx context.Context, s source) []ice.AgentOption {
	opts := []ice.AgentOption{
		ice.WithNet(e.net),
		ice.WithCandidateTypes(s.types),
		ice.WithNetworkTypes(e.iceNetworks()),
		ice.WithTURNTransportProtocols(e.iceNetworks()),
		ice.WithMulticastDNSMode(ice.MulticastDNSModeDisabled),
		ice.WithLoggerFactory(e.log),
	}
	if s.uri != nil {
		opts = append(opts, ice.WithUrls([]*stun.URI{s.uri}))
	}
	// A STUN answer comes within an RTT: like the check, wait NoAnswerAfter
	// for one, not the whole run (a silent server would hold it to the cap).
	wait := NoAnswerAfter
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) > 0 {
		wait = min(wait, time.Until(dl))
	}
	opts = append(opts, ice.WithSTUNGatherTimeout(wait))
	if e.opts.IPFilter != nil {
		opts = append(opts, ice.WithIPFilter(e.opts.IPFilter))
	}
	if e.opts.IncludeLoopback {
		opts = append(opts, ice.WithIncludeLoopback())
	}
	if s.dialer != nil {
		opts = append(opts, ice.WithProxyDialer(s.dialer))
	}
	return opts
}

// gatherFrom runs one agent until its gathering completes or ctx ends, and
// reports whether it completed.
func (e *env) gatherFrom(ctx context.Context, s source) bool {
	agent, err := ice.NewAgentWithOptions(e.agentOptions(ctx, s)...)
	if err != nil {
		e.log.keep(fmt.Sprintf("gather: ice agent for %q: %v", s.name, err))
		return false
	}
	done := make(chan struct{})
	err = agent.OnCandidate(func(c ice.Candidate) {
		if c == nil {
			close(done)
			return
		}
		e.cands.add(c, s.name)
	})
	if err == nil {
		err = agent.GatherCandidates()
	}
	if err != nil {
		_ = agent.Close()
		e.log.keep(fmt.Sprintf("gather: %q: %v", s.name, err))
		return false
	}
	select {
	case <-done:
		_ = agent.GracefulClose()
		return true
	case <-ctx.Done():
		// Closing waits for the task in progress, which may be a TURN
		// allocation that outlives ctx (pion's client takes no context):
		// let it finish aside.
		go func() { _ = agent.Close() }()
		return false
	}
}

// collector gathers the candidates of every agent, stamped with their
// arrival time, until it is closed.
type collector struct {
	start time.Time

	mu     sync.Mutex
	list   []Candidate
	closed bool
}

func (c *collector) add(ic ice.Candidate, server string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.closed {
		c.list = append(c.list, candidateOf(ic, server, time.Since(c.start)))
	}
}

// close stops collecting and returns the candidates in order of arrival.
func (c *collector) close() []Candidate {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	out := append([]Candidate{}, c.list...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].At < out[j].At })
	return out
}

// candidateOf converts one of ice's candidates.
func candidateOf(c ice.Candidate, server string, at time.Duration) Candidate {
	out := Candidate{
		Type: c.Type().String(), Protocol: c.NetworkType().NetworkShort(),
		Address: c.Address(), Port: c.Port(), Priority: c.Priority(), Foundation: c.Foundation(),
		Server: server, At: at,
	}
	if ra := c.RelatedAddress(); ra != nil {
		out.RelatedAddress, out.RelatedPort = ra.Address, ra.Port
	}
	if r, ok := c.(*ice.CandidateRelay); ok {
		out.RelayProtocol = r.RelayProtocol()
	}
	return out
}
