package natclass

import (
	"net/netip"
	"slices"
	"testing"
)

// filt is RFC 5780 §4.4 against server s (OTHER-ADDRESS other) with a
// baseline answer on the filtering socket.
func filt(s, other netip.AddrPort, ipPort, port ChangeObs) FilteringObs {
	return FilteringObs{Server: s, Other: other, Baseline: true, ChangeIPPort: ipPort, ChangePort: port}
}

func replied(from netip.AddrPort) ChangeObs {
	return ChangeObs{Outcome: Replied, From: from, Attempts: 1}
}

func silent(attempts int) ChangeObs { return ChangeObs{Outcome: NoReply, Attempts: attempts} }

func refused(code int) ChangeObs {
	return ChangeObs{Outcome: ErrorReply, ErrorCode: code, From: srvA, Attempts: 1}
}

func TestClassifyFiltering(t *testing.T) {
	altPort := ap("203.0.113.10:3479") // srvA's IP, other port: a correct change-port answer
	inconclusive := ChangeObs{Outcome: Inconclusive, Attempts: 4}
	noBaseline := filt(srvA, otherA, silent(6), silent(6))
	noBaseline.Baseline = false
	tests := []struct {
		name       string
		obs        []FilteringObs
		want       FilteringBehavior
		wantType   Label // with endpoint-independent mapping
		wantReason string
		evidence   string
		warning    string
	}{
		{
			name: "endpoint-independent", obs: []FilteringObs{filt(srvA, otherA, replied(otherA), replied(altPort))},
			want: FilteringEndpointIndependent, wantType: LabelFullCone,
			evidence: "203.0.113.10:3478: reply to change IP+port came from 203.0.113.11:3479: endpoint-independent",
		},
		{
			name: "address-dependent", obs: []FilteringObs{filt(srvA, otherA, silent(6), replied(altPort))},
			want: FilteringAddressDependent, wantType: LabelRestrictedCone,
			evidence: "203.0.113.10:3478: no reply to change IP+port after 6 attempt(s); reply to change port came from 203.0.113.10:3479: address-dependent",
		},
		{
			name: "address-and-port-dependent", obs: []FilteringObs{filt(srvA, otherA, silent(6), silent(7))},
			want: FilteringAddressAndPortDependent, wantType: LabelPortRestrictedCone,
			evidence: "203.0.113.10:3478: no reply to change IP+port after 6 attempt(s), nor to change port after 7: address-and-port-dependent",
		},
		{
			name: "change IP+port answered from the primary address", obs: []FilteringObs{filt(srvA, otherA, replied(srvA), silent(6))},
			want: FilteringUnknown, wantType: LabelUnknown,
			wantReason: "no RFC 5780 server gave a usable answer to the filtering tests",
			evidence:   "203.0.113.10:3478: change IP+port answered from 203.0.113.10:3478",
			warning:    "203.0.113.10:3478 is unreliable: asked to change IP and port, it answered from 203.0.113.10:3478",
		},
		{
			name: "change IP+port answered with only the IP changed", obs: []FilteringObs{filt(srvA, otherA, replied(ap("203.0.113.11:3478")), silent(6))},
			want: FilteringUnknown, wantType: LabelUnknown,
			wantReason: "no RFC 5780 server gave a usable answer to the filtering tests",
			warning:    "203.0.113.10:3478 is unreliable: asked to change IP and port, it answered from 203.0.113.11:3478",
		},
		{
			name: "change port answered from the primary address", obs: []FilteringObs{filt(srvA, otherA, silent(6), replied(srvA))},
			want: FilteringUnknown, wantType: LabelUnknown,
			wantReason: "no RFC 5780 server gave a usable answer to the filtering tests",
			evidence:   "203.0.113.10:3478: no reply to change IP+port after 6 attempt(s); change port answered from 203.0.113.10:3478",
			warning:    "203.0.113.10:3478 is unreliable: asked to change port only, it answered from 203.0.113.10:3478",
		},
		{
			name: "change port answered from the other IP", obs: []FilteringObs{filt(srvA, otherA, silent(6), replied(otherA))},
			want: FilteringUnknown, wantType: LabelUnknown,
			wantReason: "no RFC 5780 server gave a usable answer to the filtering tests",
			warning:    "203.0.113.10:3478 is unreliable: asked to change port only, it answered from 203.0.113.11:3479",
		},
		{
			name: "change IP+port refused with 420", obs: []FilteringObs{filt(srvA, otherA, refused(420), replied(altPort))},
			want: FilteringUnknown, wantType: LabelUnknown,
			wantReason: "no RFC 5780 server gave a usable answer to the filtering tests",
			evidence:   "203.0.113.10:3478: refused CHANGE-REQUEST (error 420)",
		},
		{
			name: "change port refused with 420", obs: []FilteringObs{filt(srvA, otherA, silent(6), refused(420))},
			want: FilteringUnknown, wantType: LabelUnknown,
			wantReason: "no RFC 5780 server gave a usable answer to the filtering tests",
			evidence:   "203.0.113.10:3478: no reply to change IP+port after 6 attempt(s); change port refused (error 420)",
		},
		{
			name: "no baseline: silence proves nothing", obs: []FilteringObs{noBaseline},
			want: FilteringUnknown, wantType: LabelUnknown,
			wantReason: "no RFC 5780 server gave a usable answer to the filtering tests",
			evidence:   "203.0.113.10:3478: no answer to the plain request on the filtering socket either: silence proves nothing",
		},
		{
			name: "change IP+port inconclusive", obs: []FilteringObs{filt(srvA, otherA, inconclusive, silent(6))},
			want: FilteringUnknown, wantType: LabelUnknown,
			wantReason: "no RFC 5780 server gave a usable answer to the filtering tests",
			evidence:   "203.0.113.10:3478: change IP+port test ran out of time",
		},
		{
			name: "change port inconclusive", obs: []FilteringObs{filt(srvA, otherA, silent(6), inconclusive)},
			want: FilteringUnknown, wantType: LabelUnknown,
			wantReason: "no RFC 5780 server gave a usable answer to the filtering tests",
			evidence:   "203.0.113.10:3478: no reply to change IP+port after 6 attempt(s); change port test ran out of time",
		},
		{
			name: "change port not run", obs: []FilteringObs{filt(srvA, otherA, silent(6), ChangeObs{})},
			want: FilteringUnknown, wantType: LabelUnknown,
			wantReason: "no RFC 5780 server gave a usable answer to the filtering tests",
			evidence:   "203.0.113.10:3478: no reply to change IP+port after 6 attempt(s); change port test not run",
		},
		{
			name: "plain server ignores CHANGE-REQUEST", obs: []FilteringObs{filt(srvB, netip.AddrPort{}, replied(srvB), replied(srvB))},
			want: FilteringUnknown, wantType: LabelUnknown,
			wantReason: "no RFC 5780 server gave a usable answer to the filtering tests",
			warning:    "198.51.100.20:3478 ignores CHANGE-REQUEST (answers from its primary address)",
		},
		{
			name: "plain server, tests cut short", obs: []FilteringObs{filt(srvB, netip.AddrPort{}, inconclusive, inconclusive)},
			want: FilteringUnknown, wantType: LabelUnknown,
			wantReason: "no RFC 5780 server gave a usable answer to the filtering tests",
		},
		{
			name: "tests not run", obs: []FilteringObs{{Server: srvA}},
			want: FilteringUnknown, wantType: LabelUnknown,
			wantReason: "no RFC 5780 server gave a usable answer to the filtering tests",
		},
		{
			name: "no filtering observations", want: FilteringUnknown, wantType: LabelUnknown,
			wantReason: "no RFC 5780 server reachable",
		},
		{
			name: "two servers agree",
			obs:  []FilteringObs{filt(srvA, otherA, silent(6), silent(6)), filt(srvC, otherC, silent(6), silent(6))},
			want: FilteringAddressAndPortDependent, wantType: LabelPortRestrictedCone,
		},
		{
			name: "two servers disagree",
			obs:  []FilteringObs{filt(srvA, otherA, replied(otherA), silent(6)), filt(srvC, otherC, silent(6), silent(6))},
			want: FilteringUnknown, wantType: LabelUnknown,
			wantReason: "servers disagree: 203.0.113.10:3478 says endpoint-independent; 198.51.100.30:3478 says address-and-port-dependent",
		},
		{
			name: "an unreliable server is not believed, a good one is",
			obs:  []FilteringObs{filt(srvA, otherA, replied(srvA), silent(6)), filt(srvC, otherC, silent(6), silent(6))},
			want: FilteringAddressAndPortDependent, wantType: LabelPortRestrictedCone,
			warning: "203.0.113.10:3478 is unreliable: asked to change IP and port, it answered from 203.0.113.10:3478",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := natted(answered5780(srvA, otherA, m1))
			o.Mapping = []MappingObs{tests51(m1, m1, m1, "")}
			o.Filtering = tt.obs
			r := Classify(o)
			if r.Filtering != tt.want || r.Type != tt.wantType || r.FilteringWhy.Reason != tt.wantReason {
				t.Errorf("got filtering %s, type %s, reason %q;\nwant %s, %s, %q", r.Filtering, r.Type, r.FilteringWhy.Reason,
					tt.want, tt.wantType, tt.wantReason)
			}
			wantEvidence(t, "filtering", r.FilteringWhy, tt.evidence)
			if tt.warning == "" && len(r.Warnings) > 0 {
				t.Errorf("unexpected warnings %q", r.Warnings)
			}
			if tt.warning != "" && !slices.Contains(r.Warnings, tt.warning) {
				t.Errorf("warnings lack %q; have %q", tt.warning, r.Warnings)
			}
		})
	}
}
