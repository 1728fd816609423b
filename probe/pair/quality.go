package pair

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// burst sends Burst echo requests, BurstInterval apart, on pair p and
// times the echoes. The peer answers on a pair of the same kind where it
// has one.
func (s *Session) burst(ctx context.Context, path Path, p snap) Quality {
	q := Quality{Path: path, Local: p.Local, Remote: p.Remote}
	sent := make([]time.Time, s.o.Burst)
	rtts := make([]time.Duration, 0, s.o.Burst)
	seen := make([]bool, s.o.Burst)
	tick := time.NewTicker(s.o.BurstInterval)
	defer tick.Stop()
	var wait <-chan time.Time
	for seq := 0; ; {
		select {
		case <-ctx.Done():
			q.Note = "cut short: " + ctx.Err().Error()
			return finishQuality(q, rtts)
		case <-wait:
			return finishQuality(q, rtts)
		case <-tick.C:
			if seq >= s.o.Burst {
				continue
			}
			sent[seq] = time.Now()
			if _, err := s.conn.WriteToPair(p.id, encodeProbe(kindPing, path, uint16(seq))); err == nil {
				q.Sent++
			}
			if seq++; seq == s.o.Burst {
				wait = time.After(s.burstWait(rtts))
			}
		case m := <-s.wire.in:
			if m.kind != kindEcho || int(m.seq) >= s.o.Burst || sent[m.seq].IsZero() || seen[m.seq] {
				continue
			}
			seen[m.seq] = true
			rtts = append(rtts, time.Since(sent[m.seq]))
			if m.path != path && q.Note == "" {
				q.Note = fmt.Sprintf("the peer answered over a %s path", m.path)
			}
			if len(rtts) == q.Sent && wait != nil {
				return finishQuality(q, rtts)
			}
		}
	}
}

// burstWait is how long to wait for echoes after the last send: twice the
// slowest echo so far, or the RTT allowance when none came back.
func (s *Session) burstWait(rtts []time.Duration) time.Duration {
	if len(rtts) == 0 {
		return 2 * s.o.RTTAllowance
	}
	return max(2*slices.Max(rtts), 4*s.o.BurstInterval)
}

// finishQuality turns the RTT samples, in arrival order, into min, median,
// max and jitter (mean absolute difference of consecutive samples).
func finishQuality(q Quality, rtts []time.Duration) Quality {
	q.Received = len(rtts)
	if len(rtts) == 0 {
		return q
	}
	var diff time.Duration
	for i := 1; i < len(rtts); i++ {
		d := rtts[i] - rtts[i-1]
		diff += max(d, -d)
	}
	if len(rtts) > 1 {
		q.Jitter = diff / time.Duration(len(rtts)-1)
	}
	sorted := slices.Sorted(slices.Values(rtts))
	q.RTTMin, q.RTTMax = sorted[0], sorted[len(sorted)-1]
	q.RTTMedian = median(sorted)
	return q
}

func median(sorted []time.Duration) time.Duration {
	n := len(sorted)
	if n%2 == 1 {
		return sorted[n/2]
	}
	return (sorted[n/2-1] + sorted[n/2]) / 2
}
