// Package lab builds a real-kernel NAT laboratory out of Linux network
// namespaces, veth pairs and nftables rules, so that natcheck (and third-party
// tools such as coturn's turnutils_natdiscovery) can be run against NATs whose
// behaviour is known in advance.
//
// A lab for prefix P consists of these namespaces:
//
//	P-srv   the "server": 203.0.113.10 and 203.0.113.11 on one veth
//	P-inet  the internet router: 203.0.113.1 (server side), 198.51.100.1 (NAT side)
//	P-cgn   only for KindDoubleNAT: carrier-grade NAT, public 198.51.100.2,
//	        100.64.0.1/10 towards the home NAT
//	P-nat   the NAT under test: public 198.51.100.2 (or 100.64.0.2 behind the
//	        CGN), LAN 10.10.0.1/24
//	P-cli   the client: 10.10.0.2/24, default route via 10.10.0.1
//	        (KindOpen: 198.51.100.50, no NAT at all)
//
// With Options.Peer, a second site of its own Kind joins, for pair tests:
//
//	P-nat2  the peer's NAT: public 198.51.100.3, LAN 10.20.0.1/24
//	P-cli2  the peer: 10.20.0.2 (an open peer: 198.51.100.66 behind .65)
//	P-cgn2  only for a double-NAT peer
//
// The internet router then bridges both NAT links on 198.51.100.0/24. The
// server routes 10.0.0.0/8 and 100.64.0.0/10 into a blackhole, as the real
// internet drops them: without that, coturn closes an allocation whose peer
// (an ICE host candidate) is unroutable.
//
// Safety rules the package enforces: every namespace name starts with
// "nclab-"; nothing is ever created or changed in the root namespace (veth
// pairs are created directly inside the lab namespaces); no namespace has a
// route that leaves the lab; processes are only ever stopped by the PID the
// lab recorded, or because they live inside a lab namespace.
//
// Everything here drives the ip, nft and conntrack commands through os/exec
// and needs root. Tests that use the package should skip when Available
// reports a missing prerequisite.
//
// Typical use in an integration test:
//
//	if err := lab.Available("turnserver"); err != nil {
//		t.Skip(err)
//	}
//	l, err := lab.Build(ctx, lab.Options{
//		Kind:   lab.KindSymmetric,
//		Prefix: fmt.Sprintf("nclab-it%d-%d", os.Getpid(), n), // unique per run
//	})
//	if err != nil {
//		t.Fatal(err)
//	}
//	defer l.Close()
//	coturn, err := l.StartCoturn(ctx, lab.CoturnOptions{}) // 3478/3479
//	srv, err := l.Start(ctx, l.Namespaces().Server, natcheckBin, "server",
//		"--primary", lab.ServerPrimaryIP, "--alternate", lab.ServerAlternateIP,
//		"--port", "3480", "--alt-port", "3481")
//	err = l.WaitSTUN(ctx, l.Namespaces().Server, netip.MustParseAddrPort("203.0.113.10:3480"))
//	out, err := l.Exec(ctx, l.Namespaces().Client, natcheckBin, "--format", "json", ...)
//	want := l.Expect() // mapping, filtering, type, port allocation, hairpinning
//
// The NAT recipes (nftables, see Lab.Ruleset for the exact script):
//
//   - open: no NAT; the client owns 198.51.100.50 behind a plain router.
//   - full-cone: masquerade; an nftables map, filled after srcnat from every
//     outbound packet (mapped port -> inner address . port), DNATs inbound
//     packets from anyone to a live mapped port.
//   - restricted-cone: as full-cone, but inbound packets are DNATed only
//     when the set of (mapped port . remote address) pairs learnt from
//     outbound packets holds their source address.
//   - port-restricted-cone: plain masquerade (Linux keeps the source port
//     when free; conntrack only lets exact replies in).
//   - address-dependent: SNAT to a port picked from 20000-29999 by
//     jhash(inner address . inner port . remote address).
//   - symmetric: masquerade random,fully-random.
//   - udp-blocked: masquerade, and UDP forwarded from the LAN is dropped.
//   - double-nat: masquerading home NAT behind a masquerading CGN
//     (100.64.0.0/10 between them).
//
// Every translating box drops unsolicited UDP that would end in its own
// input path before conntrack confirms it, so that such packets cannot
// occupy a tuple a later outbound packet of the same mapping needs. Loss is
// a forward-chain rule (numgen random mod 100 < N drop) on the home NAT;
// Hairpin adds DNAT of LAN packets to the public address (through the
// learnt map) plus SNAT to the public address on the NAT that owns it.
package lab
