package report

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// withCandidates is sample with a small candidates section.
func withCandidates() Report {
	r := sample()
	r.Candidates = &Candidates{Kinds: []string{"host", "srflx"},
		Candidates: []Candidate{{Type: "host", Protocol: "udp", Address: "10.1.0.2", Port: 5000, Priority: 1, Foundation: "1"}},
		TURN:       []TURNDiagnosis{}, Advice: "no relay configured", Complete: true, Warnings: []string{}}
	return r
}

// TestCandidatesSection: the section is in every format when present, and
// absent from the JSON when not gathered.
func TestCandidatesSection(t *testing.T) {
	for _, f := range Formats {
		t.Run(string(f), func(t *testing.T) {
			var with, without bytes.Buffer
			if err := Write(&with, withCandidates(), f); err != nil {
				t.Fatal(err)
			}
			if err := Write(&without, sample(), f); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(with.String(), "no relay configured") {
				t.Errorf("candidates missing:\n%s", with.String())
			}
			if strings.Contains(without.String(), "no relay configured") || strings.Contains(without.String(), `"candidates"`) {
				t.Errorf("candidates present though not gathered:\n%s", without.String())
			}
		})
	}
}

func TestCandidatesRoundTrip(t *testing.T) {
	b, err := json.Marshal(withCandidates())
	if err != nil {
		t.Fatal(err)
	}
	got, err := Parse(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, withCandidates()) {
		t.Errorf("round trip:\ngot  %+v\nwant %+v", got.Candidates, withCandidates().Candidates)
	}
}
