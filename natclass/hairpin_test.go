package natclass

import (
	"reflect"
	"testing"
)

func TestClassifyHairpin(t *testing.T) {
	tests := []struct {
		name string
		obs  HairpinObs
		want Tri
		why  Verdict
	}{
		{"came back", HairpinObs{Mapped: m3, Outcome: Replied, Attempts: 1}, True,
			Verdict{Evidence: []string{"a request sent from a second socket to our mapped address 198.51.100.2:49154 reached us"}}},
		{"never came back", HairpinObs{Mapped: m3, Outcome: NoReply, Attempts: 5}, False,
			Verdict{Evidence: []string{"5 request(s) sent from a second socket to our mapped address 198.51.100.2:49154 never reached us"}}},
		{"run ended first", HairpinObs{Mapped: m3, Outcome: Inconclusive, Attempts: 2}, NotTested,
			Verdict{Reason: "the run ended before hairpinning could be judged"}},
		{"no mapped address", HairpinObs{}, NotTested,
			Verdict{Reason: "not tested: no mapped address to send to"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := natted(answered(srvA, m1))
			o.Hairpin = tt.obs
			r := Classify(o)
			if r.Hairpinning != tt.want || !reflect.DeepEqual(r.HairpinWhy, tt.why) {
				t.Errorf("got %s %+v, want %s %+v", r.Hairpinning, r.HairpinWhy, tt.want, tt.why)
			}
		})
	}
}
