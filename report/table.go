package report

import (
	"fmt"
	"io"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"
)

// Column widths beyond which cells wrap: wide for the one text column of
// the NAT and evidence tables, narrower in the five-column server table, so
// that each fits an ordinary terminal.
const (
	textColumn   = 88
	serverColumn = 32
)

// writeTable writes r for a person at a terminal: the verdict first, then
// tables of the NAT, the servers and the evidence.
func writeTable(w io.Writer, r Report) error {
	if _, err := fmt.Fprintf(w, "%s\n\n", r.NAT.Verdict); err != nil {
		return err
	}
	for _, section := range []func(io.Writer, Report) error{natTable, serverTable, evidenceTable} {
		if err := section(w, r); err != nil {
			return fmt.Errorf("table: %w", err)
		}
	}
	if _, err := fmt.Fprintf(w, "%s\n", footer(r)); err != nil {
		return err
	}
	if r.Candidates != nil {
		return writeCandidatesTable(w, *r.Candidates, "")
	}
	return nil
}

func newTable(w io.Writer, colMax int) *tablewriter.Table {
	return tablewriter.NewTable(w,
		tablewriter.WithRowMaxWidth(colMax),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithRowAutoWrap(tw.WrapNormal),
		tablewriter.WithRowAlignment(tw.AlignLeft),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
		tablewriter.WithTrimSpace(tw.Off),
	)
}

func natTable(w io.Writer, r Report) error {
	n := r.NAT
	t := newTable(w, textColumn)
	t.Header("NAT", typeWords(n))
	rows := [][]string{
		{"Mapping", n.Mapping},
		{"Filtering", n.Filtering},
		{"Hairpinning", triWords(n.Hairpinning)},
		{"Port preserved", triWords(n.PortPreserved)},
		{"Port allocation", allocationWords(n)},
	}
	if r.Simulated != nil {
		rows = append(rows, []string{"Simulated", simulatedWords(*r.Simulated)})
	}
	if err := t.Bulk(rows); err != nil {
		return err
	}
	return t.Render()
}

func serverTable(w io.Writer, r Report) error {
	if len(r.Servers)+len(r.Unusable) == 0 {
		return nil
	}
	t := newTable(w, serverColumn)
	t.Header("Server", "RTT", "Mapped", "RFC 5780", "Software or error")
	for _, s := range r.Servers {
		name := s.Name
		if s.Address != "" && s.Address != s.Name {
			name += "\n" + s.Address
		}
		note := s.Software
		if s.Error != "" {
			note = s.Error
		}
		rfc := "no"
		if s.RFC5780 {
			rfc = "yes, other " + s.Other
		}
		if err := t.Append([]string{name, msWords(s.RTTMs), orDash(s.Mapped), rfc, note}); err != nil {
			return err
		}
	}
	for _, u := range r.Unusable {
		if err := t.Append([]string{u.Name, "-", "-", "-", u.Error}); err != nil {
			return err
		}
	}
	return t.Render()
}

func evidenceTable(w io.Writer, r Report) error {
	t := newTable(w, textColumn)
	t.Header("Topic", "Evidence")
	for _, tp := range topics(r.NAT) {
		for _, e := range tp.evidence {
			if err := t.Append([]string{tp.name, e}); err != nil {
				return err
			}
		}
		if tp.reason != "" {
			if err := t.Append([]string{tp.name, "why unknown: " + tp.reason}); err != nil {
				return err
			}
		}
	}
	return t.Render()
}

// footer is the duration and packet tallies.
func footer(r Report) string {
	fam := ""
	if r.Family != "" {
		fam = r.Family + ", "
	}
	return fmt.Sprintf("%s%.0fms; %s", fam, r.DurationMs, statsWords(r.Stats))
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
