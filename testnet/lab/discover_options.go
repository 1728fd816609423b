package lab

import (
	"math"
	"net/netip"
)

// DiscoverOptions configure Lab.Discover. Zero fields take defaults
// derived from the lab's loss (see Discovery).
type DiscoverOptions struct {
	// Server is coturn's primary address (default ServerPrimaryIP:CoturnPort).
	Server netip.AddrPort
	// Sections to run (default mapping, filtering and hairpinning).
	Sections []DiscoverySection
	// Confirmations is how many measuring runs a verdict that a lost answer
	// could have faked needs. Default: 1 without loss, otherwise enough that
	// losing the deciding answer in all of them has a probability below
	// 1e-4 (10 at 20% loss).
	Confirmations int
	// Parallel is the number of concurrent natdiscovery runs per undecided
	// section and round. Default: 1 without loss, otherwise 1.4 times the
	// runs needed on average for Confirmations measuring ones (22 at 20%),
	// so that one round usually decides; at most 32.
	Parallel int
	// MaxRounds bounds the rounds (default 1 without loss, 4 with loss).
	MaxRounds int
}

// Bounds of the derived defaults.
const (
	maxConfirmations   = 30
	maxParallel        = 32
	fakeVerdictBudget  = 1e-4
	defaultLossyRounds = 4
	// parallelSlack makes one round usually bring enough measuring runs
	// (not just on average).
	parallelSlack = 1.4
)

// withDefaults fills the zero fields of o for a lab with loss percent loss.
func (o DiscoverOptions) withDefaults(loss int) DiscoverOptions {
	if !o.Server.IsValid() {
		o.Server = netip.AddrPortFrom(netip.MustParseAddr(ServerPrimaryIP), CoturnPort)
	}
	if len(o.Sections) == 0 {
		o.Sections = []DiscoverySection{SectionMapping, SectionFiltering, SectionHairpinning}
	}
	// A request and its answer both cross the lossy NAT.
	roundTrip := math.Pow(1-float64(loss)/100, 2)
	if o.Confirmations <= 0 {
		o.Confirmations = 1
		if loss > 0 && roundTrip > 0 {
			c := math.Ceil(math.Log(fakeVerdictBudget) / math.Log(1-roundTrip))
			o.Confirmations = int(min(max(c, 1), maxConfirmations))
		} else if loss > 0 {
			o.Confirmations = maxConfirmations
		}
	}
	if o.Parallel <= 0 {
		o.Parallel = 1
		if loss > 0 {
			p := maxParallel
			if roundTrip > 0 {
				p = int(min(math.Ceil(parallelSlack*float64(o.Confirmations)/roundTrip), maxParallel))
			}
			o.Parallel = p
		}
	}
	if o.MaxRounds <= 0 {
		o.MaxRounds = 1
		if loss > 0 {
			o.MaxRounds = defaultLossyRounds
		}
	}
	return o
}
