package gather

import (
	"context"
	"fmt"
	"net"
	"time"

	"github.com/natcheck/natcheck/natclass"
	"github.com/pion/turn/v5"
)

// Relay test timing: each way of testing waits a multiple of the
// allocation's own duration (two transactions), within bounds.
const (
	relayWaitMin   = time.Second
	relayWaitMax   = 5 * time.Second
	relayWaitTimes = 8
)

// How the relay was shown to carry data (TURNResult.RelayVia).
const (
	// RelayViaPeer: from a second socket of this host, through its NAT, to
	// the relayed address and back: what a remote peer's packets do.
	RelayViaPeer = "peer"
	// RelayViaAllocation: between this allocation and a second one on the
	// same server, when this host's UDP did not reach the relayed address
	// (UDP blocked here, or the relay ports filtered).
	RelayViaAllocation = "allocation"
)

// relayWait is how long one relay test may take after an allocation that
// took alloc.
func relayWait(alloc time.Duration) time.Duration {
	return min(max(relayWaitTimes*alloc, relayWaitMin), relayWaitMax)
}

// checkRelay proves the allocation carries data both ways, from this host
// as a peer would, else through a second allocation, and records the
// outcome in r. A test cut short by the run's deadline stays NotTested.
func (e *env) checkRelay(ctx context.Context, t target, c *turn.Client, relay net.PacketConn, mapped *net.UDPAddr, r *TURNResult) {
	wait := relayWait(r.AllocateTime)
	rtt, err := e.peerRoundTrip(ctx, c, relay, mapped, wait)
	if err == nil {
		r.RelayData, r.RoundTrip, r.RelayVia = natclass.True, rtt, RelayViaPeer
		return
	}
	if ctx.Err() == nil {
		rtt, err2 := e.allocationRoundTrip(ctx, t, c, relay, wait)
		if err2 == nil {
			r.RelayData, r.RoundTrip, r.RelayVia = natclass.True, rtt, RelayViaAllocation
			r.RelayError = e.log.redact("from this host: " + err.Error())
			return
		}
		err = fmt.Errorf("from this host: %w; through a second allocation: %w", err, err2)
	}
	if ctx.Err() != nil {
		r.RelayData, r.RelayError = natclass.NotTested, "the deadline came before the relay test ended"
		return
	}
	r.RelayData, r.RelayError = natclass.False, e.log.redact(err.Error())
}

// peerRoundTrip sends probes from a second local socket (the peer) to the
// relayed address. The relay, which has permitted our public IP, echoes
// each probe back to where it came from, and the peer must receive it from
// the relayed address: that crosses the relay in both directions and our
// NAT in both directions (the peer's probe opens the NAT for the echo,
// whatever its mapping or filtering).
func (e *env) peerRoundTrip(ctx context.Context, c *turn.Client, relay net.PacketConn, mapped *net.UDPAddr, wait time.Duration) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	relayed, ok := relay.LocalAddr().(*net.UDPAddr)
	if !ok {
		return 0, fmt.Errorf("relayed address %v is not UDP", relay.LocalAddr())
	}
	ip, err := permitIP(ctx, c, mapped)
	if err != nil {
		return 0, err
	}
	network := udpNetwork(relayed.IP)
	peer, err := e.net.ListenPacket(network, anyAddr(network))
	if err != nil {
		return 0, fmt.Errorf("peer socket: %w", err)
	}
	defer peer.Close()
	rtt, err := pingThrough(ctx, c, relay, ip, peer)
	if err != nil {
		return 0, fmt.Errorf("%w within %v (peer %s → relay %s)", err, wait, peer.LocalAddr(), relayed)
	}
	return rtt, nil
}

// allocationRoundTrip makes a second allocation on the same server, over
// the same transport, and uses its relay as the peer: the probes go from
// it to our relayed address and back, relay to relay.
func (e *env) allocationRoundTrip(ctx context.Context, t target, c *turn.Client, relay net.PacketConn, wait time.Duration) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	var scratch TURNResult
	conn, err := e.connect(ctx, t, &scratch)
	if err != nil {
		return 0, fmt.Errorf("second connection: %w", err)
	}
	defer conn.Close()
	c2, err := e.newClient(t, conn, scratch.Address)
	if err != nil {
		return 0, fmt.Errorf("second allocation: %w", err)
	}
	defer c2.Close()
	peer, err := allocate(ctx, c2, conn)
	if err != nil {
		return 0, fmt.Errorf("second allocation: %w", err)
	}
	defer peer.Close()
	peerAddr, ok := peer.LocalAddr().(*net.UDPAddr)
	if !ok {
		return 0, fmt.Errorf("second relayed address %v is not UDP", peer.LocalAddr())
	}
	rtt, err := pingThrough(ctx, c, relay, peerAddr.IP, peer)
	if err != nil {
		return 0, fmt.Errorf("%w within %v (relay %s → relay %s)", err, wait, peerAddr, relay.LocalAddr())
	}
	return rtt, nil
}

// pingThrough permits permit on our allocation, echoes what reaches the
// relay, and times probes from peer to the relayed address and back.
func pingThrough(ctx context.Context, c *turn.Client, relay net.PacketConn, permit net.IP, peer net.PacketConn) (time.Duration, error) {
	relayed, ok := relay.LocalAddr().(*net.UDPAddr)
	if !ok {
		return 0, fmt.Errorf("relayed address %v is not UDP", relay.LocalAddr())
	}
	if err := withCtx(ctx, func() error { return c.CreatePermission(&net.UDPAddr{IP: permit}) }); err != nil {
		return 0, fmt.Errorf("create permission for %s: %w", permit, err)
	}
	go echo(relay)
	defer func() { _ = relay.SetReadDeadline(time.Now()) }()
	return ping(ctx, peer, relayed)
}

// permitIP is the public IP the peer's probes will come from: the
// XOR-MAPPED-ADDRESS of the Allocate answer, else a Binding's.
func permitIP(ctx context.Context, c *turn.Client, mapped *net.UDPAddr) (net.IP, error) {
	if mapped != nil {
		return mapped.IP, nil
	}
	var got net.Addr
	err := withCtx(ctx, func() (err error) { got, err = c.SendBindingRequest(); return err })
	if err != nil {
		return nil, fmt.Errorf("learn our public address: %w", err)
	}
	ua, ok := got.(*net.UDPAddr)
	if !ok {
		return nil, fmt.Errorf("learn our public address: got %v", got)
	}
	return ua.IP, nil
}

// withCtx runs f, which takes no context, and returns early when ctx
// ends; the caller's cleanup (closing the client) ends f later.
func withCtx(ctx context.Context, f func() error) error {
	ch := make(chan error, 1)
	go func() { ch <- f() }()
	select {
	case err := <-ch:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

func udpNetwork(ip net.IP) string {
	if ip.To4() != nil {
		return "udp4"
	}
	return "udp6"
}
