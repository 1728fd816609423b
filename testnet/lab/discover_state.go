package lab

// discoveryState accumulates runs into a Discovery.
type discoveryState struct {
	opts      DiscoverOptions
	out       Discovery
	measuring map[DiscoverySection]int // runs whose first request was answered
	silent    map[DiscoverySection]int // runs without any answer
}

// decided reports whether section s needs no more runs.
func (d *discoveryState) decided(s DiscoverySection) bool {
	switch s {
	case SectionMapping:
		return d.out.Mapping != ""
	case SectionFiltering:
		return d.out.Filtering == BehaviorNone || d.out.Filtering == BehaviorEndpointIndependent ||
			(d.out.Filtering != "" && d.measuring[s] >= d.opts.Confirmations)
	case SectionHairpinning:
		return d.out.Hairpinning != nil && (*d.out.Hairpinning || d.measuring[s] >= d.opts.Confirmations)
	}
	return true
}

// add folds one run into the state.
func (d *discoveryState) add(r DiscoveryResult) {
	d.out.Runs = append(d.out.Runs, r)
	if !r.FirstAnswered() {
		d.silent[r.Section]++
		return
	}
	d.measuring[r.Section]++
	switch r.Section {
	case SectionMapping:
		if d.out.Mapping == "" && r.Clean() && r.Behavior != "" {
			d.out.Mapping = r.Behavior
			preserved := r.PortPreserved()
			d.out.PortPreserved = &preserved
		}
	case SectionFiltering:
		if permissiveness(r.Behavior) > permissiveness(d.out.Filtering) {
			d.out.Filtering = r.Behavior
		}
	case SectionHairpinning:
		hp := r.HairpinReceived || (d.out.Hairpinning != nil && *d.out.Hairpinning)
		d.out.Hairpinning = &hp
	}
}

// udpBlocked reports whether every section has enough silent runs and none
// ever measured.
func (d *discoveryState) udpBlocked() bool {
	for _, s := range d.opts.Sections {
		if d.measuring[s] > 0 || d.silent[s] < d.opts.Confirmations {
			return false
		}
	}
	return true
}

// permissiveness orders filtering verdicts: a lost answer can only move a
// run's verdict down this order.
func permissiveness(b string) int {
	switch b {
	case BehaviorNone:
		return 4
	case BehaviorEndpointIndependent:
		return 3
	case BehaviorAddressDependent:
		return 2
	case BehaviorAddressAndPortDependent:
		return 1
	}
	return 0
}
