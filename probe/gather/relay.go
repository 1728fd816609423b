package gather

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/natcheck/natcheck/natclass"
	"github.com/pion/turn/v5"
)

// Relay test timing: the probe is resent every probeInterval, and the
// test waits a multiple of the allocation's own duration (two
// transactions), within bounds.
const (
	probeInterval  = 250 * time.Millisecond
	relayWaitMin   = time.Second
	relayWaitMax   = 5 * time.Second
	relayWaitTimes = 8
)

// probeMagic starts every relay probe datagram.
var probeMagic = []byte("natcheck-relay-probe")

// errNoEcho: no probe came back through the relay.
var errNoEcho = errors.New("no probe came back through the relay")

// relayWait is how long the relay test may take after an allocation that
// took alloc.
func relayWait(alloc time.Duration) time.Duration {
	return min(max(relayWaitTimes*alloc, relayWaitMin), relayWaitMax)
}

// checkRelay proves the allocation carries data both ways and records the
// outcome in r. A test cut short by the run's deadline stays NotTested.
func (e *env) checkRelay(ctx context.Context, c *turn.Client, relay net.PacketConn, mapped *net.UDPAddr, r *TURNResult) {
	rtt, err := e.roundTrip(ctx, c, relay, mapped, relayWait(r.AllocateTime))
	switch {
	case err == nil:
		r.RelayData, r.RoundTrip = natclass.True, rtt
	case ctx.Err() != nil:
		r.RelayData, r.RelayError = natclass.NotTested, "the deadline came before the relay test ended"
	default:
		r.RelayData, r.RelayError = natclass.False, e.log.redact(err.Error())
	}
}

// roundTrip sends probes from a second local socket (the peer) to the
// relayed address. The relay, which has permitted our public IP, echoes
// each probe back to where it came from, and the peer must receive it from
// the relayed address: that crosses the relay in both directions and our
// NAT in both directions (the peer's probe opens the NAT for the echo,
// whatever its mapping or filtering). The time is that of a probe sent
// after the first echo, when the permissions are in place.
func (e *env) roundTrip(ctx context.Context, c *turn.Client, relay net.PacketConn, mapped *net.UDPAddr, wait time.Duration) (time.Duration, error) {
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
	if err := withCtx(ctx, func() error { return c.CreatePermission(&net.UDPAddr{IP: ip}) }); err != nil {
		return 0, fmt.Errorf("create permission for %s: %w", ip, err)
	}
	peer, err := e.net.ListenPacket(udpNetwork(relayed.IP), anyAddr(udpNetwork(relayed.IP)))
	if err != nil {
		return 0, fmt.Errorf("peer socket: %w", err)
	}
	defer peer.Close()
	go echo(relay)
	defer func() { _ = relay.SetReadDeadline(time.Now()) }()
	rtt, err := ping(ctx, peer, relayed)
	if err != nil {
		return 0, fmt.Errorf("%w within %v (peer %s → relay %s)", err, wait, peer.LocalAddr(), relayed)
	}
	return rtt, nil
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

// echo sends every probe that reaches the relay back to its sender, until
// the relay's read fails (deadline or close).
func echo(relay net.PacketConn) {
	buf := make([]byte, 1500)
	for {
		n, from, err := relay.ReadFrom(buf)
		if err != nil {
			return
		}
		if bytes.HasPrefix(buf[:n], probeMagic) {
			_, _ = relay.WriteTo(buf[:n], from)
		}
	}
}

// echoed is a probe that came back.
type echoed struct {
	seq uint32
	at  time.Time
}

// ping sends numbered probes to relayed until one sent after the first
// echo comes back, and returns that probe's round trip (or the first
// echo's, if ctx ends in between).
func ping(ctx context.Context, peer net.PacketConn, relayed *net.UDPAddr) (time.Duration, error) {
	nonce := make([]byte, 8)
	_, _ = rand.Read(nonce)
	prefix := append(append([]byte{}, probeMagic...), nonce...)
	back := make(chan echoed, 16)
	go readEchoes(peer, relayed, prefix, back)
	var (
		sent  []time.Time
		first time.Duration
		clean = -1 // probes from this number on were sent after the first echo
		probe = make([]byte, len(prefix)+4)
		tick  = time.NewTicker(probeInterval)
	)
	defer tick.Stop()
	send := func() {
		copy(probe, prefix)
		binary.BigEndian.PutUint32(probe[len(prefix):], uint32(len(sent)))
		sent = append(sent, time.Now())
		_, _ = peer.WriteTo(probe, relayed)
	}
	send()
	for {
		select {
		case <-ctx.Done():
			if clean >= 0 {
				return first, nil
			}
			return 0, errNoEcho
		case <-tick.C:
			send()
		case b := <-back:
			if int(b.seq) >= len(sent) {
				continue
			}
			rtt := b.at.Sub(sent[b.seq])
			if clean >= 0 && int(b.seq) >= clean {
				return rtt, nil
			}
			if clean < 0 {
				first, clean = rtt, len(sent)
				send()
			}
		}
	}
}

// readEchoes passes on the probes that come back from relayed, until the
// peer socket is closed.
func readEchoes(peer net.PacketConn, relayed *net.UDPAddr, prefix []byte, out chan<- echoed) {
	buf := make([]byte, 1500)
	for {
		n, from, err := peer.ReadFrom(buf)
		if err != nil {
			return
		}
		if n != len(prefix)+4 || !bytes.HasPrefix(buf[:n], prefix) || from.String() != relayed.String() {
			continue
		}
		select {
		case out <- echoed{seq: binary.BigEndian.Uint32(buf[len(prefix):n]), at: time.Now()}:
		default:
		}
	}
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
