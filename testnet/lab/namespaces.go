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
	// CGN2 is the peer's carrier-grade NAT; empty unless Options.Peer has
	// KindDoubleNAT.
	CGN2 string
	// NAT2 is the NAT in front of the peer client (Options.Peer); empty
	// without a peer.
	NAT2 string
	// Client2 is the peer client (Options.Peer); empty without a peer.
	Client2 string
}

// namespacesFor derives the namespace names for o's prefix, kind and peer.
func namespacesFor(o Options) Namespaces {
	n := Namespaces{
		Server:   o.Prefix + "-srv",
		Internet: o.Prefix + "-inet",
		NAT:      o.Prefix + "-nat",
		Client:   o.Prefix + "-cli",
	}
	if o.Kind == KindDoubleNAT {
		n.CGN = o.Prefix + "-cgn"
	}
	if o.Peer != nil {
		n.NAT2, n.Client2 = o.Prefix+"-nat2", o.Prefix+"-cli2"
		if o.Peer.Kind == KindDoubleNAT {
			n.CGN2 = o.Prefix + "-cgn2"
		}
	}
	return n
}

// All returns the non-empty names: server first, then the client's site
// ending with the client, then the peer's site ending with the peer client.
func (n Namespaces) All() []string {
	out := make([]string, 0, 8)
	for _, s := range []string{n.Server, n.Internet, n.CGN, n.NAT, n.Client, n.CGN2, n.NAT2, n.Client2} {
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
