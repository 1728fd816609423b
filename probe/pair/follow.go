package pair

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/pion/ice/v4"
)

// follow is the controlled side: answer checks and echo requests until the
// controlling side's report arrives, or until it should have.
func (s *Session) follow(ctx context.Context, peer Description) (Result, error) {
	peerWindow := time.Duration(peer.WindowMs) * time.Millisecond
	timer := time.NewTimer(s.followWait(peerWindow))
	defer timer.Stop()
	tick := time.NewTicker(s.o.CheckInterval)
	defer tick.Stop()
	hopeless := peerWindow + s.o.PeerDelay + s.grace() + s.o.RTTAllowance
	var asm assembler
	for {
		select {
		case <-ctx.Done():
			r := s.ownView(peer)
			return r, fmt.Errorf("waiting for the peer: %w", ctx.Err())
		case <-timer.C:
			return s.ownResult(peer)
		case <-tick.C:
			ps := s.snapshot()
			if s.stopStorm(ps) {
				r := s.ownView(peer)
				r.Notes = append(r.Notes, stormNote(len(ps)))
				return r, nil
			}
			// Past the peer's window with every pair failed, nothing can
			// change: no report can come.
			if all, anyOK := settled(ps); time.Since(s.start) >= hopeless && all && !anyOK {
				return s.ownResult(peer)
			}
		case m := <-s.wire.in:
			switch m.kind {
			case kindPing:
				s.echo(m)
			case kindChunk:
				data, done := asm.add(m)
				if !done {
					continue
				}
				var r Result
				if err := json.Unmarshal(data, &r); err != nil {
					return s.ownView(peer), fmt.Errorf("%w: undecodable: %w", ErrNoReport, err)
				}
				for range 3 {
					_, _ = s.conn.Write([]byte{wireMagic, kindAck})
				}
				r.summarise()
				return r, nil
			}
		}
	}
}

// followWait is how long the controlled side waits for the report: the
// peer's window, the nomination's round trip, two bursts and the handover;
// plus the peer's delay when it starts later (pasted tokens).
func (s *Session) followWait(peerWindow time.Duration) time.Duration {
	o := s.o
	burst := time.Duration(max(o.Burst, 0))*o.BurstInterval + 4*o.RTTAllowance
	return peerWindow + s.grace() + 2*burst + 4*o.RTTAllowance + o.PeerDelay
}

// ownResult is the controlled side's own result when no report came: a
// no-path verdict needs none; a working path without a report is an error.
func (s *Session) ownResult(peer Description) (Result, error) {
	r := s.ownView(peer)
	if r.Direct || r.Relay {
		return r, ErrNoReport
	}
	r.Notes = append(r.Notes, "no path worked, so the peer could not send its report: this is this side's own view")
	if note := silenceNote(r.Pairs); note != "" {
		r.Notes = append(r.Notes, note)
	}
	return r, nil
}

func (s *Session) ownView(peer Description) Result {
	r := Result{Controlling: peer.NAT, Controlled: VerdictOf(s.o.NAT), Pairs: results(s.snapshot()),
		Window: time.Duration(peer.WindowMs) * time.Millisecond, Duration: time.Since(s.start), View: ViewControlled}
	r.summarise()
	return r
}

// echo answers a ping on a succeeded pair of the same kind where there is
// one, else on any succeeded pair, and says which kind it used.
func (s *Session) echo(m message) {
	id, path, ok := s.replyPair(m.path)
	if !ok {
		_, _ = s.conn.Write(encodeProbe(kindEcho, m.path, m.seq))
		return
	}
	_, _ = s.conn.WriteToPair(id, encodeProbe(kindEcho, path, m.seq))
}

func (s *Session) replyPair(want Path) (uint64, Path, bool) {
	var best, fallback *ice.CandidatePairInfo
	infos := s.conn.GetCandidatePairsInfo()
	for i := range infos {
		p := &infos[i]
		if p.State != ice.CandidatePairStateSucceeded {
			continue
		}
		if fallback == nil {
			fallback = p
		}
		if infoPath(p) == want && (best == nil || p.Nominated || p.CurrentRoundTripTime < best.CurrentRoundTripTime) {
			best = p
		}
	}
	switch {
	case best != nil:
		return best.ID, want, true
	case fallback != nil:
		return fallback.ID, infoPath(fallback), true
	}
	return 0, want, false
}

func infoPath(p *ice.CandidatePairInfo) Path {
	if p.LocalCandidateType == ice.CandidateTypeRelay || p.RemoteCandidateType == ice.CandidateTypeRelay {
		return PathRelay
	}
	return PathDirect
}
