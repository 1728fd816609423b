package natclass

import (
	"strings"
	"testing"
)

// classified is a Result with only what Predict reads.
func classified(l Label, m MappingBehavior, f FilteringBehavior) Result {
	r := Result{Type: l, Mapping: m, Filtering: f}
	switch l {
	case LabelUDPBlocked:
		r.UDPBlocked = true
	case LabelUnknown:
		r.TypeWhy.Reason = "mapping behaviour could not be determined"
	}
	return r
}

// byLabel is each label with the behaviours Classify gives it; symmetric is
// the common APDM/APDF kind.
var byLabel = map[Label]Result{
	LabelOpenInternet:       classified(LabelOpenInternet, MappingNone, FilteringNone),
	LabelFullCone:           classified(LabelFullCone, MappingEndpointIndependent, FilteringEndpointIndependent),
	LabelRestrictedCone:     classified(LabelRestrictedCone, MappingEndpointIndependent, FilteringAddressDependent),
	LabelPortRestrictedCone: classified(LabelPortRestrictedCone, MappingEndpointIndependent, FilteringAddressAndPortDependent),
	LabelSymmetric:          classified(LabelSymmetric, MappingAddressAndPortDependent, FilteringAddressAndPortDependent),
	LabelSymmetricFirewall:  classified(LabelSymmetricFirewall, MappingNone, FilteringAddressAndPortDependent),
	LabelUDPBlocked:         classified(LabelUDPBlocked, MappingUnknown, FilteringUnknown),
	LabelUnknown:            classified(LabelUnknown, MappingUnknown, FilteringUnknown),
}

// TestPredictLabels covers every pair of labels. Rows are A, columns B, in
// the order of Labels: D direct, H hole punching, R relay required, ? unknown.
func TestPredictLabels(t *testing.T) {
	table := []string{
		//          open full restr port sym fw  blocked unknown
		/* open    */ "D D D D D D R D",
		/* full    */ "D H H H H H R ?",
		/* restr   */ "D H H H H H R ?",
		/* port    */ "D H H H R H R ?",
		/* sym     */ "D H H R R R R ?",
		/* fw      */ "D H H H R H R ?",
		/* blocked */ "R R R R R R R R",
		/* unknown */ "D ? ? ? ? ? R ?",
	}
	code := map[string]PairOutcome{"D": OutcomeDirect, "H": OutcomeHolePunching, "R": OutcomeRelayRequired, "?": OutcomeUnknown}
	for i, la := range Labels {
		for j, lb := range Labels {
			want := code[strings.Fields(table[i])[j]]
			t.Run(string(la)+"/"+string(lb), func(t *testing.T) {
				got := Predict(byLabel[la], byLabel[lb])
				if got.Outcome != want {
					t.Errorf("Predict(%s, %s) = %s (%s); want %s", la, lb, got.Outcome, got.Reason, want)
				}
				if got.Reason == "" {
					t.Errorf("Predict(%s, %s): empty reason", la, lb)
				}
			})
		}
	}
}

// TestPredictBehaviors covers the RFC 4787 combinations the labels hide.
func TestPredictBehaviors(t *testing.T) {
	const (
		eim, adm, apdm = MappingEndpointIndependent, MappingAddressDependent, MappingAddressAndPortDependent
		eif, adf, apdf = FilteringEndpointIndependent, FilteringAddressDependent, FilteringAddressAndPortDependent
	)
	sym := func(m MappingBehavior, f FilteringBehavior) Result { return classified(LabelSymmetric, m, f) }
	tests := []struct {
		name       string
		a, b       Result
		want       PairOutcome
		reasonHave string
	}{
		{"ADM+EIF vs port-restricted: new port dropped", sym(adm, eif), byLabel[LabelPortRestrictedCone], OutcomeRelayRequired,
			"A (symmetric: address-dependent mapping, endpoint-independent filtering) opens a new port for each destination"},
		{"APDM+APDF vs restricted: filter ignores ports", sym(apdm, apdf), byLabel[LabelRestrictedCone], OutcomeHolePunching,
			"peer-reflexive candidate"},
		{"ADM+EIF both", sym(adm, eif), sym(adm, eif), OutcomeHolePunching, "converge"},
		{"APDM+EIF both: ports never settle", sym(apdm, eif), sym(apdm, eif), OutcomeRelayRequired, "no direct pair can work"},
		{"ADM+ADF both: first check never gets in", sym(adm, adf), sym(adm, adf), OutcomeRelayRequired, "no direct pair can work"},
		{"APDM+EIF vs ADM+ADF", sym(apdm, eif), sym(adm, adf), OutcomeHolePunching, "B (symmetric: address-dependent mapping, address-dependent filtering) admits"},
		{"ADM+ADF vs APDM+EIF", sym(adm, adf), sym(apdm, eif), OutcomeHolePunching, "B (symmetric: address-and-port-dependent mapping, endpoint-independent filtering) admits the first check"},
		{"APDM+EIF vs APDM+ADF", sym(apdm, eif), sym(apdm, adf), OutcomeRelayRequired, "no direct pair can work"},
		{"ADM+EIF vs ADM+APDF: answer filtered", sym(adm, eif), sym(adm, apdf), OutcomeRelayRequired, "no direct pair can work"},
		{"firewall ADF vs symmetric", classified(LabelSymmetricFirewall, MappingNone, adf), byLabel[LabelSymmetric], OutcomeHolePunching,
			"A (symmetric-udp-firewall: no mapping, address-dependent filtering) admits any port"},
		{"symmetric, filtering unknown, vs restricted", sym(apdm, FilteringUnknown), byLabel[LabelRestrictedCone], OutcomeHolePunching,
			"A's filtering is unknown, assumed address-and-port-dependent"},
		{"symmetric, mapping varies, vs port-restricted", classified(LabelSymmetric, eim, eif), byLabel[LabelPortRestrictedCone], OutcomeRelayRequired,
			"destination-dependent mapping"},
		{"unknown vs open", byLabel[LabelUnknown], byLabel[LabelOpenInternet], OutcomeDirect, "B has no NAT and no filter"},
		{"unknown says why", byLabel[LabelUnknown], byLabel[LabelFullCone], OutcomeUnknown,
			"A's NAT behaviour is unknown: mapping behaviour could not be determined"},
		{"blocked flag without label", Result{UDPBlocked: true}, byLabel[LabelFullCone], OutcomeRelayRequired, "UDP is blocked for A"},
		{"empty results", Result{}, Result{}, OutcomeUnknown, "A's NAT behaviour is unknown: no classification"},
		{"cone pair reason", byLabel[LabelPortRestrictedCone], byLabel[LabelPortRestrictedCone], OutcomeHolePunching,
			"both keep one mapping for every destination"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Predict(tt.a, tt.b)
			if got.Outcome != tt.want || !strings.Contains(got.Reason, tt.reasonHave) {
				t.Errorf("got %s (%q); want %s with %q", got.Outcome, got.Reason, tt.want, tt.reasonHave)
			}
		})
	}
}

// TestPredictSymmetric: swapping the hosts never changes the outcome.
func TestPredictSymmetric(t *testing.T) {
	var all []Result
	for _, r := range byLabel {
		all = append(all, r)
	}
	for _, m := range []MappingBehavior{MappingAddressDependent, MappingAddressAndPortDependent} {
		for _, f := range []FilteringBehavior{FilteringUnknown, FilteringEndpointIndependent, FilteringAddressDependent, FilteringAddressAndPortDependent} {
			all = append(all, classified(LabelSymmetric, m, f))
		}
	}
	for _, a := range all {
		for _, b := range all {
			if x, y := Predict(a, b), Predict(b, a); x.Outcome != y.Outcome {
				t.Errorf("%+v / %+v: %s one way, %s the other", a, b, x.Outcome, y.Outcome)
			}
		}
	}
}

func TestDirectExpected(t *testing.T) {
	tests := []struct {
		o    PairOutcome
		want Tri
	}{
		{OutcomeDirect, True}, {OutcomeHolePunching, True}, {OutcomeRelayRequired, False}, {OutcomeUnknown, NotTested},
	}
	for _, tt := range tests {
		t.Run(string(tt.o), func(t *testing.T) {
			if got := (Prediction{Outcome: tt.o}).DirectExpected(); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}
