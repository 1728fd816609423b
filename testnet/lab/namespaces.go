package lab

// Namespaces names the network namespaces of one lab.
type Namespaces struct {
	// Server holds ServerPrimaryIP and ServerAlternateIP.
	Server string
	// Internet is the router between the server and the NATs.
	Internet string
	// CGN is the carrier-grade NAT; empty unless the kind is KindDoubleNAT.
	CGN string
	// NAT is the NAT in front of the client (the home NAT), or a plain
	// router for KindOpen.
	NAT string
	// Client is where the program under test runs.
	Client string
}

// namespacesFor derives the namespace names for a prefix and kind.
func namespacesFor(prefix string, k Kind) Namespaces {
	n := Namespaces{
		Server:   prefix + "-srv",
		Internet: prefix + "-inet",
		NAT:      prefix + "-nat",
		Client:   prefix + "-cli",
	}
	if k == KindDoubleNAT {
		n.CGN = prefix + "-cgn"
	}
	return n
}

// All returns the non-empty names, server first, client last.
func (n Namespaces) All() []string {
	out := make([]string, 0, 5)
	for _, s := range []string{n.Server, n.Internet, n.CGN, n.NAT, n.Client} {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// has reports whether name is one of n's namespaces.
func (n Namespaces) has(name string) bool {
	if name == "" {
		return false
	}
	for _, s := range n.All() {
		if s == name {
			return true
		}
	}
	return false
}
