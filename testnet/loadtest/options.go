package loadtest

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"time"
)

// Bounds on any run, whatever the options say.
const (
	MaxDuration = time.Minute
	MaxSenders  = 256
	MaxRequests = 2_000_000 // Rate × Duration: bounds the latency samples kept
)

// Errors of Options.
var (
	ErrNotLoopback = errors.New("load tests only target loopback addresses")
	ErrBadOptions  = errors.New("bad load test options")
)

// Options describe one bounded run.
type Options struct {
	Target   netip.AddrPort // a loopback address: anything else is refused
	Senders  int            // concurrent sockets, each with one request in flight
	Rate     float64        // cap on requests a second over all senders
	Duration time.Duration  // sending stops after this
	Timeout  time.Duration  // an answer later than this counts as lost
	// Listen opens each sender's socket; nil is net.ListenPacket.
	Listen func(network, address string) (net.PacketConn, error)
}

func (o Options) validate() error {
	switch {
	case !o.Target.Addr().Unmap().IsLoopback():
		return fmt.Errorf("%w: %s", ErrNotLoopback, o.Target)
	case o.Senders < 1 || o.Senders > MaxSenders:
		return fmt.Errorf("%w: senders %d not in 1-%d", ErrBadOptions, o.Senders, MaxSenders)
	case o.Duration <= 0 || o.Duration > MaxDuration:
		return fmt.Errorf("%w: duration %v not in (0, %v]", ErrBadOptions, o.Duration, MaxDuration)
	case o.Timeout <= 0 || o.Timeout > o.Duration:
		return fmt.Errorf("%w: timeout %v not in (0, duration]", ErrBadOptions, o.Timeout)
	case !(o.Rate > 0) || o.Rate*o.Duration.Seconds() > MaxRequests:
		return fmt.Errorf("%w: rate %g over %v is not 1-%d requests", ErrBadOptions, o.Rate, o.Duration, MaxRequests)
	}
	return nil
}
