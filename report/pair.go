package report

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

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
