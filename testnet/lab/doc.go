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
// Safety rules the package enforces: every namespace name starts with
// "nclab-"; nothing is ever created or changed in the root namespace (veth
// pairs are created directly inside the lab namespaces); no namespace has a
// route that leaves the lab; processes are only ever stopped by the PID the
// lab recorded, or because they live inside a lab namespace.
//
// Everything here drives the ip, nft and conntrack commands through os/exec
// and needs root. Tests that use the package should skip when Available
// reports a missing prerequisite.
package lab
