package report

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParseRoundTrip(t *testing.T) {
	for _, f := range []Format{FormatJSON, FormatJSONL} {
		for name, r := range map[string]Report{"sample": sample(), "simulated": sampleSimulated(), "unknown": unknownReport()} {
			t.Run(string(f)+"/"+name, func(t *testing.T) {
				var b bytes.Buffer
				if err := Write(&b, r, f); err != nil {
					t.Fatal(err)
				}
				got, err := Parse(&b)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, r) {
					t.Errorf("round trip:\ngot  %+v\nwant %+v", got, r)
				}
			})
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		wantIs  error
		wantMsg string
	}{
		{"future schema", `{"schemaVersion":2,"tool":"natcheck"}`, ErrSchemaVersion,
			"unsupported report schemaVersion 2: this natcheck reads version 1"},
		{"no schema", `{"tool":"natcheck"}`, ErrNotReport, `not a natcheck report: no schemaVersion and tool "natcheck"`},
		{"other tool", `{"schemaVersion":1,"tool":"stunclient"}`, ErrNotReport, `not a natcheck report: no schemaVersion and tool "natcheck"`},
		{"gather document", `{"schemaVersion":1,"tool":"natcheck","command":"gather"}`, ErrNotReport,
			`not a natcheck report: a "gather" report, not a check report`},
		{"not json", `verdict: Full-cone NAT`, ErrNotReport, ""},
		{"empty", ``, ErrNotReport, ""},
		{"two documents", `{"schemaVersion":1,"tool":"natcheck"}` + "\n" + `{"schemaVersion":1,"tool":"natcheck"}`, ErrNotReport,
			"not a natcheck report: more than one JSON document"},
		{"wrong type", `{"schemaVersion":1,"tool":"natcheck","durationMs":"slow"}`, ErrNotReport, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.in))
			if !errors.Is(err, tt.wantIs) {
				t.Fatalf("Parse error = %v, want %v", err, tt.wantIs)
			}
			if tt.wantMsg != "" && err.Error() != tt.wantMsg {
				t.Errorf("Parse error = %q, want %q", err, tt.wantMsg)
			}
		})
	}
}

func TestParseIgnoresNewKeys(t *testing.T) {
	in := `{"schemaVersion":1,"tool":"natcheck","nat":{"type":"full-cone","future":42},"future":true}`
	r, err := Parse(strings.NewReader(in))
	if err != nil || r.NAT.Type != "full-cone" {
		t.Errorf("Parse = %+v, %v; want nat.type full-cone", r.NAT, err)
	}
}
