package report

import (
	"fmt"
	"io"
	"strings"
)

// WritePair renders the pair document in format f.
func WritePair(w io.Writer, p PairReport, f Format) error {
	switch f {
	case FormatJSON, FormatJSONL:
		return encodeJSON(w, p, f)
	case FormatText:
		return writePairText(w, p)
	case FormatTable:
		return writePairTable(w, p)
	}
	return fmt.Errorf("%w %q", ErrFormat, string(f))
}

func (c PairCandidate) String() string { return fmt.Sprintf("%s %s:%d", c.Type, c.Address, c.Port) }

func natWords(n PairNAT) string {
	return fmt.Sprintf("%s (mapping %s, filtering %s)", n.Label, n.Mapping, n.Filtering)
}

func agreeWords(b *bool) string {
	switch {
	case b == nil:
		return "unknown"
	case *b:
		return "yes"
	}
	return "NO"
}

func qualityWords(q PathQuality) string {
	s := fmt.Sprintf("%s -> %s: %d/%d back, loss %.0f%%, rtt min %s median %s max %s, jitter %s",
		q.Local, q.Remote, q.Received, q.Sent, 100*q.Loss, msWords(q.RTTMinMs), msWords(q.RTTMedianMs), msWords(q.RTTMaxMs), msWords(q.JitterMs))
	if q.Note != "" {
		s += " (" + q.Note + ")"
	}
	return s
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// writePairText writes "key: value" lines, the verdict first.
func writePairText(w io.Writer, p PairReport) error {
	var b strings.Builder
	line := func(k, format string, args ...any) { fmt.Fprintf(&b, "%s: "+format+"\n", append([]any{k}, args...)...) }
	line("verdict", "%s", p.Verdict)
	line("direct", "%s", yesNo(p.Direct))
	line("relay", "%s", yesNo(p.Relay))
	line("a", "%s, %s", p.A.Role, natWords(p.A.NAT))
	line("b", "%s, %s", p.B.Role, natWords(p.B.NAT))
	line("prediction", "%s: %s", p.Prediction.Outcome, p.Prediction.Reason)
	line("agree", "%s", agreeWords(p.Agree))
	if p.Selected != nil {
		line("selected", "%s -> %s", p.Selected.Local, p.Selected.Remote)
	}
	for _, c := range p.Pairs {
		line("pair", "%s -> %s %s %s rtt=%s", c.Local, c.Remote, c.Path, c.State, msWords(c.RTTMs))
	}
	for _, q := range p.Quality {
		line("quality "+q.Path, "%s", qualityWords(q))
	}
	for _, n := range p.Notes {
		line("note", "%s", n)
	}
	line("view", "%s", p.View)
	line("duration", "%.1fms", p.DurationMs)
	_, err := io.WriteString(w, b.String())
	return err
}

// writePairTable writes the verdict, the two hosts, the pairs and the
// quality bursts as tables.
func writePairTable(w io.Writer, p PairReport) error {
	if _, err := fmt.Fprintf(w, "%s\n\n", p.Verdict); err != nil {
		return err
	}
	t := newTable(w, textColumn)
	t.Header("Pair test", "")
	rows := [][]string{
		{"Direct path", yesNo(p.Direct)},
		{"Relay path", yesNo(p.Relay)},
		{"A (" + p.A.Role + ")", natWords(p.A.NAT)},
		{"B (" + p.B.Role + ")", natWords(p.B.NAT)},
		{"Prediction", p.Prediction.Outcome + ": " + p.Prediction.Reason},
		{"Agree", agreeWords(p.Agree)},
	}
	for _, q := range p.Quality {
		rows = append(rows, []string{"Quality, " + q.Path, qualityWords(q)})
	}
	for _, n := range p.Notes {
		rows = append(rows, []string{"Note", n})
	}
	if err := t.Bulk(rows); err != nil {
		return err
	}
	if err := t.Render(); err != nil {
		return fmt.Errorf("table: %w", err)
	}
	return pairsTable(w, p)
}

func pairsTable(w io.Writer, p PairReport) error {
	local := "Local (A)"
	if p.View == "b" {
		local = "Local (B)"
	}
	t := newTable(w, serverColumn)
	t.Header(local, "Remote", "Path", "State", "Check RTT", "")
	for _, c := range p.Pairs {
		mark := ""
		if c.Selected {
			mark = "selected"
		}
		if err := t.Append([]string{c.Local.String(), c.Remote.String(), c.Path, c.State, msWords(c.RTTMs), mark}); err != nil {
			return err
		}
	}
	if err := t.Render(); err != nil {
		return fmt.Errorf("table: %w", err)
	}
	_, err := fmt.Fprintf(w, "%d pairs in %.0fms\n", len(p.Pairs), p.DurationMs)
	return err
}
