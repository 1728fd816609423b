package testnet

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"

	"github.com/pion/logging"
	"github.com/pion/transport/v4"
	"github.com/pion/turn/v5"
)

// TURN defaults: World.StartTURN serves TURN over UDP at PrimaryIP:WorldTURNPort.
// vnet (transport/v4 v4.1.0) has no TCP, so TURN over TCP and TLS is
// tested on loopback with the host's network instead.
const (
	WorldTURNPort = 3480
	TURNRealm     = "natcheck.test"
)

// ErrNoCapacity is what a TURN server with MaxAllocations refuses with; the
// client sees 508 Insufficient Capacity.
var ErrNoCapacity = errors.New("testnet: relay capacity exhausted")

// TURNOptions configure a pion TURN server (RFC 8656) for tests.
type TURNOptions struct {
	Net transport.Net // where it listens and relays
	// Listen addresses, "ip:port" (port 0: any free port); "" is not served.
	UDP, TCP, TLS  string
	Cert           *tls.Config // the certificate of the TLS listener
	RelayIP        string      // the relayed addresses' IP
	Users          map[string]string
	Realm          string                 // default TURNRealm
	Quota          func(user string) bool // false: refuse with 486
	MaxAllocations int                    // > 0: refuse beyond that many with 508
	Logger         logging.LoggerFactory  // nil: quiet
}

// TURNServer is a running test TURN server.
type TURNServer struct {
	UDPAddr, TCPAddr, TLSAddr string // where it listens; "" if not served
	srv                       *turn.Server
}

// StartTURNServer starts a TURN server with long-term credentials.
func StartTURNServer(o TURNOptions) (*TURNServer, error) {
	if o.Realm == "" {
		o.Realm = TURNRealm
	}
	if o.Logger == nil {
		o.Logger = quietLogger()
	}
	relay := &limitedRelay{max: o.MaxAllocations, gen: &turn.RelayAddressGeneratorStatic{
		RelayAddress: net.ParseIP(o.RelayIP), Address: o.RelayIP, Net: o.Net}}
	s := &TURNServer{}
	cfg := turn.ServerConfig{Realm: o.Realm, LoggerFactory: o.Logger, AuthHandler: authHandler(o.Users, o.Realm)}
	if o.Quota != nil {
		cfg.QuotaHandler = func(user, _ string, _ net.Addr) bool { return o.Quota(user) }
	}
	var closers []func() error
	fail := func(err error) (*TURNServer, error) {
		for _, c := range closers {
			_ = c()
		}
		return nil, err
	}
	if o.UDP != "" {
		pc, err := o.Net.ListenPacket("udp"+family(o.UDP), o.UDP)
		if err != nil {
			return fail(fmt.Errorf("turn udp: %w", err))
		}
		closers = append(closers, pc.Close)
		s.UDPAddr = pc.LocalAddr().String()
		cfg.PacketConnConfigs = append(cfg.PacketConnConfigs, turn.PacketConnConfig{PacketConn: pc, RelayAddressGenerator: relay})
	}
	for _, l := range []struct {
		addr string
		cert *tls.Config
		out  *string
	}{{o.TCP, nil, &s.TCPAddr}, {o.TLS, o.Cert, &s.TLSAddr}} {
		if l.addr == "" {
			continue
		}
		ln, err := listenTCP(o.Net, l.addr, l.cert)
		if err != nil {
			return fail(err)
		}
		closers = append(closers, ln.Close)
		*l.out = ln.Addr().String()
		cfg.ListenerConfigs = append(cfg.ListenerConfigs, turn.ListenerConfig{Listener: ln, RelayAddressGenerator: relay})
	}
	srv, err := turn.NewServer(cfg)
	if err != nil {
		return fail(fmt.Errorf("turn server: %w", err))
	}
	s.srv = srv
	return s, nil
}

// listenTCP listens on addr, with TLS when cert is set.
func listenTCP(n transport.Net, addr string, cert *tls.Config) (net.Listener, error) {
	a, err := n.ResolveTCPAddr("tcp"+family(addr), addr)
	if err != nil {
		return nil, fmt.Errorf("turn tcp %s: %w", addr, err)
	}
	ln, err := n.ListenTCP("tcp"+family(addr), a)
	if err != nil {
		return nil, fmt.Errorf("turn tcp %s: %w", addr, err)
	}
	if cert == nil {
		return ln, nil
	}
	if len(cert.Certificates) == 0 {
		_ = ln.Close()
		return nil, fmt.Errorf("turn tls %s: no certificate", addr)
	}
	return tls.NewListener(ln, cert), nil
}

// family is "6" for an IPv6 "[ip]:port", else "4".
func family(addr string) string {
	if host, _, err := net.SplitHostPort(addr); err == nil && strings.Contains(host, ":") {
		return "6"
	}
	return "4"
}

// Close stops the server and its listeners.
func (s *TURNServer) Close() error { return s.srv.Close() }

// authHandler accepts the users' long-term credentials (RFC 8489 §9.2).
func authHandler(users map[string]string, realm string) turn.AuthHandler {
	return func(ra *turn.RequestAttributes) (string, []byte, bool) {
		pw, ok := users[ra.Username]
		if !ok {
			return "", nil, false
		}
		return ra.Username, turn.GenerateAuthKey(ra.Username, realm, pw), true
	}
}

// limitedRelay is a relay address generator with a capacity: beyond max
// allocations (if max > 0), or always (max < 0), it fails, which pion's
// server answers with 508.
type limitedRelay struct {
	gen turn.RelayAddressGenerator
	max int

	mu   sync.Mutex
	used int
}

func (g *limitedRelay) Validate() error { return g.gen.Validate() }

func (g *limitedRelay) AllocatePacketConn(c turn.AllocateListenerConfig) (net.PacketConn, net.Addr, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.max < 0 || g.max > 0 && g.used >= g.max {
		return nil, nil, ErrNoCapacity
	}
	g.used++
	return g.gen.AllocatePacketConn(c)
}

func (g *limitedRelay) AllocateListener(c turn.AllocateListenerConfig) (net.Listener, net.Addr, error) {
	return g.gen.AllocateListener(c)
}

func (g *limitedRelay) AllocateConn(c turn.AllocateConnConfig) (net.Conn, error) {
	return g.gen.AllocateConn(c)
}

// StartTURN serves TURN over UDP at PrimaryIP:WorldTURNPort on the world's
// server network, relaying from PrimaryIP, for the given users.
func (w *World) StartTURN(users map[string]string) (udpAddr string, stop func() error, err error) {
	s, err := w.StartTURNWith(TURNOptions{Users: users})
	if err != nil {
		return "", nil, err
	}
	return s.UDPAddr, s.Close, nil
}

// StartTURNWith is StartTURN with options (quota, capacity); Net, UDP and
// RelayIP default to the world's primary server address.
func (w *World) StartTURNWith(o TURNOptions) (*TURNServer, error) {
	if o.Net == nil {
		o.Net = w.ServerNet
	}
	if o.UDP == "" {
		o.UDP = fmt.Sprintf("%s:%d", PrimaryIP, WorldTURNPort)
	}
	if o.RelayIP == "" {
		o.RelayIP = PrimaryIP
	}
	if o.Logger == nil {
		o.Logger = w.opts.Logger
	}
	return StartTURNServer(o)
}
