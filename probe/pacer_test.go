package probe

import (
	"context"
	"fmt"
	"math"
	"os"
	"strconv"
	"testing"
	"testing/synctest"
	"time"
)

// udpBlockedBy is how soon a cold run must call UDP blocked: well inside
// the CLI's default deadline, and never the old fixed 3 s per test.
const udpBlockedBy = 3 * time.Second

// TestPacerDefaults keeps the timeout constants consistent with each other
// (in the manner of Tailscale's TestReportTimeouts).
func TestPacerDefaults(t *testing.T) {
	o := PacerOptions{}.withDefaults()
	want := PacerOptions{Initial: DefaultInitialInterval, FalseNoReply: DefaultFalseNoReply, MinAttempts: DefaultMinAttempts,
		MaxAttempts: DefaultMaxAttempts, DeadAfter: DefaultDeadAfter, NoAnswerAfter: DefaultNoAnswerAfter}
	if o != want {
		t.Fatalf("zero options became %+v, want %+v", o, want)
	}
	cold := NewPacer(PacerOptions{})
	need := cold.attemptsNeeded()
	checks := []struct {
		name string
		ok   bool
	}{
		{"MinAttempts ≤ MaxAttempts ≤ the exchange's cap", DefaultMinAttempts <= DefaultMaxAttempts && DefaultMaxAttempts <= maxAttempts},
		{"with no evidence, silence needs MaxAttempts", cold.Loss() == 1 && need == DefaultMaxAttempts},
		{"MaxAttempts meets the budget at half loss", math.Pow(0.5, float64(DefaultMaxAttempts)) <= DefaultFalseNoReply},
		{"UDP blocked is told in time", DefaultNoAnswerAfter <= udpBlockedBy},
		{"a dead server is not judged before a live far one could answer", DefaultDeadAfter <= DefaultNoAnswerAfter},
		{"the back-off leaves MinAttempts in NoAnswerAfter", backoffSends(DefaultNoAnswerAfter) >= DefaultMinAttempts},
		{"retransmission caps are ordered", 2*minInterval <= maxNegativeInterval && maxNegativeInterval < maxPositiveInterval},
		{"several attempts fit before DeadAfter", 4*DefaultInitialInterval <= DefaultDeadAfter},
		{"slack is small beside DeadAfter", 10*windowSlack < DefaultDeadAfter},
	}
	for _, c := range checks {
		if !c.ok {
			t.Errorf("inconsistent: %s", c.name)
		}
	}
	for _, hi := range []time.Duration{time.Millisecond, 5 * time.Millisecond, 20 * time.Millisecond, 50 * time.Millisecond,
		100 * time.Millisecond, 200 * time.Millisecond, maxPositiveInterval} {
		t.Run(fmt.Sprintf("rtt %v", hi), func(t *testing.T) {
			p := NewPacer(PacerOptions{})
			p.observe(hi, 0)
			neg, okNeg := p.window(modeMaybeSilent)
			pos, okPos := p.window(modeAnswer)
			switch {
			case !okNeg || !okPos:
				t.Fatal("no window with a measured RTT")
			case neg >= DefaultDeadAfter:
				t.Errorf("negative window %v ≥ DeadAfter %v: a filtered test would outwait a dead server", neg, DefaultDeadAfter)
			case neg > pos:
				t.Errorf("negative window %v > positive %v", neg, pos)
			case neg <= hi:
				t.Errorf("negative window %v ≤ RTT: a reply in time would count as silence", neg)
			case p.interval(modeMaybeSilent, 1) >= neg:
				t.Errorf("negative interval %v ≥ its window %v: attempts would not overlap", p.interval(modeMaybeSilent, 1), neg)
			case p.interval(modeAnswer, 1) < min(hi, maxPositiveInterval):
				t.Errorf("positive interval %v < RTT %v: retransmits before an answer could come", p.interval(modeAnswer, 1), hi)
			}
		})
	}
}

// backoffSends counts the attempts a cold exchange makes within d.
func backoffSends(d time.Duration) int {
	p := NewPacer(PacerOptions{})
	n := 0
	for at := time.Duration(0); at < d; at += p.interval(modeAnswer, n) {
		n++
	}
	return n
}

// withLoss is a Pacer that has seen 1000 attempts at the given loss.
func withLoss(o PacerOptions, loss float64) *Pacer {
	p := NewPacer(o)
	p.observe(20*time.Millisecond, 0)
	p.trials, p.fails = 1000, int(loss*1000)
	return p
}

func TestPacerAttemptsNeeded(t *testing.T) {
	tests := []struct {
		loss     float64
		min, max int // bounds the attempts needed must stay in
	}{
		{0, DefaultMinAttempts, DefaultMinAttempts},
		{0.2, DefaultMinAttempts + 1, DefaultMaxAttempts / 2},
		{1 - 0.8*0.8, DefaultMinAttempts + 1, DefaultMaxAttempts - 1}, // 20% loss each way
		{0.5, DefaultMinAttempts + 1, DefaultMaxAttempts},
	}
	prev := 0
	for _, tt := range tests {
		t.Run(fmt.Sprintf("loss %.0f%%", 100*tt.loss), func(t *testing.T) {
			p := withLoss(PacerOptions{}, tt.loss)
			k, q := p.attemptsNeeded(), p.Loss()
			if k < tt.min || k > tt.max || k < prev {
				t.Errorf("%d attempts needed at loss %.3f, want %d..%d and ≥ %d", k, q, tt.min, tt.max, prev)
			}
			if k < DefaultMaxAttempts && math.Pow(q, float64(k)) > DefaultFalseNoReply {
				t.Errorf("%d attempts at loss %.3f: false silence %.2g > budget %g", k, q, math.Pow(q, float64(k)), DefaultFalseNoReply)
			}
			if k > DefaultMinAttempts && math.Pow(q, float64(k-1)) <= DefaultFalseNoReply {
				t.Errorf("%d attempts at loss %.3f: %d would do", k, q, k-1)
			}
			prev = k
		})
	}
}

// Whatever the options, an exchange must be able to reach the attempts a
// verdict needs: it stops sending at maxAttempts.
func TestPacerOptionsWithinExchangeCap(t *testing.T) {
	for _, o := range []PacerOptions{{MinAttempts: 100}, {MaxAttempts: 1000}, {MinAttempts: 70, MaxAttempts: 80}, {FalseNoReply: 1e-300}} {
		t.Run(fmt.Sprintf("%+v", o), func(t *testing.T) {
			if k := withLoss(o, 0.9).attemptsNeeded(); k > maxAttempts {
				t.Errorf("%d attempts needed, but an exchange sends at most %d", k, maxAttempts)
			}
		})
	}
}

// TestPacerFalseNoReplyAt20PercentLoss measures the Pacer as the
// Transactor really feeds it: exchanges over a link losing 20% each way
// (an attempt fails with 1-0.8·0.8 = 36%), then the chance that a live
// path is judged silent with the attempts it then asks for, 0.36^k,
// averaged over loss patterns. It must stay ≤ 1e-5 however few answers
// the estimate rests on (the budget is 1e-6; 1e-5 leaves room for the
// sampling of this test).
func TestPacerFalseNoReplyAt20PercentLoss(t *testing.T) {
	const perAttempt = 1 - 0.8*0.8
	seeds := 40
	if s := os.Getenv("PACER_SEEDS"); s != "" {
		seeds, _ = strconv.Atoi(s)
	}
	if testing.Short() {
		seeds = 10
	}
	for _, n := range []int{1, 4, 16, 48} {
		t.Run(fmt.Sprintf("after %d answers", n), func(t *testing.T) {
			var sum, worst, lossSum float64
			for seed := range seeds {
				synctest.Test(t, func(t *testing.T) {
					l := newLink(t, 20, uint64(seed+1))
					l.scriptServer(t, answer)
					tr, p := l.transactor(t), NewPacer(PacerOptions{})
					for i := range n {
						if _, err := tr.exchange(context.Background(), p, plain(serverAddr)); err != nil {
							t.Fatalf("seed %d exchange %d: %v", seed, i, err)
						}
					}
					pf := math.Pow(perAttempt, float64(p.attemptsNeeded()))
					sum, worst, lossSum = sum+pf, max(worst, pf), lossSum+p.Loss()
				})
			}
			mean := sum / float64(seeds)
			t.Logf("estimated loss %.3f (true %.2f); false no-reply: mean %.2g, worst seed %.2g", lossSum/float64(seeds), perAttempt, mean, worst)
			if mean > 1e-5 {
				t.Errorf("false no-reply %.2g > 1e-5", mean)
			}
		})
	}
}
