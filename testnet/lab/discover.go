package lab

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"sync"
)

// Discovery is coturn natdiscovery's verdict on a lab, aggregated over
// repeated runs so that packet loss cannot fake a result:
//
//   - Mapping comes from the first clean mapping run (every request
//     answered). natdiscovery sends each request once and, when an answer
//     is lost, compares against the previous mapped address, which would
//     fake endpoint-independent mapping.
//   - Filtering is the most permissive verdict of the runs whose first
//     request was answered: loss can only hide answers, never invent them.
//     "none" or "endpoint-independent" decide at once, anything stricter
//     after Confirmations such runs.
//   - Hairpinning is true as soon as one run receives its own request, and
//     false after Confirmations measuring runs without.
//   - UDPBlocked is true when Confirmations runs of every section got no
//     answer at all.
type Discovery struct {
	// Mapping and Filtering use the Behavior* spelling; "" when undecided.
	Mapping, Filtering string
	// PortPreserved is whether the clean mapping run's first mapped port
	// equals its local port (nil when there was no clean run).
	PortPreserved *bool
	// Hairpinning is nil when undecided.
	Hairpinning *bool
	// UDPBlocked: no natdiscovery request was ever answered.
	UDPBlocked bool
	// Rounds is the number of rounds run.
	Rounds int
	// Runs holds every natdiscovery run, in completion order per round.
	Runs []DiscoveryResult
}

// Discover runs coturn's turnutils_natdiscovery in the client namespace
// against a coturn started with StartCoturn, repeating runs as described on
// Discovery, and returns the aggregated verdict. Undecided fields stay empty
// when MaxRounds is reached; that is not an error.
func (l *Lab) Discover(ctx context.Context, opts DiscoverOptions) (Discovery, error) {
	opts = opts.withDefaults(l.opts.LossPercent)
	st := &discoveryState{
		opts:      opts,
		measuring: map[DiscoverySection]int{},
		silent:    map[DiscoverySection]int{},
	}
	for round := 1; round <= opts.MaxRounds; round++ {
		var todo []DiscoverySection
		for _, s := range opts.Sections {
			if !st.decided(s) {
				todo = append(todo, s)
			}
		}
		if len(todo) == 0 || st.udpBlocked() {
			break
		}
		st.out.Rounds = round
		results, err := l.discoveryRound(ctx, opts.Server, todo, opts.Parallel)
		for _, r := range results {
			st.add(r)
		}
		if err != nil {
			return st.out, err
		}
	}
	st.out.UDPBlocked = st.udpBlocked()
	return st.out, nil
}

// discoveryRound runs parallel natdiscovery processes for every section
// concurrently and returns all results.
func (l *Lab) discoveryRound(ctx context.Context, server netip.AddrPort, sections []DiscoverySection, parallel int) ([]DiscoveryResult, error) {
	var (
		mu      sync.Mutex
		wg      sync.WaitGroup
		results []DiscoveryResult
		errs    []error
	)
	for _, s := range sections {
		for range parallel {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r, err := l.Natdiscovery(ctx, s, server)
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					errs = append(errs, err)
					return
				}
				results = append(results, r)
			}()
		}
	}
	wg.Wait()
	if len(errs) > 0 {
		return results, fmt.Errorf("lab: discover: %w", errors.Join(errs...))
	}
	return results, nil
}
