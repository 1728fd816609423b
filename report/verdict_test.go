package report

import (
	"strings"
	"testing"

	"github.com/natcheck/natcheck/natclass"
)

func TestVerdict(t *testing.T) {
	tests := []struct {
		name string
		nat  NAT
		want string
	}{
		{"open internet", NAT{Type: "open-internet"}, "Open Internet: no NAT and no inbound filtering; peers can reach you directly"},
		{"full cone", NAT{Type: "full-cone"}, "Full-cone NAT: peers can reach you directly; direct connections should work with almost any peer"},
		{"symmetric", NAT{Type: "symmetric"}, "Symmetric NAT: direct connections to other NATed peers will usually need a relay (TURN)"},
		{"udp blocked", NAT{Type: "udp-blocked"}, "UDP is blocked: no STUN server answered; only TURN over TCP/TLS can carry calls"},
		{"unknown: mapping reason first", NAT{Type: "unknown", Mapping: "unknown", Filtering: "unknown",
			Reasons: Reasons{Type: "t", Mapping: "m", Filtering: "f"}}, "Inconclusive: m"},
		{"unknown: filtering reason when mapping known", NAT{Type: "unknown", Mapping: "endpoint-independent", Filtering: "unknown",
			Reasons: Reasons{Type: "t", Filtering: "f"}}, "Inconclusive: f"},
		{"unknown: type reason", NAT{Type: "unknown", Mapping: "none", Filtering: "unknown", Reasons: Reasons{Type: "t"}}, "Inconclusive: t"},
		{"unknown without reason", NAT{Type: "unknown"}, "Inconclusive: the NAT could not be classified"},
		{"unexpected type", NAT{Type: "weird"}, "Inconclusive: the NAT could not be classified"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Verdict(tt.nat); got != tt.want {
				t.Errorf("Verdict = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestVerdictEveryLabel: each label's verdict is one line that starts by
// naming it; a new label without a verdict fails here.
func TestVerdictEveryLabel(t *testing.T) {
	prefix := map[natclass.Label]string{
		natclass.LabelOpenInternet:       "Open Internet: ",
		natclass.LabelFullCone:           "Full-cone NAT: ",
		natclass.LabelRestrictedCone:     "Restricted-cone NAT: ",
		natclass.LabelPortRestrictedCone: "Port-restricted-cone NAT: ",
		natclass.LabelSymmetric:          "Symmetric NAT: ",
		natclass.LabelSymmetricFirewall:  "Symmetric UDP firewall: ",
		natclass.LabelUDPBlocked:         "UDP is blocked: ",
		natclass.LabelUnknown:            "Inconclusive: ",
	}
	for _, l := range natclass.Labels {
		t.Run(string(l), func(t *testing.T) {
			v := Verdict(NAT{Type: string(l)})
			p, ok := prefix[l]
			if !ok || !strings.HasPrefix(v, p) || strings.Contains(v, "\n") {
				t.Errorf("verdict %q: want one line starting %q", v, p)
			}
		})
	}
}
