package lab

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"time"
)

// DialTCP opens a TCP connection to raddr from inside namespace ns.
func (l *Lab) DialTCP(ctx context.Context, ns string, raddr netip.AddrPort) (net.Conn, error) {
	if err := l.checkNS(ns); err != nil {
		return nil, err
	}
	return dialTCP(ctx, ns, raddr)
}

// WaitTCP blocks until a TCP connection from namespace ns to raddr
// succeeds (it is closed again at once), retrying every 100 ms, or ctx is
// done.
func (l *Lab) WaitTCP(ctx context.Context, ns string, raddr netip.AddrPort) error {
	for {
		attempt, cancel := context.WithTimeout(ctx, time.Second)
		c, err := l.DialTCP(attempt, ns, raddr)
		cancel()
		if err == nil {
			return c.Close()
		}
		t := time.NewTimer(stunRetryInterval)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("lab: wait for tcp %s from %s: %w (last: %w)", raddr, ns, ctx.Err(), err)
		case <-t.C:
		}
	}
}
