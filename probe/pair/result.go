package pair

import (
	"time"

	"github.com/natcheck/natcheck/natclass"
)

// PairState is a candidate pair's verdict.
type PairState string

// Pair states. pion's "waiting" and "in-progress" at the end of the window
// both read as not checked: no verdict was reached.
const (
	StateSucceeded  PairState = "succeeded"
	StateFailed     PairState = "failed"
	StateNotChecked PairState = "not-checked"
)

// Path is a kind of path between the hosts.
type Path string

// Paths: direct has no relay on either side; relay has one on at least one.
const (
	PathDirect Path = "direct"
	PathRelay  Path = "relay"
)

// Candidate is one end of a pair (RFC 8445 §5.1.1).
type Candidate struct {
	Type    string // host, srflx, prflx, relay
	Address string // IP
	Port    int
}

// PairResult is one local×remote candidate pair.
type PairResult struct {
	Local, Remote Candidate
	State         PairState
	CheckRTT      time.Duration // latest check round trip; 0 when none
	Nominated     bool
	Selected      bool
	Requests      uint64 // checks sent
	Responses     uint64 // answers received
	PeerChecks    uint64 // checks received from the peer
}

// Path is the kind of path this pair uses.
func (p PairResult) Path() Path {
	if p.Local.Type == "relay" || p.Remote.Type == "relay" {
		return PathRelay
	}
	return PathDirect
}

// Quality is a short burst of echo packets over one working path.
type Quality struct {
	Path          Path
	Local, Remote Candidate // the pair the burst was sent on
	Sent          int
	Received      int
	RTTMin        time.Duration
	RTTMedian     time.Duration
	RTTMax        time.Duration
	Jitter        time.Duration // mean difference of consecutive RTTs (RFC 3550 §6.4.1 style)
	Note          string        // e.g. the peer answered over another kind of path
}

// Loss is the share of echo packets that never came back, 0–1.
func (q Quality) Loss() float64 {
	if q.Sent == 0 {
		return 0
	}
	return float64(q.Sent-q.Received) / float64(q.Sent)
}

// View says whose pairs a Result lists: Local in every pair is that side.
type View string

// Views.
const (
	ViewControlling View = "controlling" // side A, the offerer: the shared report
	ViewControlled  View = "controlled"  // side B's own view, when A's report never came
)

// Result is the pair test as the controlling side saw it; the controlled
// side receives it over the connection, so both print the same.
type Result struct {
	View        View
	Controlling NATVerdict // side A, the offerer
	Controlled  NATVerdict // side B
	Pairs       []PairResult
	Selected    *PairResult `json:"-"` // points into Pairs
	Direct      bool        // some pair without a relay succeeded
	Relay       bool        // some pair with a relay succeeded
	Quality     []Quality
	Window      time.Duration // nomination was held back this long
	Duration    time.Duration
	Notes       []string
	Prediction  natclass.Prediction `json:"-"`
	Agree       natclass.Tri        `json:"-"` // did the prediction match the outcome
}

// summarise derives Direct, Relay, Selected and the verdict on the
// prediction from Pairs.
func (r *Result) summarise() {
	r.Direct, r.Relay, r.Selected = false, false, nil
	for i, p := range r.Pairs {
		if p.State == StateSucceeded {
			switch p.Path() {
			case PathDirect:
				r.Direct = true
			case PathRelay:
				r.Relay = true
			}
		}
		if p.Selected {
			r.Selected = &r.Pairs[i]
		}
	}
	r.Prediction = natclass.Predict(r.Controlling.Result(), r.Controlled.Result())
	r.Agree = natclass.NotTested
	if want := r.Prediction.DirectExpected(); want != natclass.NotTested {
		r.Agree = natclass.TriOf(want == natclass.TriOf(r.Direct))
	}
}
