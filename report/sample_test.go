package report

// Fixtures shared by the report tests.

func ptr[T any](v T) *T { return &v }

// sample is a complete literal report: a port-restricted cone seen by an
// RFC 5780 server, a plain server, an IPv6 server and a dead one.
func sample() Report {
	return Report{
		SchemaVersion: SchemaVersion,
		Tool:          Tool,
		Command:       CommandCheck,
		Version:       "v0.1.0",
		Time:          "2025-01-02T03:04:05Z",
		DurationMs:    212.5,
		Family:        "ipv4",
		Servers: []Server{
			{Name: "stun.example.org:3478", Address: "203.0.113.10:3478", Family: "ipv4", RTTMs: ptr(51.25),
				Mapped: "198.51.100.2:40000", Other: "203.0.113.11:3479", RFC5780: true, Software: "example 1.0"},
			{Name: "198.51.100.20:3478", Address: "198.51.100.20:3478", Family: "ipv4", RTTMs: ptr(60.5),
				Mapped: "198.51.100.2:40000"},
			{Name: "stun6.example.org", Address: "[2001:db8::1]:3478", Family: "ipv6", RTTMs: ptr(70.0),
				Mapped: "[2001:db8::99]:5000"},
			{Name: "dead.example.org:3478", Address: "203.0.113.99:3478", Family: "ipv4", Error: "no reply"},
		},
		NAT: NAT{
			Type: "port-restricted-cone", Label: "Port Restricted Cone",
			Mapping: "endpoint-independent", Filtering: "address-and-port-dependent",
			Hairpinning: ptr(false), PortPreserved: nil, PortAllocation: "sequential", PortDelta: 2,
			Verdict: "Port-restricted-cone NAT: hole punching works with most peers; peers behind symmetric NAT will need a relay (TURN)",
			Evidence: Evidence{
				Type:        []string{"203.0.113.10:3478 saw us as 198.51.100.2:40000, not an address of this host"},
				Mapping:     []string{"203.0.113.10:3478: test I mapped 198.51.100.2:40000, test II (203.0.113.11:3478) mapped 198.51.100.2:40000: same, endpoint-independent"},
				Filtering:   []string{"203.0.113.10:3478: no reply to change IP+port after 4 attempt(s), nor to change port after 4: address-and-port-dependent"},
				Hairpinning: []string{"4 request(s) sent to our mapped address 198.51.100.2:40002 never came back"},
				Ports:       []string{"local port 5000 → mapped port 40000", "local port 5001 → mapped port 40002"},
			},
			Reasons:  Reasons{},
			Warnings: []string{"dead.example.org:3478 never answered"},
		},
		Stats: Stats{Sent: 20, Received: 12, Malformed: 1, Foreign: 0, WrongSource: 2, LossEstimate: 0.05,
			RTTMinMs: ptr(51.25), RTTMaxMs: ptr(70.0)},
		Unusable: []Unusable{{Name: "nosuch.invalid:3478", Error: "cannot resolve: no such host"}},
	}
}

// sampleSimulated is sample marked as a simulated run that matched.
func sampleSimulated() Report {
	return sample().WithSimulated(Simulated{Kind: "nat", Mapping: "endpoint-independent",
		Filtering: "address-and-port-dependent", Type: "port-restricted-cone", LossPercent: 20, RTTMs: 80, Seed: 7})
}
