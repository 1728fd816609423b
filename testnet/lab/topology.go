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

// topology is everything Build creates, as data.
type topology struct {
	ns        Namespaces
	links     []link
	addresses []address
	routes    []route
	// forwarders get net.ipv4.ip_forward=1.
	forwarders []string
	rulesets   []ruleset
}

// planTopology lays out the namespaces for o. It is a pure function.
func planTopology(o Options) topology {
	n := namespacesFor(o.Prefix, o.Kind)
	t := topology{ns: n}

	// Server and internet router.
	t.links = append(t.links, link{n.Server, ifServer, n.Internet, ifInetServer})
	t.addresses = append(t.addresses,
		address{n.Server, ifServer, ServerPrimaryIP + "/24"},
		address{n.Server, ifServer, ServerAlternateIP + "/24"},
		address{n.Internet, ifInetServer, InternetServerSideIP + "/24"},
		address{n.Internet, ifInetNAT, InternetNATSideIP + "/24"},
	)
	t.routes = append(t.routes, route{n.Server, "198.51.100.0/24", InternetServerSideIP})
	t.forwarders = append(t.forwarders, n.Internet)

	// outer is the box holding the public address 198.51.100.2.
	outer := n.NAT
	if o.Kind == KindDoubleNAT {
		outer = n.CGN
	}
	t.links = append(t.links, link{n.Internet, ifInetNAT, outer, ifWAN})
	t.addresses = append(t.addresses, address{outer, ifWAN, NATPublicIP + "/24"})
	t.routes = append(t.routes, route{outer, "203.0.113.0/24", InternetNATSideIP})

	if o.Kind == KindDoubleNAT {
		t.links = append(t.links, link{n.CGN, ifLAN, n.NAT, ifWAN})
		t.addresses = append(t.addresses,
			address{n.CGN, ifLAN, CGNInsideIP + "/10"},
			address{n.NAT, ifWAN, HomeNATWANIP + "/10"},
		)
		t.routes = append(t.routes, route{n.NAT, "default", CGNInsideIP})
		t.forwarders = append(t.forwarders, n.CGN)
		t.rulesets = append(t.rulesets, ruleset{n.CGN, natSpec{
			mode: modeMasquerade, wan: ifWAN, lan: ifLAN,
			public: NATPublicIP, lanNet: "100.64.0.0/10",
			hairpin: o.Hairpin,
		}})
	}

	// Home NAT (or access router) and client.
	t.links = append(t.links, link{n.NAT, ifLAN, n.Client, ifClient})
	t.forwarders = append(t.forwarders, n.NAT)
	home := natSpec{
		wan: ifWAN, lan: ifLAN,
		public: NATPublicIP, lanNet: "10.10.0.0/24",
		lossPercent: o.LossPercent,
	}
	if o.Kind == KindOpen {
		t.addresses = append(t.addresses,
			address{n.NAT, ifLAN, OpenRouterIP + "/28"},
			address{n.Client, ifClient, OpenClientIP + "/28"},
		)
		t.routes = append(t.routes,
			route{n.Internet, "198.51.100.48/28", NATPublicIP},
			route{n.Client, "default", OpenRouterIP},
		)
	} else {
		t.addresses = append(t.addresses,
			address{n.NAT, ifLAN, NATLANIP + "/24"},
			address{n.Client, ifClient, ClientLANIP + "/24"},
		)
		t.routes = append(t.routes, route{n.Client, "default", NATLANIP})
	}
	switch o.Kind {
	case KindOpen:
		home.mode = modeRoute
	case KindFullCone:
		home.mode = modeFullCone
		home.hairpin = o.Hairpin
	case KindRestrictedCone:
		home.mode = modeRestrictedCone
		home.hairpin = o.Hairpin
	case KindPortRestrictedCone:
		home.mode = modeMasquerade
		home.hairpin = o.Hairpin
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
	t.rulesets = append(t.rulesets, ruleset{n.NAT, home})
	return t
}
