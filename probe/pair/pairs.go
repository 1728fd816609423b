package pair

import (
	"cmp"
	"slices"
	"time"

	"github.com/pion/ice/v4"
)

// snap is one pair with pion's pair ID, for WriteToPair.
type snap struct {
	PairResult
	id    uint64
	hasID bool
}

// snapshot reads every pair's state. pion lists pairs in checklist order in
// both GetCandidatePairsStats and GetCandidatePairsInfo, and the checklist
// only grows, so the two line up by index where the types agree.
func (s *Session) snapshot() []snap {
	stats := s.agent.GetCandidatePairsStats()
	var info []ice.CandidatePairInfo
	if s.conn != nil {
		info = s.conn.GetCandidatePairsInfo()
	}
	cands := s.candidates()
	selL, selR := "", ""
	if sel, ok := s.agent.GetSelectedCandidatePairStats(); ok {
		selL, selR = sel.LocalCandidateID, sel.RemoteCandidateID
	}
	out := make([]snap, 0, len(stats))
	for i, st := range stats {
		p := snap{PairResult: PairResult{
			Local: cands[st.LocalCandidateID], Remote: cands[st.RemoteCandidateID],
			State: stateOf(st.State), Nominated: st.Nominated,
			Selected: st.LocalCandidateID == selL && st.RemoteCandidateID == selR,
			Requests: st.RequestsSent, Responses: st.ResponsesReceived, PeerChecks: st.RequestsReceived,
		}}
		if p.State == StateSucceeded {
			p.CheckRTT = time.Duration(st.CurrentRoundTripTime * float64(time.Second))
		}
		if i < len(info) && info[i].LocalCandidateType.String() == p.Local.Type &&
			info[i].RemoteCandidateType.String() == p.Remote.Type {
			p.id, p.hasID = info[i].ID, true
		}
		out = append(out, p)
	}
	slices.SortStableFunc(out, func(a, b snap) int {
		return cmp.Or(cmpCandidate(a.Local, b.Local), cmpCandidate(a.Remote, b.Remote))
	})
	return out
}

// candidates maps candidate IDs, local and remote, to their description.
func (s *Session) candidates() map[string]Candidate {
	m := map[string]Candidate{}
	for _, get := range []func() ([]ice.Candidate, error){s.agent.GetLocalCandidates, s.agent.GetRemoteCandidates} {
		cs, err := get()
		if err != nil {
			continue
		}
		for _, c := range cs {
			m[c.ID()] = Candidate{Type: c.Type().String(), Address: c.Address(), Port: c.Port()}
		}
	}
	return m
}

func stateOf(st ice.CandidatePairState) PairState {
	switch st {
	case ice.CandidatePairStateSucceeded:
		return StateSucceeded
	case ice.CandidatePairStateFailed:
		return StateFailed
	}
	return StateNotChecked
}

var typeRank = map[string]int{"host": 0, "srflx": 1, "prflx": 2, "relay": 3}

func cmpCandidate(a, b Candidate) int {
	return cmp.Or(cmp.Compare(typeRank[a.Type], typeRank[b.Type]), cmp.Compare(a.Address, b.Address), cmp.Compare(a.Port, b.Port))
}

// settled reports whether every pair has a verdict, and whether any works.
func settled(ps []snap) (all, anyOK bool) {
	all = true
	for _, p := range ps {
		switch p.State {
		case StateNotChecked:
			all = false
		case StateSucceeded:
			anyOK = true
		}
	}
	return all, anyOK
}

func results(ps []snap) []PairResult {
	out := make([]PairResult, len(ps))
	for i, p := range ps {
		out[i] = p.PairResult
	}
	return out
}

// silenceNote explains a no-path result in which nothing at all came from
// the peer.
func silenceNote(ps []PairResult) string {
	for _, p := range ps {
		if p.PeerChecks > 0 || p.Responses > 0 {
			return ""
		}
	}
	return "not one check or answer arrived from the peer: every path is blocked, or the peer is gone"
}
