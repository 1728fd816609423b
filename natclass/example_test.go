package natclass_test

import (
	"fmt"
	"net/netip"

	"github.com/natcheck/natcheck/natclass"
)

// A host behind a port-restricted cone NAT, as an RFC 5780 server and a
// plain server saw it.
func ExampleClassify() {
	ap := netip.MustParseAddrPort
	server, other := ap("203.0.113.10:3478"), ap("203.0.113.11:3479")
	mapped := ap("198.51.100.2:49152")
	r := natclass.Classify(natclass.Observations{
		LocalAddrs: []netip.Addr{netip.MustParseAddr("10.1.0.2")},
		Survey:     ap("10.1.0.2:40000"),
		Servers: []natclass.ServerObs{
			{Address: server, Answered: true, Mapped: mapped, Other: other},
			{Address: ap("198.51.100.20:3478"), Answered: true, Mapped: mapped},
		},
		Mapping: []natclass.MappingObs{{Server: server, Other: other, Primary: mapped, AltIP: mapped, AltIPPort: mapped}},
		Filtering: []natclass.FilteringObs{{Server: server, Other: other, Baseline: true,
			ChangeIPPort: natclass.ChangeObs{Outcome: natclass.NoReply, Attempts: 6},
			ChangePort:   natclass.ChangeObs{Outcome: natclass.NoReply, Attempts: 6}}},
		Hairpin: natclass.HairpinObs{Mapped: ap("198.51.100.2:49153"), Outcome: natclass.Replied, Attempts: 1},
		Ports: []natclass.PortSample{
			{Local: ap("10.1.0.2:40000"), Mapped: mapped},
			{Local: ap("10.1.0.2:40001"), Mapped: ap("198.51.100.2:49153")},
			{Local: ap("10.1.0.2:40002"), Mapped: ap("198.51.100.2:49154")},
		},
	})
	fmt.Println("NAT:", r.NAT)
	fmt.Println("mapping:", r.Mapping)
	fmt.Println("filtering:", r.Filtering)
	fmt.Println("type:", r.Type.Title())
	fmt.Println("hairpinning:", r.Hairpinning)
	fmt.Printf("ports: %s %+d\n", r.PortAllocation, r.PortDelta)
	for _, e := range r.FilteringWhy.Evidence {
		fmt.Println(e)
	}
	// Output:
	// NAT: true
	// mapping: endpoint-independent
	// filtering: address-and-port-dependent
	// type: Port Restricted Cone
	// hairpinning: true
	// ports: sequential +1
	// 203.0.113.10:3478: no reply to change IP+port after 6 attempt(s), nor to change port after 6: address-and-port-dependent
}
