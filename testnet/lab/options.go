package lab

import (
	"fmt"
	"strings"
)

// maxPrefixLen keeps namespace names short and readable; the kernel does not
// limit them, but `ip netns` output stays on one line.
const maxPrefixLen = 40

// Options configure Build.
type Options struct {
	// Kind is the NAT behaviour to build. Required.
	Kind Kind
	// LossPercent, when above zero, drops that percentage of the packets the
	// home NAT forwards, in both directions (nftables numgen; sch_netem is
	// not needed). 0..100.
	LossPercent int
	// Hairpin makes the NAT that owns the public address hairpin (for the
	// port-preserving kinds; ignored otherwise). See Kind.Expect for what a
	// discovery should then observe.
	Hairpin bool
	// Prefix names the namespaces (Prefix + "-srv" and so on). It must start
	// with NamespacePrefix and contain only [a-z0-9-]. Use a prefix unique to
	// the run, e.g. fmt.Sprintf("nclab-%d", os.Getpid()).
	Prefix string
	// Logf, when set, receives one line per lab event (namespaces created,
	// processes started and stopped). Tests pass t.Logf.
	Logf func(format string, args ...any)
}

// validate checks o and returns a descriptive error for the first problem.
func (o Options) validate() error {
	if !o.Kind.Valid() {
		return fmt.Errorf("lab: options: invalid kind %d", int(o.Kind))
	}
	if o.LossPercent < 0 || o.LossPercent > 100 {
		return fmt.Errorf("lab: options: loss %d%% out of range 0..100", o.LossPercent)
	}
	return validatePrefix(o.Prefix)
}

// validatePrefix enforces the naming rule for lab namespaces.
func validatePrefix(p string) error {
	if !strings.HasPrefix(p, NamespacePrefix) || len(p) == len(NamespacePrefix) {
		return fmt.Errorf("lab: prefix %q must start with %q and name something", p, NamespacePrefix)
	}
	if len(p) > maxPrefixLen {
		return fmt.Errorf("lab: prefix %q longer than %d characters", p, maxPrefixLen)
	}
	for _, r := range p {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return fmt.Errorf("lab: prefix %q: character %q not in [a-z0-9-]", p, r)
		}
	}
	return nil
}

// logf calls o.Logf when it is set.
func (o Options) logf(format string, args ...any) {
	if o.Logf != nil {
		o.Logf(format, args...)
	}
}
