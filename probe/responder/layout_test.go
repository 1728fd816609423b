package responder

import (
	"net/netip"
	"testing"
)

func TestLayoutValidate(t *testing.T) {
	ip := netip.MustParseAddr
	tests := []struct {
		name   string
		layout Layout
		want   string // "" means valid
	}{
		{"full", full, ""},
		{"port-only", portOnly, ""},
		{"IPv6", Layout{Primary: ip("2001:db8::10"), Alternate: ip("2001:db8::11"), Port: 3478, AltPort: 3479}, ""},
		{"no primary", Layout{Alternate: ip("203.0.113.11"), Port: 3478, AltPort: 3479}, "primary IP is missing"},
		{"no port", Layout{Primary: ip("203.0.113.10"), AltPort: 3479}, "ports must be 1-65535"},
		{"no alternate port", Layout{Primary: ip("203.0.113.10"), Port: 3478}, "ports must be 1-65535"},
		{"same ports", Layout{Primary: ip("203.0.113.10"), Port: 3478, AltPort: 3478}, "port and alternate port are both 3478"},
		{"same IPs", Layout{Primary: ip("203.0.113.10"), Alternate: ip("203.0.113.10"), Port: 3478, AltPort: 3479},
			"primary and alternate IP are both 203.0.113.10"},
		{"mixed families", Layout{Primary: ip("203.0.113.10"), Alternate: ip("2001:db8::11"), Port: 3478, AltPort: 3479},
			"primary and alternate IP must be of one family"},
		{"wildcard primary with an alternate", Layout{Primary: ip("0.0.0.0"), Alternate: ip("203.0.113.11"), Port: 3478, AltPort: 3479},
			"OTHER-ADDRESS needs specific IPs, not 0.0.0.0"},
		{"wildcard alternate", Layout{Primary: ip("203.0.113.10"), Alternate: ip("0.0.0.0"), Port: 3478, AltPort: 3479},
			"OTHER-ADDRESS needs specific IPs, not 0.0.0.0"},
		{"multicast alternate", Layout{Primary: ip("2001:db8::10"), Alternate: ip("ff02::1"), Port: 3478, AltPort: 3479},
			"OTHER-ADDRESS needs specific IPs, not ff02::1"},
		{"wildcard, port-only", Layout{Primary: ip("0.0.0.0"), Port: 3478, AltPort: 3479}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.layout.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("valid layout refused: %v", err)
			case tt.want != "" && (err == nil || err.Error() != tt.want):
				t.Fatalf("got %v, want %q", err, tt.want)
			}
		})
	}
}

func TestLayoutEndpoints(t *testing.T) {
	tests := []struct {
		name   string
		layout Layout
		want   []string
	}{
		{"full", full, []string{"203.0.113.10:3478", "203.0.113.10:3479", "203.0.113.11:3478", "203.0.113.11:3479"}},
		{"port-only", portOnly, []string{"198.51.100.20:3478", "198.51.100.20:3479"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			eps := tt.layout.Endpoints()
			if len(eps) != len(tt.want) {
				t.Fatalf("%d endpoints, want %d", len(eps), len(tt.want))
			}
			for i, e := range eps {
				if got := tt.layout.Addr(e).String(); got != tt.want[i] {
					t.Errorf("endpoint %+v at %s, want %s", e, got, tt.want[i])
				}
			}
			if tt.layout.PortOnly() != (len(tt.want) == 2) {
				t.Errorf("PortOnly() = %v", tt.layout.PortOnly())
			}
		})
	}
}
