package report

import (
	"fmt"
	"io"
	"strings"
)

// writeText writes r as plain "key: value" lines, the verdict first: stable
// and greppable, for pipes. Repeated keys (server, evidence) keep their
// order.
func writeText(w io.Writer, r Report) error {
	var b strings.Builder
	line := func(k, format string, args ...any) { fmt.Fprintf(&b, "%s: "+format+"\n", append([]any{k}, args...)...) }
	n := r.NAT
	line("verdict", "%s", n.Verdict)
	line("type", "%s", n.Type)
	line("label", "%s", n.Label)
	line("mapping", "%s", n.Mapping)
	line("filtering", "%s", n.Filtering)
	line("hairpinning", "%s", triWords(n.Hairpinning))
	line("port preserved", "%s", triWords(n.PortPreserved))
	line("port allocation", "%s", allocationWords(n))
	if r.Family != "" {
		line("family", "%s", r.Family)
	}
	line("duration", "%.1fms", r.DurationMs)
	for _, s := range r.Servers {
		line("server", "%s", serverText(s))
	}
	for _, u := range r.Unusable {
		line("unusable", "%s: %s", u.Name, u.Error)
	}
	for _, t := range topics(n) {
		for _, e := range t.evidence {
			line("evidence "+t.name, "%s", e)
		}
		if t.reason != "" {
			line("reason "+t.name, "%s", t.reason)
		}
	}
	line("stats", "%s", statsWords(r.Stats))
	if r.Simulated != nil {
		line("simulated", "%s", simulatedWords(*r.Simulated))
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	if r.Candidates != nil {
		return writeCandidatesText(w, *r.Candidates, "")
	}
	return nil
}

// serverText is one server on one line: name, then key=value fields.
func serverText(s Server) string {
	f := []string{s.Name}
	if s.Address != "" && s.Address != s.Name {
		f = append(f, "address="+s.Address)
	}
	f = append(f, "family="+s.Family, "rtt="+msWords(s.RTTMs))
	if s.Mapped != "" {
		f = append(f, "mapped="+s.Mapped)
	}
	if s.Other != "" {
		f = append(f, "other="+s.Other)
	}
	f = append(f, fmt.Sprintf("rfc5780=%t", s.RFC5780))
	if s.Software != "" {
		f = append(f, fmt.Sprintf("software=%q", s.Software))
	}
	if s.Error != "" {
		f = append(f, fmt.Sprintf("error=%q", s.Error))
	}
	return strings.Join(f, " ")
}
