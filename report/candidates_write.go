package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/natcheck/natcheck/probe/gather"
)

// WriteGather renders `natcheck gather`'s document in format f.
func WriteGather(w io.Writer, g GatherReport, f Format) error {
	switch f {
	case FormatJSON, FormatJSONL:
		return encodeJSON(w, g, f)
	case FormatText:
		return writeCandidatesText(w, g.Candidates, fmt.Sprintf("duration: %.1fms\n", g.DurationMs))
	case FormatTable:
		return writeCandidatesTable(w, g.Candidates, fmt.Sprintf("gathered in %.0fms", g.DurationMs))
	}
	return fmt.Errorf("%w %q", ErrFormat, string(f))
}

// WriteCandidates renders the candidates section alone in format f, for a
// report that embeds it.
func WriteCandidates(w io.Writer, c Candidates, f Format) error {
	switch f {
	case FormatJSON, FormatJSONL:
		return encodeJSON(w, c, f)
	case FormatText:
		return writeCandidatesText(w, c, "")
	case FormatTable:
		return writeCandidatesTable(w, c, "")
	}
	return fmt.Errorf("%w %q", ErrFormat, string(f))
}

// writeCandidatesText writes "key: value" lines, advice first; tail ends it.
// pion's warnings are in the JSON only: for people they belong on stderr.
func writeCandidatesText(w io.Writer, c Candidates, tail string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "advice: %s\n", c.Advice)
	fmt.Fprintf(&b, "kinds: %s\n", strings.Join(c.Kinds, " "))
	for _, cand := range c.Candidates {
		fmt.Fprintf(&b, "candidate: %s\n", candidateText(cand))
	}
	for _, t := range c.TURN {
		fmt.Fprintf(&b, "turn: %s\n", turnText(t))
	}
	fmt.Fprintf(&b, "complete: %t\n", c.Complete)
	b.WriteString(tail)
	_, err := io.WriteString(w, b.String())
	return err
}

// candidateText is one candidate on one line, fields in the trickle-ICE
// sample's order.
func candidateText(c Candidate) string {
	f := []string{c.Type, c.Protocol, c.Address, strconv.Itoa(c.Port),
		fmt.Sprintf("priority=%d", c.Priority), "foundation=" + c.Foundation}
	if c.RelatedAddress != "" {
		f = append(f, "related="+c.RelatedAddress)
	}
	if c.RelayProtocol != "" {
		f = append(f, "relay-protocol="+c.RelayProtocol)
	}
	if c.Server != "" {
		f = append(f, "server="+c.Server)
	}
	return strings.Join(append(f, fmt.Sprintf("ms=%.1f", c.Ms)), " ")
}

// turnText is one TURN server's diagnosis on one line.
func turnText(t TURNDiagnosis) string {
	f := []string{t.Server, "transport=" + t.Transport}
	if t.Address != "" {
		f = append(f, "address="+t.Address)
	}
	f = append(f, fmt.Sprintf("ok=%t", t.OK))
	if t.OK {
		f = append(f, "relayed="+t.RelayedAddress, "mapped="+t.MappedAddress,
			fmt.Sprintf("lifetime=%.0fs", t.LifetimeMs/1000), fmt.Sprintf("allocate=%.1fms", t.AllocateMs),
			"relay-data="+triWords(t.RelayData), "round-trip="+msWords(t.RoundTripMs))
		if t.RelayVia != "" {
			f = append(f, "relay-via="+t.RelayVia)
		}
		if t.RelayError != "" {
			f = append(f, fmt.Sprintf("relay-error=%q", t.RelayError))
		}
		return strings.Join(f, " ")
	}
	f = append(f, "failure="+t.Failure)
	if t.ErrorCode != 0 {
		f = append(f, fmt.Sprintf("code=%d", t.ErrorCode))
	}
	return strings.Join(append(f, fmt.Sprintf("error=%q", t.Error)), " ")
}

// writeCandidatesTable writes the candidates and TURN tables for a person
// at a terminal, then the advice; footer, if any, ends it.
func writeCandidatesTable(w io.Writer, c Candidates, footer string) error {
	for _, section := range []func(io.Writer, Candidates) error{candidatesTable, turnTable} {
		if err := section(w, c); err != nil {
			return fmt.Errorf("table: %w", err)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", c.Advice)
	var tail []string
	if footer != "" {
		tail = append(tail, footer)
	}
	if !c.Complete {
		tail = append(tail, "gathering did not complete before the deadline")
	}
	if len(tail) > 0 {
		fmt.Fprintf(&b, "%s\n", strings.Join(tail, "; "))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func candidatesTable(w io.Writer, c Candidates) error {
	t := newTable(w, serverColumn)
	t.Header("Type", "Protocol", "Address", "Port", "Priority", "Foundation", "Related address", "Server", "ms")
	for _, cand := range c.Candidates {
		row := []string{cand.Type, cand.Protocol, cand.Address, strconv.Itoa(cand.Port), strconv.FormatUint(uint64(cand.Priority), 10),
			cand.Foundation, orDash(cand.RelatedAddress), orDash(cand.Server), strconv.FormatFloat(cand.Ms, 'f', 0, 64)}
		if err := t.Append(row); err != nil {
			return err
		}
	}
	return t.Render()
}

func turnTable(w io.Writer, c Candidates) error {
	if len(c.TURN) == 0 {
		return nil
	}
	t := newTable(w, serverColumn)
	t.Header("TURN server", "Result", "Relayed address", "Lifetime", "Relay round trip")
	for _, d := range c.TURN {
		if err := t.Append(turnRow(d)); err != nil {
			return err
		}
	}
	return t.Render()
}

// turnRow is one TURN server's diagnosis in the table's columns.
func turnRow(d TURNDiagnosis) []string {
	name := d.Server
	if d.Address != "" && !strings.Contains(d.Server, d.Address) {
		name += "\n" + d.Address
	}
	if !d.OK {
		return []string{name, d.Error, "-", "-", "-"}
	}
	trip := msWords(d.RoundTripMs)
	if d.RelayVia == gather.RelayViaAllocation {
		trip += " (via a second allocation)"
	}
	switch {
	case d.RelayData == nil:
		trip = "not tested"
	case !*d.RelayData:
		trip = "failed: " + d.RelayError
	}
	return []string{name, "ok", d.RelayedAddress, fmt.Sprintf("%.0fs", d.LifetimeMs/1000), trip}
}
