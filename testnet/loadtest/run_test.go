package loadtest

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"sync/atomic"
	"testing"
	"time"
)

func TestOptionsValidate(t *testing.T) {
	ok := Options{Target: netip.MustParseAddrPort("127.0.0.1:3478"), Senders: 4, Rate: 1000, Duration: time.Second, Timeout: 100 * time.Millisecond}
	tests := []struct {
		name string
		edit func(o *Options)
		err  error
	}{
		{"valid", func(*Options) {}, nil},
		{"other loopback address", func(o *Options) { o.Target = netip.MustParseAddrPort("127.0.0.2:3478") }, nil},
		{"ipv6 loopback", func(o *Options) { o.Target = netip.MustParseAddrPort("[::1]:3478") }, nil},
		{"public target", func(o *Options) { o.Target = netip.MustParseAddrPort("198.51.100.1:3478") }, ErrNotLoopback},
		{"private target", func(o *Options) { o.Target = netip.MustParseAddrPort("10.0.0.1:3478") }, ErrNotLoopback},
		{"no target", func(o *Options) { o.Target = netip.AddrPort{} }, ErrNotLoopback},
		{"no senders", func(o *Options) { o.Senders = 0 }, ErrBadOptions},
		{"too many senders", func(o *Options) { o.Senders = MaxSenders + 1 }, ErrBadOptions},
		{"no duration", func(o *Options) { o.Duration = 0 }, ErrBadOptions},
		{"too long", func(o *Options) { o.Duration = 2 * MaxDuration }, ErrBadOptions},
		{"timeout longer than run", func(o *Options) { o.Timeout = 2 * time.Second }, ErrBadOptions},
		{"no rate", func(o *Options) { o.Rate = 0 }, ErrBadOptions},
		{"too many requests", func(o *Options) { o.Rate = MaxRequests * 2 }, ErrBadOptions},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := ok
			tt.edit(&o)
			if err := o.validate(); !errors.Is(err, tt.err) {
				t.Fatalf("validate: %v, want %v", err, tt.err)
			}
			if tt.err == nil {
				return
			}
			if _, err := Run(context.Background(), o); !errors.Is(err, tt.err) {
				t.Fatalf("Run: %v, want %v", err, tt.err)
			}
		})
	}
}

func TestPercentile(t *testing.T) {
	ms := func(n ...int) []time.Duration {
		out := make([]time.Duration, len(n))
		for i, v := range n {
			out[i] = time.Duration(v) * time.Millisecond
		}
		return out
	}
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[i] = i + 1
	}
	tests := []struct {
		name   string
		sorted []time.Duration
		p      int
		want   time.Duration
	}{
		{"one sample", ms(7), 99, 7 * time.Millisecond},
		{"p50 of 1..100", ms(hundred...), 50, 50 * time.Millisecond},
		{"p99 of 1..100", ms(hundred...), 99, 99 * time.Millisecond},
		{"p99 of 10 is the max", ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 99, 10 * time.Millisecond},
		{"p50 of 4", ms(1, 2, 3, 4), 50, 2 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := percentile(tt.sorted, tt.p); got != tt.want {
				t.Fatalf("percentile = %v, want %v", got, tt.want)
			}
		})
	}
}

// echoServer answers Binding requests on loopback, skipping every n-th
// (n = 0: none), and counts what it saw.
func echoServer(t *testing.T, skipEvery int64) (netip.AddrPort, *atomic.Int64) {
	t.Helper()
	pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = pc.Close() })
	var seen atomic.Int64
	go func() {
		buf := make([]byte, 1500)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			if k := seen.Add(1); n < 20 || (skipEvery > 0 && k%skipEvery == 0) {
				continue
			}
			buf[0], buf[1] = 0x01, 0x01 // Binding success, same transaction
			_, _ = pc.WriteTo(buf[:20], from)
		}
	}()
	return netip.MustParseAddrPort(pc.LocalAddr().String()), &seen
}

func TestRunCountsAndCaps(t *testing.T) {
	tests := []struct {
		name      string
		skipEvery int64
		wantLost  bool
	}{
		{"all answered", 0, false},
		{"every third lost", 3, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target, seen := echoServer(t, tt.skipEvery)
			o := Options{Target: target, Senders: 3, Rate: 150, Duration: 300 * time.Millisecond, Timeout: 50 * time.Millisecond}
			r, err := Run(context.Background(), o)
			if err != nil {
				t.Fatal(err)
			}
			if r.Sent != r.Answered+r.Lost || int64(r.Sent) != seen.Load() {
				t.Fatalf("%v: sent %d, answered+lost %d, server saw %d", r, r.Sent, r.Answered+r.Lost, seen.Load())
			}
			if limit := int(o.Rate*o.Duration.Seconds()) + o.Senders; r.Sent > limit || r.Sent == 0 {
				t.Fatalf("%v: want 1-%d requests at the rate cap", r, limit)
			}
			if (r.Lost > 0) != tt.wantLost {
				t.Fatalf("%v: lost %d, want lost: %v", r, r.Lost, tt.wantLost)
			}
			if r.Answered > 0 && (r.P50 <= 0 || r.P99 < r.P50 || r.Max < r.P99 || r.P99 > o.Timeout) {
				t.Fatalf("%v: latency percentiles out of order", r)
			}
		})
	}
}
