package pair

import (
	"errors"
	"strings"
	"testing"

	"github.com/natcheck/natcheck/natclass"
)

const hostCandidate = "1 1 udp 2130706431 10.1.0.2 5000 typ host"

func validDescription() Description {
	return Description{Version: descriptionVersion, Ufrag: "abcd", Pwd: "0123456789abcdef0123456789", Candidates: []string{hostCandidate}}
}

func TestDescriptionValidate(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(*Description)
		wantErr string
	}{
		{"valid", func(*Description) {}, ""},
		{"other version", func(d *Description) { d.Version = 9 }, "bad peer description: version 9, this natcheck speaks 1"},
		{"no credentials", func(d *Description) { d.Pwd = "" }, "bad peer description: no ICE credentials"},
		{"long ufrag", func(d *Description) { d.Ufrag = strings.Repeat("u", 300) }, "bad peer description: ICE credentials longer than 256 bytes"},
		{"too many candidates", func(d *Description) {
			d.Candidates = make([]string, MaxCandidates+1)
		}, "bad peer description: 65 candidates, at most 64"},
		{"garbage candidate", func(d *Description) { d.Candidates = []string{"hello"} }, "bad peer description: candidate 0: "},
		{"long candidate", func(d *Description) { d.Candidates = []string{hostCandidate + strings.Repeat(" ", 300)} },
			"bad peer description: candidate 0 longer than 256 bytes"},
		{"window out of range", func(d *Description) { d.WindowMs = -1 }, "bad peer description: check window -1 ms out of range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := validDescription()
			tt.edit(&d)
			err := d.Validate()
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("unexpected error %v", err)
			case tt.wantErr != "" && (err == nil || !strings.HasPrefix(err.Error(), tt.wantErr) || !errors.Is(err, ErrBadDescription)):
				t.Fatalf("got %v, want %q (ErrBadDescription)", err, tt.wantErr)
			}
		})
	}
}

func TestNATVerdictRoundTrip(t *testing.T) {
	r := natclass.Result{Type: natclass.LabelSymmetric, Mapping: natclass.MappingAddressDependent, Filtering: natclass.FilteringEndpointIndependent}
	got := VerdictOf(r).Result()
	if got.Type != r.Type || got.Mapping != r.Mapping || got.Filtering != r.Filtering {
		t.Errorf("got %+v", got)
	}
	if empty := (NATVerdict{}).Result(); empty.Type != natclass.LabelUnknown || empty.TypeWhy.Reason == "" {
		t.Errorf("empty verdict: %+v", empty)
	}
}
