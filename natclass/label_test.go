package natclass

import "testing"

func TestLabel(t *testing.T) {
	tests := []struct {
		name   string
		nat    Tri
		m      MappingBehavior
		f      FilteringBehavior
		varies bool
		want   Label
		reason string
	}{
		{"open internet", False, MappingNone, FilteringNone, false, LabelOpenInternet, ""},
		{"open internet, EI filtering", False, MappingNone, FilteringEndpointIndependent, false, LabelOpenInternet, ""},
		{"firewall AD", False, MappingNone, FilteringAddressDependent, false, LabelSymmetricFirewall, ""},
		{"firewall APD", False, MappingNone, FilteringAddressAndPortDependent, false, LabelSymmetricFirewall, ""},
		{"no NAT, filtering unknown", False, MappingNone, FilteringUnknown, false, LabelUnknown,
			"no NAT, but inbound filtering could not be determined"},
		{"full cone", True, MappingEndpointIndependent, FilteringEndpointIndependent, false, LabelFullCone, ""},
		{"restricted cone", True, MappingEndpointIndependent, FilteringAddressDependent, false, LabelRestrictedCone, ""},
		{"port restricted cone", True, MappingEndpointIndependent, FilteringAddressAndPortDependent, false, LabelPortRestrictedCone, ""},
		{"EI mapping, filtering unknown", True, MappingEndpointIndependent, FilteringUnknown, false, LabelUnknown,
			"endpoint-independent mapping, but filtering could not be determined"},
		{"symmetric AD", True, MappingAddressDependent, FilteringEndpointIndependent, false, LabelSymmetric, ""},
		{"symmetric APD", True, MappingAddressAndPortDependent, FilteringUnknown, false, LabelSymmetric, ""},
		{"symmetric: varies, AD or APD", True, MappingUnknown, FilteringUnknown, true, LabelSymmetric, ""},
		{"mapping unknown", True, MappingUnknown, FilteringEndpointIndependent, false, LabelUnknown,
			"mapping behaviour could not be determined"},
		{"NAT not tested", NotTested, MappingUnknown, FilteringUnknown, false, LabelUnknown,
			"mapping behaviour could not be determined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, reason := label(tt.nat, tt.m, tt.f, tt.varies)
			if got != tt.want || reason != tt.reason {
				t.Errorf("label(%s, %s, %s, %v) = %s %q, want %s %q", tt.nat, tt.m, tt.f, tt.varies, got, reason, tt.want, tt.reason)
			}
		})
	}
}

func TestLabelTitles(t *testing.T) {
	want := map[Label]string{
		LabelOpenInternet: "Open Internet", LabelFullCone: "Full Cone", LabelRestrictedCone: "Restricted Cone",
		LabelPortRestrictedCone: "Port Restricted Cone", LabelSymmetric: "Symmetric",
		LabelSymmetricFirewall: "Symmetric UDP Firewall", LabelUDPBlocked: "UDP Blocked", LabelUnknown: "Unknown",
	}
	if len(Labels) != len(want) {
		t.Fatalf("Labels has %d entries, want %d", len(Labels), len(want))
	}
	seen := map[Label]bool{}
	for _, l := range Labels {
		if seen[l] {
			t.Errorf("%s listed twice", l)
		}
		seen[l] = true
		if l.Title() != want[l] {
			t.Errorf("%s.Title() = %q, want %q", l, l.Title(), want[l])
		}
	}
	if got := Label("cone-ish").Title(); got != "Unknown" {
		t.Errorf("unlisted label title %q, want Unknown", got)
	}
}
