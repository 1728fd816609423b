package lab

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"time"
)

// stunRetryInterval is the pause between Binding requests while waiting for
// a server; a lab RTT is far below it.
const stunRetryInterval = 100 * time.Millisecond

// BindingRequest sends STUN Binding requests from conn to server,
// retransmitting every 100 ms, and returns the mapped address of the first
// valid answer from server. It gives up when ctx is done. conn's read
// deadline is changed.
func BindingRequest(ctx context.Context, conn *net.UDPConn, server netip.AddrPort) (netip.AddrPort, error) {
	req, id, err := newBindingRequest()
	if err != nil {
		return netip.AddrPort{}, err
	}
	buf := make([]byte, 1500)
	lastErr := errors.New("no answer")
	for {
		if _, err := conn.WriteToUDPAddrPort(req, server); err != nil {
			lastErr = err
		}
		deadline := time.Now().Add(stunRetryInterval)
		if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
			deadline = d
		}
		if err := conn.SetReadDeadline(deadline); err != nil {
			return netip.AddrPort{}, fmt.Errorf("lab: stun binding: %w", err)
		}
		for {
			n, from, err := conn.ReadFromUDPAddrPort(buf)
			if err != nil {
				lastErr = err
				break
			}
			if from.Addr().Unmap() != server.Addr() || from.Port() != server.Port() {
				continue
			}
			mapped, err := parseBindingSuccess(buf[:n], id)
			if err != nil {
				lastErr = err
				continue
			}
			return mapped, nil
		}
		// A read that failed early (not by the deadline) must not turn the
		// loop into a busy one.
		if wait := time.Until(deadline); wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-ctx.Done():
			case <-t.C:
			}
			t.Stop()
		}
		if ctx.Err() != nil {
			return netip.AddrPort{}, fmt.Errorf("lab: no STUN answer from %s: %w (last: %w)", server, ctx.Err(), lastErr)
		}
	}
}

// STUNBinding sends Binding requests from a fresh socket inside namespace
// ns to server (see BindingRequest) and returns the mapped address.
func (l *Lab) STUNBinding(ctx context.Context, ns string, server netip.AddrPort) (netip.AddrPort, error) {
	conn, err := l.ListenUDP(ctx, ns, netip.AddrPort{})
	if err != nil {
		return netip.AddrPort{}, err
	}
	defer conn.Close()
	mapped, err := BindingRequest(ctx, conn, server)
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("%w (from %s)", err, ns)
	}
	return mapped, nil
}

// WaitSTUN blocks until server answers a STUN Binding request sent from
// inside namespace ns, or ctx is done. Use it to wait for coturn or
// `natcheck server` to come up.
func (l *Lab) WaitSTUN(ctx context.Context, ns string, server netip.AddrPort) error {
	_, err := l.STUNBinding(ctx, ns, server)
	return err
}

// WaitSTUNAll waits for every server in turn (see WaitSTUN).
func (l *Lab) WaitSTUNAll(ctx context.Context, ns string, servers ...netip.AddrPort) error {
	if len(servers) == 0 {
		return errors.New("lab: wait: no servers given")
	}
	for _, s := range servers {
		if err := l.WaitSTUN(ctx, ns, s); err != nil {
			return err
		}
	}
	return nil
}
