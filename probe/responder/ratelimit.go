package responder

import (
	"container/list"
	"errors"
	"net"
	"net/netip"
	"sync"
	"time"
)

// DefaultMaxSources caps how many sources a Limiter remembers.
const DefaultMaxSources = 100_000

// Default per-source limits. One natcheck run sends up to a few hundred
// requests within its deadline (several sockets, retransmissions under
// loss); the limit must never cut into that, because a dropped
// CHANGE-REQUEST looks exactly like filtering to the client.
const (
	DefaultRate  = 100 // requests a second
	DefaultBurst = 400
)

// LimitOptions tune a Limiter: a token bucket per source that refills at
// Rate tokens a second up to Burst, one token per datagram.
type LimitOptions struct {
	Rate       float64          // tokens a second; must be > 0
	Burst      int              // bucket size; 0 means max(1, Rate)
	MaxSources int              // remembered sources; 0 means DefaultMaxSources
	Now        func() time.Time // clock; nil means time.Now
}

// ErrBadLimit is returned for options a Limiter cannot run with.
var ErrBadLimit = errors.New("bad rate limit")

// Limiter is a per-source token bucket with bounded memory: it remembers at
// most MaxSources sources and forgets the least recently seen first, so a
// flood of spoofed sources costs a fixed amount of memory. IPv4 sources are
// limited per address, IPv6 sources per /64 (one host's usual share).
type Limiter struct {
	rate  float64
	burst float64
	max   int
	now   func() time.Time

	mu      sync.Mutex
	buckets map[netip.Addr]*list.Element
	lru     list.List // of *bucket, most recent at front
}

type bucket struct {
	key    netip.Addr
	tokens float64
	last   time.Time
}

// NewLimiter returns a Limiter for o.
func NewLimiter(o LimitOptions) (*Limiter, error) {
	if !(o.Rate > 0) || o.Burst < 0 || o.MaxSources < 0 {
		return nil, ErrBadLimit
	}
	if o.Burst == 0 {
		o.Burst = max(1, int(o.Rate))
	}
	if o.MaxSources == 0 {
		o.MaxSources = DefaultMaxSources
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Limiter{rate: o.Rate, burst: float64(o.Burst), max: o.MaxSources, now: o.Now,
		buckets: make(map[netip.Addr]*list.Element)}, nil
}

// Allow reports whether a datagram from src may be answered; it has the
// shape of Hooks.Allow. Sources that are not UDP addresses are refused.
func (l *Limiter) Allow(src net.Addr) bool {
	ap := udpAddrPort(src)
	if !ap.IsValid() {
		return false
	}
	return l.AllowAddr(ap.Addr())
}

// AllowAddr takes one token from the bucket of ip's source key.
func (l *Limiter) AllowAddr(ip netip.Addr) bool {
	key := sourceKey(ip)
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.lookup(key, now)
	if elapsed := now.Sub(b.last).Seconds(); elapsed > 0 {
		b.tokens = min(l.burst, b.tokens+elapsed*l.rate)
	}
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// Len is how many sources the limiter remembers now.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.buckets)
}

// lookup finds key's bucket and marks it recent, making a full one (and
// forgetting the least recent source when at capacity) if it is new.
func (l *Limiter) lookup(key netip.Addr, now time.Time) *bucket {
	if e, ok := l.buckets[key]; ok {
		l.lru.MoveToFront(e)
		return e.Value.(*bucket)
	}
	if len(l.buckets) >= l.max {
		oldest := l.lru.Back()
		l.lru.Remove(oldest)
		delete(l.buckets, oldest.Value.(*bucket).key)
	}
	b := &bucket{key: key, tokens: l.burst, last: now}
	l.buckets[key] = l.lru.PushFront(b)
	return b
}

// sourceKey is what one bucket covers: an IPv4 address or an IPv6 /64.
func sourceKey(ip netip.Addr) netip.Addr {
	ip = ip.Unmap()
	if ip.Is4() {
		return ip
	}
	p, err := ip.WithZone("").Prefix(64)
	if err != nil {
		return ip
	}
	return p.Addr()
}
