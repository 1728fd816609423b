package responder

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sync"
	"testing"
	"time"
)

// manualClock is a clock the test moves by hand.
type manualClock struct{ t time.Time }

func (c *manualClock) now() time.Time          { return c.t }
func (c *manualClock) advance(d time.Duration) { c.t = c.t.Add(d) }

// step is one datagram (or a pause) in a limiter scenario.
type step struct {
	wait time.Duration // advance the clock first
	src  string        // source IP
	want bool
}

func TestLimiterAllow(t *testing.T) {
	a, b := "198.51.100.1", "198.51.100.2"
	tests := []struct {
		name  string
		opts  LimitOptions
		steps []step
	}{
		{"burst then refuse", LimitOptions{Rate: 1, Burst: 3}, []step{
			{0, a, true}, {0, a, true}, {0, a, true}, {0, a, false}, {0, a, false}}},
		{"refill at rate", LimitOptions{Rate: 2, Burst: 1}, []step{
			{0, a, true}, {0, a, false}, {250 * time.Millisecond, a, false},
			{250 * time.Millisecond, a, true}, {0, a, false}}},
		{"refill capped at burst", LimitOptions{Rate: 10, Burst: 2}, []step{
			{0, a, true}, {0, a, true}, {time.Hour, a, true}, {0, a, true}, {0, a, false}}},
		{"sources are independent", LimitOptions{Rate: 1, Burst: 1}, []step{
			{0, a, true}, {0, a, false}, {0, b, true}, {0, b, false}}},
		{"v4-mapped v6 is the v4 source", LimitOptions{Rate: 1, Burst: 1}, []step{
			{0, a, true}, {0, "::ffff:" + a, false}}},
		{"one ipv6 /64 shares a bucket", LimitOptions{Rate: 1, Burst: 1}, []step{
			{0, "2001:db8:1:2::1", true}, {0, "2001:db8:1:2:ffff::9", false}, {0, "2001:db8:1:3::1", true}}},
		{"default burst is the rate", LimitOptions{Rate: 2}, []step{
			{0, a, true}, {0, a, true}, {0, a, false}}},
		{"fractional rate", LimitOptions{Rate: 0.5, Burst: 1}, []step{
			{0, a, true}, {time.Second, a, false}, {time.Second, a, true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := &manualClock{t: time.Unix(1_700_000_000, 0)}
			tt.opts.Now = clk.now
			l, err := NewLimiter(tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			for i, s := range tt.steps {
				clk.advance(s.wait)
				if got := l.AllowAddr(netip.MustParseAddr(s.src)); got != s.want {
					t.Fatalf("step %d (%s after %v): Allow = %v, want %v", i, s.src, s.wait, got, s.want)
				}
			}
		})
	}
}

func TestLimiterBoundedMemory(t *testing.T) {
	clk := &manualClock{t: time.Unix(1_700_000_000, 0)}
	l, err := NewLimiter(LimitOptions{Rate: 1, Burst: 1, MaxSources: 100, Now: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	first := netip.MustParseAddr("10.0.0.1")
	if !l.AllowAddr(first) || l.AllowAddr(first) {
		t.Fatal("first source: want one datagram allowed, then refused")
	}
	for i := range 10_000 { // a flood of distinct (spoofed) sources
		l.AllowAddr(netip.AddrFrom4([4]byte{172, 16, byte(i >> 8), byte(i)}))
		if n := l.Len(); n > 100 {
			t.Fatalf("after %d sources the limiter remembers %d, want at most 100", i+1, n)
		}
	}
	if !l.AllowAddr(first) {
		t.Fatal("the least recently seen source was not forgotten")
	}
}

func TestLimiterKeepsRecentSource(t *testing.T) {
	clk := &manualClock{t: time.Unix(1_700_000_000, 0)}
	l, err := NewLimiter(LimitOptions{Rate: 1, Burst: 1, MaxSources: 3, Now: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	busy := netip.MustParseAddr("10.0.0.1")
	l.AllowAddr(busy)
	for i := range 20 {
		if l.AllowAddr(busy) { // seen again before each newcomer: stays remembered and empty
			t.Fatalf("round %d: busy source was forgotten while active", i)
		}
		l.AllowAddr(netip.AddrFrom4([4]byte{10, 9, 0, byte(i)}))
	}
}

func TestLimiterAllowNetAddr(t *testing.T) {
	l, err := NewLimiter(LimitOptions{Rate: 1, Burst: 1})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		src  net.Addr
		want bool
	}{
		{"udp source", &net.UDPAddr{IP: net.IPv4(192, 0, 2, 7), Port: 5000}, true},
		{"same udp source again", &net.UDPAddr{IP: net.IPv4(192, 0, 2, 7), Port: 5001}, false},
		{"tcp source refused", &net.TCPAddr{IP: net.IPv4(192, 0, 2, 8), Port: 5000}, false},
		{"nil IP refused", &net.UDPAddr{Port: 5000}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := l.Allow(tt.src); got != tt.want {
				t.Fatalf("Allow(%v) = %v, want %v", tt.src, got, tt.want)
			}
		})
	}
}

func TestNewLimiterErrors(t *testing.T) {
	tests := []struct {
		name string
		opts LimitOptions
	}{
		{"zero rate", LimitOptions{}},
		{"negative rate", LimitOptions{Rate: -1}},
		{"negative burst", LimitOptions{Rate: 1, Burst: -1}},
		{"negative max sources", LimitOptions{Rate: 1, MaxSources: -1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewLimiter(tt.opts); !errors.Is(err, ErrBadLimit) {
				t.Fatalf("got %v, want ErrBadLimit", err)
			}
		})
	}
}

func TestLimiterConcurrent(t *testing.T) {
	l, err := NewLimiter(LimitOptions{Rate: 1e-9, Burst: 50, MaxSources: 8})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	allowed := make([]int, 4)
	for g := range 4 {
		wg.Go(func() {
			for range 100 {
				if l.AllowAddr(netip.MustParseAddr("203.0.113.1")) {
					allowed[g]++
				}
			}
		})
	}
	wg.Wait()
	if total := allowed[0] + allowed[1] + allowed[2] + allowed[3]; total != 50 {
		t.Fatalf("%d datagrams allowed from one source, want exactly the burst of 50", total)
	}
}

func BenchmarkLimiterAllow(b *testing.B) {
	l, err := NewLimiter(LimitOptions{Rate: 10, Burst: 20})
	if err != nil {
		b.Fatal(err)
	}
	addrs := make([]netip.Addr, 1024)
	for i := range addrs {
		addrs[i] = netip.MustParseAddr(fmt.Sprintf("10.0.%d.%d", i/256, i%256))
	}
	b.ResetTimer()
	for i := range b.N {
		l.AllowAddr(addrs[i%len(addrs)])
	}
}
