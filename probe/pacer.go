package probe

import (
	"math"
	"sync"
	"time"
)

// PacerOptions tune how long natcheck waits for replies that may never come.
// The zero value means the defaults below.
type PacerOptions struct {
	// Initial is the retransmission interval before any RTT is measured.
	Initial time.Duration
	// FalseNoReply is the accepted chance that a live path is judged silent
	// because every attempt was lost (default 1e-4).
	FalseNoReply float64
	// MinAttempts and MaxAttempts bound the unanswered attempts needed for
	// "no reply" (defaults 3 and 24).
	MinAttempts, MaxAttempts int
	// DeadAfter is the least time a server gets before it is judged silent
	// (default 1s): a far server must not lose to a near one's RTT.
	DeadAfter time.Duration
	// NoAnswerAfter is how long the first attempts may go unanswered when
	// nothing at all has answered yet before silence is the verdict (UDP
	// blocked; default 2s).
	NoAnswerAfter time.Duration
}

// Defaults for PacerOptions; TestPacerDefaults keeps them consistent.
const (
	DefaultInitialInterval = 100 * time.Millisecond
	DefaultFalseNoReply    = 1e-6
	DefaultMinAttempts     = 3
	DefaultMaxAttempts     = 24
	DefaultDeadAfter       = time.Second
	DefaultNoAnswerAfter   = 2 * time.Second
	windowSlack            = 50 * time.Millisecond
	minInterval            = 10 * time.Millisecond
	maxPositiveInterval    = 400 * time.Millisecond
	maxNegativeInterval    = 200 * time.Millisecond
)

func (o PacerOptions) withDefaults() PacerOptions {
	if o.Initial <= 0 {
		o.Initial = DefaultInitialInterval
	}
	if o.FalseNoReply <= 0 || o.FalseNoReply >= 1 {
		o.FalseNoReply = DefaultFalseNoReply
	}
	if o.MinAttempts <= 0 {
		o.MinAttempts = DefaultMinAttempts
	}
	if o.MaxAttempts < o.MinAttempts {
		o.MaxAttempts = max(DefaultMaxAttempts, o.MinAttempts)
	}
	// An exchange stops sending at maxAttempts: needing more would leave
	// silence unjudged until the deadline.
	o.MaxAttempts = min(o.MaxAttempts, maxAttempts)
	o.MinAttempts = min(o.MinAttempts, o.MaxAttempts)
	if o.DeadAfter <= 0 {
		o.DeadAfter = DefaultDeadAfter
	}
	if o.NoAnswerAfter <= 0 {
		o.NoAnswerAfter = max(DefaultNoAnswerAfter, o.DeadAfter)
	}
	return o
}

// mode says what an exchange expects: an answer (a live server), or possibly
// nothing at all (a filtered CHANGE-REQUEST, a hairpin that never comes back).
type mode int

const (
	modeAnswer mode = iota
	modeMaybeSilent
)

// Pacer is the run-wide estimate of round-trip time and loss that every
// exchange shares: it sets retransmission intervals, how long a reply may
// still arrive, and how many unanswered attempts make "no reply" credible.
type Pacer struct {
	opts   PacerOptions
	mu     sync.Mutex
	maxRTT time.Duration
	minRTT time.Duration
	trials int // attempts whose fate is known
	fails  int // of those, unanswered
}

// NewPacer returns a Pacer with no measurements yet.
func NewPacer(o PacerOptions) *Pacer { return &Pacer{opts: o.withDefaults()} }

// observe records an answered exchange: its RTT, and how many earlier
// attempts of it had certainly been lost when the answer came.
func (p *Pacer) observe(rtt time.Duration, lost int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if rtt > p.maxRTT {
		p.maxRTT = rtt
	}
	if p.minRTT == 0 || rtt < p.minRTT {
		p.minRTT = rtt
	}
	p.trials += lost + 1
	p.fails += lost
}

// RTT returns the smallest and largest RTT measured so far (zero before any).
func (p *Pacer) RTT() (lo, hi time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.minRTT, p.maxRTT
}

// lossConfidence is the z of the one-sided 95% Wilson bound in Loss.
const lossConfidence = 1.645

// Loss is the chance that one attempt gets no answer, as the pacer uses it:
// the upper end of a one-sided 95% Wilson score interval over the attempts
// whose fate is known (1 before any). A point estimate is too low exactly
// when few answers have come in, and a low estimate asks for too few silent
// attempts: at 20% loss each way that read a live path as filtered about
// once in 10⁴ tests. The bound asks for more attempts while evidence is
// thin and converges on the measured loss as it grows.
func (p *Pacer) Loss() float64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return wilsonUpper(p.fails, p.trials, lossConfidence)
}

// wilsonUpper is the upper Wilson score bound for k failures in n trials.
func wilsonUpper(k, n int, z float64) float64 {
	if n == 0 {
		return 1
	}
	nf, ph, z2 := float64(n), float64(k)/float64(n), z*z
	centre := ph + z2/(2*nf)
	spread := z * math.Sqrt(ph*(1-ph)/nf+z2/(4*nf*nf))
	return min(1, (centre+spread)/(1+z2/nf))
}

// MeasuredLoss is the share of attempts with known fate that went
// unanswered (0 before any): the figure for the report.
func (p *Pacer) MeasuredLoss() float64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.trials == 0 {
		return 0
	}
	return float64(p.fails) / float64(p.trials)
}

// interval is the time between attempts of one exchange that has made
// sent attempts so far. Before any RTT is measured it backs off from
// Initial, doubling up to maxPositiveInterval: there is no telling a far
// server from a dead one yet, and no reason to flood either.
func (p *Pacer) interval(m mode, sent int) time.Duration {
	_, hi := p.RTT()
	if hi == 0 {
		d := p.opts.Initial
		for i := 1; i < sent && d < maxPositiveInterval; i++ {
			d *= 2
		}
		return min(d, maxPositiveInterval)
	}
	if m == modeMaybeSilent {
		return clamp(hi/2, minInterval, maxNegativeInterval)
	}
	return clamp(hi+hi/5+5*time.Millisecond, 2*minInterval, maxPositiveInterval)
}

// window is how long after an attempt its answer may still arrive; ok is
// false while no RTT has been measured (see silence for that case).
func (p *Pacer) window(m mode) (time.Duration, bool) {
	_, hi := p.RTT()
	if hi == 0 {
		return 0, false
	}
	if m == modeAnswer {
		return max(4*hi, p.opts.DeadAfter/2), true
	}
	lo, _ := p.RTT()
	// Slack grows with the jitter this run has seen: on a jittery link a
	// late answer must not pass for a filtered one.
	return 2*hi + max(windowSlack, 2*(hi-lo)), true
}

// attemptsNeeded is how many attempts, each past its window, must go
// unanswered before "no reply" is the verdict: the least k with
// loss^k <= FalseNoReply, within [MinAttempts, MaxAttempts].
func (p *Pacer) attemptsNeeded() int {
	q := p.Loss()
	if q >= 1 {
		return p.opts.MaxAttempts
	}
	k := int(math.Ceil(math.Log(p.opts.FalseNoReply) / math.Log(q)))
	return min(max(k, p.opts.MinAttempts), p.opts.MaxAttempts)
}

func clamp(d, lo, hi time.Duration) time.Duration { return min(max(d, lo), hi) }
