package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/natcheck/natcheck/natclass"
	"github.com/natcheck/natcheck/probe/pair"
)

// Commands of the pair documents.
const (
	CommandPair    = "pair"
	CommandCompare = "compare"
)

// PairReport is `natcheck pair`'s document: ICE connectivity checks
// (RFC 8445) between hosts A (controlling, the offerer) and B, with what
// their NAT classes predicted beside the outcome. Both hosts print the same
// document; "local" in pairs and quality is host A unless view is "b".
type PairReport struct {
	SchemaVersion int            `json:"schemaVersion"`
	Tool          string         `json:"tool"`
	Command       string         `json:"command"` // "pair"
	Version       string         `json:"version"`
	Time          string         `json:"time"`
	DurationMs    float64        `json:"durationMs"`
	View          string         `json:"view"` // "a", or "b" when A's report never arrived
	A             PairSide       `json:"a"`
	B             PairSide       `json:"b"`
	Direct        bool           `json:"direct"` // a pair without a relay succeeded
	Relay         bool           `json:"relay"`  // a pair through a relay succeeded
	Selected      *PairSelected  `json:"selected"`
	Pairs         []PairCheck    `json:"pairs"`
	Quality       []PathQuality  `json:"quality"` // one per working path: direct, relay
	Prediction    PairPrediction `json:"prediction"`
	Agree         *bool          `json:"agree"` // null when the prediction is unknown
	WindowMs      float64        `json:"windowMs"`
	Verdict       string         `json:"verdict"`
	Notes         []string       `json:"notes"`
}

// PairSide is one host's role and NAT verdict.
type PairSide struct {
	Role string  `json:"role"` // controlling or controlled
	NAT  PairNAT `json:"nat"`
}

// PairNAT is a NAT classification as the pair report shows it.
type PairNAT struct {
	Type      string `json:"type"` // as in a check report's nat.type
	Label     string `json:"label"`
	Mapping   string `json:"mapping"`
	Filtering string `json:"filtering"`
}

// PairCandidate is one end of a candidate pair.
type PairCandidate struct {
	Type    string `json:"type"` // host, srflx, prflx or relay
	Address string `json:"address"`
	Port    int    `json:"port"`
}

// PairSelected is the pair ICE selected.
type PairSelected struct {
	Local  PairCandidate `json:"local"`
	Remote PairCandidate `json:"remote"`
}

// PairCheck is one local×remote candidate pair's verdict.
type PairCheck struct {
	Local      PairCandidate `json:"local"`
	Remote     PairCandidate `json:"remote"`
	Path       string        `json:"path"`  // direct or relay
	State      string        `json:"state"` // succeeded, failed or not-checked
	RTTMs      *float64      `json:"rttMs"` // the latest check's round trip; null without one
	Nominated  bool          `json:"nominated"`
	Selected   bool          `json:"selected"`
	Requests   uint64        `json:"requests"`   // checks sent
	Responses  uint64        `json:"responses"`  // answers received
	PeerChecks uint64        `json:"peerChecks"` // checks received from the peer
}

// PathQuality is a burst of echo packets over one working path.
type PathQuality struct {
	Path        string        `json:"path"` // direct or relay
	Local       PairCandidate `json:"local"`
	Remote      PairCandidate `json:"remote"`
	Sent        int           `json:"sent"`
	Received    int           `json:"received"`
	Loss        float64       `json:"loss"` // 0 to 1
	RTTMinMs    *float64      `json:"rttMinMs"`
	RTTMedianMs *float64      `json:"rttMedianMs"`
	RTTMaxMs    *float64      `json:"rttMaxMs"`
	JitterMs    *float64      `json:"jitterMs"`
	Note        string        `json:"note"`
}

// PairPrediction is natclass.Predict's answer.
type PairPrediction struct {
	Outcome string `json:"outcome"` // direct, hole-punching, relay-required or unknown
	Reason  string `json:"reason"`
}

// FromPair builds the pair document.
func FromPair(r pair.Result, meta Meta) PairReport {
	p := PairReport{SchemaVersion: SchemaVersion, Tool: Tool, Command: CommandPair, Version: meta.Version,
		Time: stamp(meta.Time), DurationMs: ms(r.Duration), View: "a",
		A: PairSide{Role: "controlling", NAT: pairNATOf(r.Controlling)}, B: PairSide{Role: "controlled", NAT: pairNATOf(r.Controlled)},
		Direct: r.Direct, Relay: r.Relay, Pairs: []PairCheck{}, Quality: []PathQuality{},
		Prediction: PairPrediction{Outcome: string(r.Prediction.Outcome), Reason: r.Prediction.Reason},
		Agree:      r.Agree.Bool(), WindowMs: ms(r.Window), Notes: strs(r.Notes)}
	if r.View == pair.ViewControlled {
		p.View = "b"
	}
	if r.Selected != nil {
		p.Selected = &PairSelected{Local: pairCandidateOf(r.Selected.Local), Remote: pairCandidateOf(r.Selected.Remote)}
	}
	for _, c := range r.Pairs {
		pc := PairCheck{Local: pairCandidateOf(c.Local), Remote: pairCandidateOf(c.Remote), Path: string(c.Path()),
			State: string(c.State), Nominated: c.Nominated, Selected: c.Selected,
			Requests: c.Requests, Responses: c.Responses, PeerChecks: c.PeerChecks}
		if c.State == pair.StateSucceeded {
			pc.RTTMs = msPtr(c.CheckRTT)
		}
		p.Pairs = append(p.Pairs, pc)
	}
	for _, q := range r.Quality {
		p.Quality = append(p.Quality, qualityOf(q))
	}
	p.Verdict = pairVerdict(p)
	return p
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func pairNATOf(v pair.NATVerdict) PairNAT {
	r := v.Result()
	return PairNAT{Type: string(r.Type), Label: r.Type.Title(), Mapping: r.Mapping.String(), Filtering: r.Filtering.String()}
}

func pairCandidateOf(c pair.Candidate) PairCandidate {
	return PairCandidate{Type: c.Type, Address: c.Address, Port: c.Port}
}

func qualityOf(q pair.Quality) PathQuality {
	pq := PathQuality{Path: string(q.Path), Local: pairCandidateOf(q.Local), Remote: pairCandidateOf(q.Remote),
		Sent: q.Sent, Received: q.Received, Loss: q.Loss(), Note: q.Note}
	if q.Received > 0 {
		pq.RTTMinMs, pq.RTTMedianMs, pq.RTTMaxMs, pq.JitterMs = msPtr(q.RTTMin), msPtr(q.RTTMedian), msPtr(q.RTTMax), msPtr(q.Jitter)
	}
	return pq
}

// pairVerdict is the one-line outcome, with the prediction beside it.
func pairVerdict(p PairReport) string {
	var out string
	switch {
	case p.Direct && p.Relay:
		out = "Direct path: yes. Relay path: yes."
	case p.Direct:
		out = "Direct path: yes. Relay path: no."
	case p.Relay:
		out = "Direct path: no: only the relay (TURN) connects these hosts."
	default:
		out = "No path at all: neither a direct nor a relayed pair worked."
	}
	switch {
	case p.Agree == nil:
		return out + " The NAT classes could not predict this."
	case *p.Agree:
		return out + " As predicted (" + p.Prediction.Outcome + ")."
	}
	return out + " NOT as predicted (" + p.Prediction.Outcome + "): " + p.Prediction.Reason
}

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

// ParsePair reads one saved pair document (json or jsonl format).
func ParsePair(r io.Reader) (PairReport, error) {
	dec := json.NewDecoder(r)
	var p PairReport
	if err := dec.Decode(&p); err != nil {
		return PairReport{}, fmt.Errorf("%w: %w", ErrNotReport, err)
	}
	switch {
	case dec.More():
		return PairReport{}, fmt.Errorf("%w: more than one JSON document", ErrNotReport)
	case p.Tool != Tool || p.Command != CommandPair:
		return PairReport{}, fmt.Errorf("%w: tool %q command %q, want %q %q", ErrNotReport, p.Tool, p.Command, Tool, CommandPair)
	case p.SchemaVersion != SchemaVersion:
		return PairReport{}, fmt.Errorf("%w %d: this natcheck reads version %d", ErrSchemaVersion, p.SchemaVersion, SchemaVersion)
	}
	return p, nil
}

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
