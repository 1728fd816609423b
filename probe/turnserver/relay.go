package turnserver

import (
	"errors"
	"fmt"
	"net"
	"sync"

	"github.com/pion/turn/v5"
)

// Errors of relay allocation; pion answers them with 508.
var (
	ErrQuota          = errors.New("allocation quota reached")
	ErrPortOutOfRange = errors.New("requested relay port is outside the relay range")
)

// relayGen is pion's port-range generator with the quota enforced where the
// relay socket is really opened: each relay holds one unit of its user's
// quota until it is closed. Ports a client asks for (EVEN-PORT reservations)
// must lie in the range too.
type relayGen struct {
	inner    *turn.RelayAddressGeneratorPortRange
	min, max uint16
	quota    *quota
}

func (g *relayGen) Validate() error { return g.inner.Validate() }

// AllocatePacketConn opens a UDP relay.
func (g *relayGen) AllocatePacketConn(c turn.AllocateListenerConfig) (net.PacketConn, net.Addr, error) {
	release, err := g.admit(c)
	if err != nil {
		return nil, nil, err
	}
	conn, addr, err := g.inner.AllocatePacketConn(c)
	if err != nil {
		release()
		return nil, nil, err
	}
	return &releasingPacketConn{PacketConn: conn, release: release}, addr, nil
}

// AllocateListener opens a TCP relay (RFC 6062).
func (g *relayGen) AllocateListener(c turn.AllocateListenerConfig) (net.Listener, net.Addr, error) {
	release, err := g.admit(c)
	if err != nil {
		return nil, nil, err
	}
	ln, addr, err := g.inner.AllocateListener(c)
	if err != nil {
		release()
		return nil, nil, err
	}
	return &releasingListener{Listener: ln, release: release}, addr, nil
}

// AllocateConn dials a peer from a TCP relay; its allocation is counted.
func (g *relayGen) AllocateConn(c turn.AllocateConnConfig) (net.Conn, error) {
	return g.inner.AllocateConn(c)
}

// admit checks the requested port and takes a unit of the user's quota. A
// probe without a user (pion's EVEN-PORT search) is not counted.
func (g *relayGen) admit(c turn.AllocateListenerConfig) (release func(), err error) {
	if p := c.RequestedPort; p != 0 && (p < int(g.min) || p > int(g.max)) {
		return nil, fmt.Errorf("%w: %d not in %d-%d", ErrPortOutOfRange, p, g.min, g.max)
	}
	if c.UserID == "" {
		return func() {}, nil
	}
	if !g.quota.acquire(c.UserID) {
		return nil, fmt.Errorf("%w for user %q", ErrQuota, c.UserID)
	}
	return sync.OnceFunc(func() { g.quota.release(c.UserID) }), nil
}

// releasingPacketConn gives its quota back when closed.
type releasingPacketConn struct {
	net.PacketConn
	release func()
}

func (c *releasingPacketConn) Close() error {
	defer c.release()
	return c.PacketConn.Close()
}

// releasingListener gives its quota back when closed.
type releasingListener struct {
	net.Listener
	release func()
}

func (l *releasingListener) Close() error {
	defer l.release()
	return l.Listener.Close()
}
