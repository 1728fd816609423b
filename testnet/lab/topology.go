package lab

// link is a veth pair whose ends are created directly inside two lab
// namespaces (nothing ever appears in the root namespace).
type link struct {
	aNS, aIf string
	bNS, bIf string
}

// address is an interface address in CIDR notation.
type address struct {
	ns, dev, cidr string
}

// route is a static route; dst may be "default" only in namespaces whose
// next hop is another lab namespace.
type route struct {
	ns, dst, via string
}

// ruleset is an nftables script loaded into one namespace.
type ruleset struct {
	ns   string
	spec natSpec
}

// blackhole is a route that silently discards what it matches.
type blackhole struct {
	ns, dst string
}

// bridge is a Linux bridge created inside one lab namespace, with veth
// ends of that namespace as its ports.
type bridge struct {
	ns, name string
	ports    []string
}

// sysctl is a per-namespace kernel setting (besides ip_forward).
type sysctl struct {
	ns, key, value string
}

// topology is everything Build creates, as data.
type topology struct {
	ns        Namespaces
	links     []link
	bridges   []bridge
	addresses []address
	routes    []route
	// blackholes drop forwarded packets without an ICMP error.
	blackholes []blackhole
	// forwarders get net.ipv4.ip_forward=1.
	forwarders []string
	sysctls    []sysctl
	rulesets   []ruleset
}

// site is one client behind its own NAT (or access router) on the internet
// router's 198.51.100.0/24 segment: the client's, or the peer's.
type site struct {
	kind    Kind
	loss    int
	hairpin bool
	// cgn (KindDoubleNAT only), nat and client are the namespaces.
	cgn, nat, client string
	// inetIf is the internet router's veth end towards the site.
	inetIf string
	// public is the outermost NAT's public address.
	public string
	// lanNet, lanRouter and lanClient are the client LAN, the home NAT's
	// address on it and the client's.
	lanNet, lanRouter, lanClient string
	// openNet, openRouter and openClient are KindOpen's public /28, its
	// access router's address on it and the client's.
	openNet, openRouter, openClient string
}

// sitesFor returns the client's site and, with o.Peer, the peer's.
func sitesFor(o Options, n Namespaces) []site {
	sites := []site{{
		kind: o.Kind, loss: o.LossPercent, hairpin: o.Hairpin,
		cgn: n.CGN, nat: n.NAT, client: n.Client, inetIf: ifInetNAT, public: NATPublicIP,
		lanNet: "10.10.0.0/24", lanRouter: NATLANIP, lanClient: ClientLANIP,
		openNet: "198.51.100.48/28", openRouter: OpenRouterIP, openClient: OpenClientIP,
	}}
	if p := o.Peer; p != nil {
		sites = append(sites, site{
			kind: p.Kind, loss: p.LossPercent, hairpin: p.Hairpin,
			cgn: n.CGN2, nat: n.NAT2, client: n.Client2, inetIf: ifInetNAT2, public: NAT2PublicIP,
			lanNet: "10.20.0.0/24", lanRouter: NAT2LANIP, lanClient: Client2LANIP,
			openNet: "198.51.100.64/28", openRouter: OpenRouter2IP, openClient: OpenClient2IP,
		})
	}
	return sites
}

// planTopology lays out the namespaces for o. It is a pure function.
func planTopology(o Options) topology {
	n := namespacesFor(o)
	t := topology{ns: n}
	sites := sitesFor(o, n)

	// Server and internet router. With a peer the NATs share the router's
	// 198.51.100.0/24 segment through a bridge, so each reaches the other's
	// public address directly.
	natSide := ifInetNAT
	if len(sites) > 1 {
		natSide = ifInetBridge
		t.bridges = append(t.bridges, bridge{n.Internet, ifInetBridge, []string{ifInetNAT, ifInetNAT2}})
	}
	t.links = append(t.links, link{n.Server, ifServer, n.Internet, ifInetServer})
	t.addresses = append(t.addresses,
		address{n.Server, ifServer, ServerPrimaryIP + "/24"},
		address{n.Server, ifServer, ServerAlternateIP + "/24"},
		address{n.Internet, ifInetServer, InternetServerSideIP + "/24"},
		address{n.Internet, natSide, InternetNATSideIP + "/24"},
	)
	t.routes = append(t.routes, route{n.Server, "198.51.100.0/24", InternetServerSideIP})
	// Private destinations (a client's host candidates, which a TURN server
	// relays ICE checks to) leave the server towards the router, which
	// drops them silently, as the internet does. Without a route the
	// server's sendto fails with ENETUNREACH, and coturn then tears down the
	// whole allocation.
	for _, dst := range []string{"10.0.0.0/8", "100.64.0.0/10"} {
		t.routes = append(t.routes, route{n.Server, dst, InternetServerSideIP})
		t.blackholes = append(t.blackholes, blackhole{n.Internet, dst})
	}
	t.forwarders = append(t.forwarders, n.Internet)
	for _, s := range sites {
		t.addSite(s, len(sites) > 1)
	}
	return t
}

// addSite lays out one site: its NAT boxes, client, and their rules.
// shared says the segment holds other sites too.
func (t *topology) addSite(s site, shared bool) {
	n := t.ns
	// outer is the box holding the public address.
	outer := s.nat
	if s.kind == KindDoubleNAT {
		outer = s.cgn
	}
	t.links = append(t.links, link{n.Internet, s.inetIf, outer, ifWAN})
	t.addresses = append(t.addresses, address{outer, ifWAN, s.public + "/24"})
	t.routes = append(t.routes, route{outer, "203.0.113.0/24", InternetNATSideIP})

	if s.kind == KindDoubleNAT {
		t.links = append(t.links, link{s.cgn, ifLAN, s.nat, ifWAN})
		t.addresses = append(t.addresses,
			address{s.cgn, ifLAN, CGNInsideIP + "/10"},
			address{s.nat, ifWAN, HomeNATWANIP + "/10"},
		)
		t.routes = append(t.routes, route{s.nat, "default", CGNInsideIP})
		t.forwarders = append(t.forwarders, s.cgn)
		t.rulesets = append(t.rulesets, ruleset{s.cgn, natSpec{
			mode: modeMasquerade, wan: ifWAN, lan: ifLAN,
			public: s.public, lanNet: "100.64.0.0/10",
			hairpin: s.hairpin,
		}})
	}

	// Home NAT (or access router) and client.
	t.links = append(t.links, link{s.nat, ifLAN, s.client, ifClient})
	t.forwarders = append(t.forwarders, s.nat)
	home := natSpec{
		wan: ifWAN, lan: ifLAN,
		public: s.public, lanNet: s.lanNet,
		lossPercent: s.loss,
	}
	if s.kind == KindOpen {
		t.addresses = append(t.addresses,
			address{s.nat, ifLAN, s.openRouter + "/28"},
			address{s.client, ifClient, s.openClient + "/28"},
		)
		t.routes = append(t.routes,
			route{n.Internet, s.openNet, s.public},
			route{s.client, "default", s.openRouter},
		)
		if shared {
			// The other sites' NATs see the client's address as on-link
			// (inside 198.51.100.0/24): the access router answers their ARP.
			t.sysctls = append(t.sysctls, sysctl{s.nat, "net.ipv4.conf." + ifWAN + ".proxy_arp", "1"})
		}
	} else {
		t.addresses = append(t.addresses,
			address{s.nat, ifLAN, s.lanRouter + "/24"},
			address{s.client, ifClient, s.lanClient + "/24"},
		)
		t.routes = append(t.routes, route{s.client, "default", s.lanRouter})
	}
	switch s.kind {
	case KindOpen:
		home.mode = modeRoute
	case KindFullCone:
		home.mode = modeFullCone
		home.hairpin = s.hairpin
	case KindRestrictedCone:
		home.mode = modeRestrictedCone
		home.hairpin = s.hairpin
	case KindPortRestrictedCone:
		home.mode = modeMasquerade
		home.hairpin = s.hairpin
	case KindAddressDependent:
		home.mode = modeAddressDependent
	case KindSymmetric:
		home.mode = modeSymmetric
	case KindUDPBlocked:
		home.mode = modeMasquerade
		home.blockUDP = true
	case KindDoubleNAT:
		// The home NAT's public side is the CGN link; hairpinning is the
		// CGN's job (it owns the public address).
		home.mode = modeMasquerade
		home.public = HomeNATWANIP
	}
	t.rulesets = append(t.rulesets, ruleset{s.nat, home})
}
