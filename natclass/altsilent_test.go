package natclass

import (
	"strings"
	"testing"
)

// TestFilteringDeadAlternate: silence to "change IP" is believed only when
// the server's alternate IP answered our own requests; a server with a dead
// alternate address must not make a full cone look restricted.
func TestFilteringDeadAlternate(t *testing.T) {
	mapped := ap("198.51.100.2:40000")
	restricted := FilteringObs{Server: srvA, Other: otherA, Baseline: true,
		ChangeIPPort: ChangeObs{Outcome: NoReply, Attempts: 9},
		ChangePort:   ChangeObs{Outcome: Replied, From: srvA2}}
	tests := []struct {
		name    string
		mapping MappingObs
		want    FilteringBehavior
		reason  string
	}{
		{"alternate answered test II", MappingObs{Server: srvA, Other: otherA, Primary: mapped, AltIP: mapped, AltIPPort: mapped},
			FilteringAddressDependent, ""},
		{"alternate answered test III only", MappingObs{Server: srvA, Other: otherA, Primary: mapped, AltIPPort: mapped},
			FilteringAddressDependent, ""},
		{"alternate never answered", MappingObs{Server: srvA, Other: otherA, Primary: mapped},
			FilteringUnknown, "its alternate IP 203.0.113.11 never answered our own requests either: not believed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := natted(ServerObs{Name: "a", Address: srvA, Answered: true, Mapped: mapped, Other: otherA})
			o.Mapping, o.Filtering = []MappingObs{tt.mapping}, []FilteringObs{restricted}
			r := Classify(o)
			if r.Filtering != tt.want {
				t.Fatalf("filtering %s, want %s (%+v)", r.Filtering, tt.want, r.FilteringWhy)
			}
			if tt.reason != "" && !strings.Contains(strings.Join(r.FilteringWhy.Evidence, "\n"), tt.reason) {
				t.Errorf("evidence %q lacks %q", r.FilteringWhy.Evidence, tt.reason)
			}
		})
	}
}
