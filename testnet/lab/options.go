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
	// Peer, when set, adds a second client behind its own NAT (namespaces
	// Prefix + "-nat2" and "-cli2", plus "-cgn2" for KindDoubleNAT), on the
	// internet router's 198.51.100.0/24 segment beside the first NAT, for
	// tests between two NATed hosts (natcheck pair).
	Peer *PeerOptions
	// Prefix names the namespaces (Prefix + "-srv" and so on). It must start
	// with NamespacePrefix and contain only [a-z0-9-]. Use a prefix unique to
	// the run, e.g. fmt.Sprintf("nclab-%d", os.Getpid()).
	Prefix string
	// Logf, when set, receives one line per lab event (namespaces created,
	// processes started and stopped). Tests pass t.Logf.
	Logf func(format string, args ...any)
}

// PeerOptions configure the peer site: the second client (10.20.0.2, or
// 198.51.100.66 for KindOpen) behind its own NAT with public address
// 198.51.100.3. The NAT recipes are those of Options.Kind.
type PeerOptions struct {
	// Kind is the peer NAT's behaviour. Required.
	Kind Kind
	// LossPercent drops that share of the packets the peer's home NAT
	// forwards, as Options.LossPercent does for the first NAT.
	LossPercent int
	// Hairpin makes the peer's outermost NAT hairpin, as Options.Hairpin.
	Hairpin bool
}

// validate checks o and returns a descriptive error for the first problem.
func (o Options) validate() error {
	if err := validateKindLoss("", o.Kind, o.LossPercent); err != nil {
		return err
	}
	if o.Peer != nil {
		if err := validateKindLoss("peer ", o.Peer.Kind, o.Peer.LossPercent); err != nil {
			return err
		}
	}
	return validatePrefix(o.Prefix)
}

// validateKindLoss checks one site's kind and loss.
func validateKindLoss(what string, k Kind, loss int) error {
	if !k.Valid() {
		return fmt.Errorf("lab: options: invalid %skind %d", what, int(k))
	}
	if loss < 0 || loss > 100 {
		return fmt.Errorf("lab: options: %sloss %d%% out of range 0..100", what, loss)
	}
	return nil
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
