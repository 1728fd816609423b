package pair

import (
	"fmt"
	"time"

	"github.com/pion/ice/v4"
)

// newAgent builds this side's ICE agent: UDP over IPv4 and IPv6, host,
// server-reflexive and relay candidates, no mDNS, fast checks, and
// nomination held back for window on every candidate type so that pion
// checks every pair before it selects one.
func newAgent(o Options, window time.Duration) (*ice.Agent, error) {
	interval, maxReq := o.CheckInterval, o.checkRounds()
	if !o.Controlling && o.PeerDelay > 0 {
		// Keep our side's filters open until the peer starts: slower checks,
		// but enough of them to cover the delay.
		interval = max(interval, 250*time.Millisecond)
		maxReq = uint16(min(int64(o.PeerDelay/interval)+int64(maxReq), 60000))
	}
	opts := []ice.AgentOption{
		ice.WithNet(o.Net),
		ice.WithUrls(o.URLs),
		ice.WithNetworkTypes([]ice.NetworkType{ice.NetworkTypeUDP4, ice.NetworkTypeUDP6}),
		ice.WithCandidateTypes([]ice.CandidateType{ice.CandidateTypeHost, ice.CandidateTypeServerReflexive, ice.CandidateTypeRelay}),
		ice.WithMulticastDNSMode(ice.MulticastDNSModeDisabled),
		ice.WithCheckInterval(interval),
		ice.WithMaxBindingRequests(maxReq),
		ice.WithHostAcceptanceMinWait(window),
		ice.WithSrflxAcceptanceMinWait(window),
		ice.WithPrflxAcceptanceMinWait(window),
		ice.WithRelayAcceptanceMinWait(window),
		// The checking phase must outlast the window and a late peer: pion
		// drops every pair when the connection fails.
		ice.WithDisconnectedTimeout(window + o.PeerDelay + 5*time.Second),
		ice.WithFailedTimeout(window + o.PeerDelay + 25*time.Second),
		ice.WithLoggerFactory(o.Logger),
	}
	a, err := ice.NewAgentWithOptions(opts...)
	if err != nil {
		return nil, fmt.Errorf("ice agent: %w", err)
	}
	return a, nil
}
