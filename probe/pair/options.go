package pair

import (
	"fmt"
	"time"

	"github.com/natcheck/natcheck/natclass"
	"github.com/pion/logging"
	"github.com/pion/stun/v3"
	"github.com/pion/transport/v4"
)

// Defaults.
const (
	DefaultCheckInterval      = 20 * time.Millisecond
	DefaultMaxBindingRequests = 7
	DefaultRTTAllowance       = 500 * time.Millisecond
	DefaultBurst              = 20
	DefaultBurstInterval      = 20 * time.Millisecond
	maxWindow                 = 2 * time.Minute
)

// Options configure one side of a pair test. The zero value of every field
// but Net and URLs is a sensible default.
type Options struct {
	Net         transport.Net // the standard network or a vnet
	URLs        []*stun.URI   // stun: and turn: servers; TURN credentials in the URI fields
	Controlling bool          // this side nominates (RFC 8445 §7.2.5.3): the offerer
	NAT         natclass.Result

	CheckInterval      time.Duration // between rounds of checks; default 20 ms
	MaxBindingRequests uint16        // unanswered checks before a pair fails; default 7
	RTTAllowance       time.Duration // the slowest check round trip waited for; default 500 ms
	Window             time.Duration // how long nomination is held back; 0: sized from the pairs
	PeerDelay          time.Duration // how late the peer may start its checks (pasted tokens)
	Burst              int           // quality packets per path; default 20, negative: none
	BurstInterval      time.Duration // between quality packets; default 20 ms

	Logger   logging.LoggerFactory // pion's logs; nil: discarded
	Progress func(msg string)      // optional: one line per step, for --verbose
}

func (o Options) withDefaults() Options {
	if o.CheckInterval <= 0 {
		o.CheckInterval = DefaultCheckInterval
	}
	if o.MaxBindingRequests == 0 {
		o.MaxBindingRequests = DefaultMaxBindingRequests
	}
	if o.RTTAllowance <= 0 {
		o.RTTAllowance = DefaultRTTAllowance
	}
	if o.Burst == 0 {
		o.Burst = DefaultBurst
	}
	if o.BurstInterval <= 0 {
		o.BurstInterval = DefaultBurstInterval
	}
	if o.Logger == nil {
		lf := logging.NewDefaultLoggerFactory()
		lf.DefaultLogLevel = logging.LogLevelDisabled
		o.Logger = lf
	}
	return o
}

func (o Options) progress(format string, args ...any) {
	if o.Progress != nil {
		o.Progress(fmt.Sprintf(format, args...))
	}
}

// expectedPairs estimates the checklist before gathering: per side one host
// candidate, one server-reflexive candidate per STUN or TURN server (pion
// gathers srflx on TURN servers too), one relay per TURN server; each local
// candidate is paired with each remote one, and peer-reflexive candidates
// learnt during the checks may double that.
func expectedPairs(urls []*stun.URI) int {
	local := 1
	for _, u := range urls {
		local++
		if u.Scheme == stun.SchemeTypeTURN || u.Scheme == stun.SchemeTypeTURNS {
			local++
		}
	}
	return 2 * local * local
}

// checkRounds is how many unanswered checks fail a pair on this side. The
// controlling side keeps checking for an extra RTTAllowance: the peer starts
// its checks up to a signaling trip later, and a port-restricted hole only
// opens once both sides have sent, so checks that stop after
// MaxBindingRequests rounds (7 × 20 ms) can miss the peer's altogether.
func (o Options) checkRounds() uint16 {
	if !o.Controlling || o.CheckInterval <= 0 {
		return o.MaxBindingRequests
	}
	extra := int64(o.RTTAllowance / o.CheckInterval)
	return uint16(min(int64(o.MaxBindingRequests)+extra, 60000))
}

// CheckWindow is how long the controlling side holds nomination back so
// that every pair reaches succeeded or failed before pion stops checking
// (it does once a pair is selected). pion sends one check per pair per
// interval and fails a pair after MaxBindingRequests+1 unanswered rounds;
// late pairs (relay, peer-reflexive) and slow answers need room on top, and
// the agent's single loop serialises the checks of many pairs.
func CheckWindow(interval time.Duration, maxRequests uint16, rttAllowance time.Duration, pairs int) time.Duration {
	w := time.Duration(maxRequests+2)*interval + 2*rttAllowance + time.Duration(pairs)*interval/4
	return min(max(w, time.Second), maxWindow)
}
