package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/natcheck/natcheck/natclass"
	"github.com/natcheck/natcheck/probe/pair"
)

// CompareReport is `natcheck compare`'s document: the pair prediction made
// offline from two saved check reports.
type CompareReport struct {
	SchemaVersion int            `json:"schemaVersion"`
	Tool          string         `json:"tool"`
	Command       string         `json:"command"` // "compare"
	Version       string         `json:"version"`
	A             CompareSide    `json:"a"`
	B             CompareSide    `json:"b"`
	Prediction    PairPrediction `json:"prediction"`
	Verdict       string         `json:"verdict"`
}

// CompareSide is one saved report: where it came from and its NAT.
type CompareSide struct {
	Source string  `json:"source"` // e.g. the file name
	Time   string  `json:"time"`   // when that check ran
	NAT    PairNAT `json:"nat"`
}

// FromCompare predicts the pair outcome of two check reports.
func FromCompare(a, b Report, sourceA, sourceB string, meta Meta) CompareReport {
	ra, rb := resultOf(a.NAT), resultOf(b.NAT)
	p := natclass.Predict(ra, rb)
	c := CompareReport{SchemaVersion: SchemaVersion, Tool: Tool, Command: CommandCompare, Version: meta.Version,
		A:          CompareSide{Source: sourceA, Time: a.Time, NAT: pairNATOf(pair.VerdictOf(ra))},
		B:          CompareSide{Source: sourceB, Time: b.Time, NAT: pairNATOf(pair.VerdictOf(rb))},
		Prediction: PairPrediction{Outcome: string(p.Outcome), Reason: p.Reason}}
	c.Verdict = compareVerdict(p)
	return c
}

// resultOf reads a saved report's NAT back into a classification; what
// does not parse reads as unknown.
func resultOf(n NAT) natclass.Result {
	r := pair.NATVerdict{Type: natclass.Label(n.Type), Mapping: n.Mapping, Filtering: n.Filtering}.Result()
	if r.Type == natclass.LabelUnknown && n.Verdict != "" {
		r.TypeWhy.Reason = strings.TrimPrefix(n.Verdict, "Inconclusive: ")
	}
	return r
}

func compareVerdict(p natclass.Prediction) string {
	switch p.Outcome {
	case natclass.OutcomeDirect:
		return "Expected: a direct connection."
	case natclass.OutcomeHolePunching:
		return "Expected: a direct connection by hole punching."
	case natclass.OutcomeRelayRequired:
		return "Expected: only a relay (TURN) will connect these hosts."
	}
	return "No prediction: " + p.Reason
}

// WriteCompare renders the compare document in format f.
func WriteCompare(w io.Writer, c CompareReport, f Format) error {
	switch f {
	case FormatJSON, FormatJSONL:
		return encodeJSON(w, c, f)
	case FormatText:
		_, err := fmt.Fprintf(w, "verdict: %s\na: %s, %s\nb: %s, %s\nprediction: %s: %s\n", c.Verdict,
			c.A.Source, natWords(c.A.NAT), c.B.Source, natWords(c.B.NAT), c.Prediction.Outcome, c.Prediction.Reason)
		return err
	case FormatTable:
		if _, err := fmt.Fprintf(w, "%s\n\n", c.Verdict); err != nil {
			return err
		}
		t := newTable(w, textColumn)
		t.Header("Compare", "")
		if err := t.Bulk([][]string{{"A: " + c.A.Source, natWords(c.A.NAT)}, {"B: " + c.B.Source, natWords(c.B.NAT)},
			{"Prediction", c.Prediction.Outcome + ": " + c.Prediction.Reason}}); err != nil {
			return err
		}
		return t.Render()
	}
	return fmt.Errorf("%w %q", ErrFormat, string(f))
}
