package loadtest

import (
	"context"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"net"
	"slices"
	"sync"
	"time"
)

// Result is what one run measured.
type Result struct {
	Sent, Answered, Lost int
	Elapsed              time.Duration // from the first send to the last answer or timeout
	PerSecond            float64       // answered requests a second
	P50, P99, Max        time.Duration // latency of answered requests
}

func (r Result) String() string {
	return fmt.Sprintf("%d sent, %d answered, %d lost in %v: %.0f responses/s, p50 %v, p99 %v, max %v",
		r.Sent, r.Answered, r.Lost, r.Elapsed.Round(time.Millisecond), r.PerSecond, r.P50, r.P99, r.Max)
}

// Run sends Binding requests to o.Target for o.Duration and returns the
// figures. It stops early, with what it has, when ctx ends.
func Run(ctx context.Context, o Options) (Result, error) {
	if err := o.validate(); err != nil {
		return Result{}, err
	}
	listen := o.Listen
	if listen == nil {
		listen = net.ListenPacket
	}
	conns := make([]net.PacketConn, o.Senders)
	for i := range conns {
		c, err := listen("udp", netipLocal(o))
		if err != nil {
			closeAll(conns)
			return Result{}, fmt.Errorf("sender socket: %w", err)
		}
		conns[i] = c
	}
	defer closeAll(conns)
	ctx, cancel := context.WithTimeout(ctx, o.Duration)
	defer cancel()
	interval := time.Duration(float64(o.Senders) / o.Rate * float64(time.Second))
	samples := make([]senderResult, o.Senders)
	start := time.Now()
	var wg sync.WaitGroup
	for i, c := range conns {
		wg.Go(func() {
			samples[i] = runSender(ctx, c, o, interval, time.Duration(i)*interval/time.Duration(o.Senders))
		})
	}
	wg.Wait()
	return summarize(samples, time.Since(start)), nil
}

func netipLocal(o Options) string {
	if o.Target.Addr().Is6() && !o.Target.Addr().Is4In6() {
		return "[::1]:0"
	}
	return "127.0.0.1:0"
}

func closeAll(conns []net.PacketConn) {
	for _, c := range conns {
		if c != nil {
			_ = c.Close()
		}
	}
}

// senderResult is one sender's tallies.
type senderResult struct {
	sent, lost int
	latencies  []time.Duration
}

// runSender sends one request, waits for its answer or the timeout, and
// paces itself to one request per interval, until ctx ends.
func runSender(ctx context.Context, c net.PacketConn, o Options, interval, offset time.Duration) senderResult {
	var r senderResult
	dst := net.UDPAddrFromAddrPort(o.Target)
	req := bindingRequest()
	buf := make([]byte, 1500)
	next := time.Now().Add(offset)
	for {
		if !waitUntil(ctx, next) {
			return r
		}
		next = next.Add(interval)
		binary.BigEndian.PutUint64(req[8:16], rand.Uint64())
		binary.BigEndian.PutUint32(req[16:20], rand.Uint32())
		sent := time.Now()
		if _, err := c.WriteTo(req, dst); err != nil {
			return r
		}
		r.sent++
		if at, ok := awaitAnswer(c, buf, req[8:20], sent.Add(o.Timeout)); ok {
			r.latencies = append(r.latencies, at.Sub(sent))
		} else {
			r.lost++
		}
	}
}

// waitUntil sleeps until t; false if ctx ended first.
func waitUntil(ctx context.Context, t time.Time) bool {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err() == nil
	}
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-tm.C:
		return true
	}
}

// awaitAnswer reads until the Binding success for transaction id arrives,
// and returns when, or until the deadline passes (or the socket fails).
// Late answers to earlier transactions are skipped.
func awaitAnswer(c net.PacketConn, buf, id []byte, deadline time.Time) (time.Time, bool) {
	if err := c.SetReadDeadline(deadline); err != nil {
		return time.Time{}, false
	}
	for {
		n, _, err := c.ReadFrom(buf)
		if err != nil {
			return time.Time{}, false
		}
		if n >= 20 && buf[0] == 0x01 && buf[1] == 0x01 && string(buf[8:20]) == string(id) {
			return time.Now(), true
		}
	}
}

// bindingRequest is a 20-byte Binding request with the magic cookie; the
// transaction ID is filled per send.
func bindingRequest() []byte {
	req := make([]byte, 20)
	binary.BigEndian.PutUint16(req[0:2], 0x0001)
	binary.BigEndian.PutUint32(req[4:8], 0x2112A442)
	return req
}

func summarize(rs []senderResult, elapsed time.Duration) Result {
	var res Result
	var all []time.Duration
	for _, r := range rs {
		res.Sent += r.sent
		res.Lost += r.lost
		all = append(all, r.latencies...)
	}
	res.Answered, res.Elapsed = len(all), elapsed
	if elapsed > 0 {
		res.PerSecond = float64(res.Answered) / elapsed.Seconds()
	}
	if len(all) == 0 {
		return res
	}
	slices.Sort(all)
	res.P50, res.P99, res.Max = percentile(all, 50), percentile(all, 99), all[len(all)-1]
	return res
}

// percentile of sorted samples, nearest-rank.
func percentile(sorted []time.Duration, p int) time.Duration {
	i := (len(sorted)*p + 99) / 100
	return sorted[max(0, min(len(sorted), i)-1)]
}
