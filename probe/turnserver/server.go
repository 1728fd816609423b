package turnserver

import (
	"errors"
	"fmt"
	"net"
	"net/netip"

	"github.com/pion/logging"
	"github.com/pion/transport/v4"
	"github.com/pion/transport/v4/stdnet"
	"github.com/pion/turn/v5"
)

// Server is a running TURN server.
type Server struct {
	turn  *turn.Server
	quota *quota
	addr  netip.AddrPort
}

// Start listens and serves until Close. It keeps no password: only the
// long-term keys derived from them (RFC 8489 §9.2.2).
func Start(o Options) (*Server, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	n := o.Net
	if n == nil {
		if n, err = stdnet.NewNet(); err != nil {
			return nil, fmt.Errorf("host network: %w", err)
		}
	}
	if o.Logger == nil {
		o.Logger = discardLogs()
	}
	s := &Server{quota: newQuota(o.Quota), addr: netip.AddrPortFrom(o.IP, o.Port)}
	pc, ln, err := s.listen(n, o.TCP)
	if err != nil {
		return nil, err
	}
	cfg := s.config(o, n, pc, ln)
	if s.turn, err = turn.NewServer(cfg); err != nil {
		_ = pc.Close()
		if ln != nil {
			_ = ln.Close()
		}
		return nil, fmt.Errorf("turn server: %w", err)
	}
	return s, nil
}

// listen opens the UDP socket and, with tcp, the TCP listener, both on addr.
func (s *Server) listen(n transport.Net, tcp bool) (net.PacketConn, net.Listener, error) {
	udp, tcpNet := "udp4", "tcp4"
	if s.addr.Addr().Is6() {
		udp, tcpNet = "udp6", "tcp6"
	}
	pc, err := n.ListenPacket(udp, s.addr.String())
	if err != nil {
		return nil, nil, fmt.Errorf("turn listen udp %s: %w", s.addr, err)
	}
	if !tcp {
		return pc, nil, nil
	}
	ln, err := n.ListenTCP(tcpNet, net.TCPAddrFromAddrPort(s.addr))
	if err != nil {
		_ = pc.Close()
		return nil, nil, fmt.Errorf("turn listen tcp %s: %w", s.addr, err)
	}
	return pc, ln, nil
}

// config is the pion configuration: one relay generator per listener, all
// sharing the quota.
func (s *Server) config(o Options, n transport.Net, pc net.PacketConn, ln net.Listener) turn.ServerConfig {
	keys := make(map[string][]byte, len(o.Users))
	for _, u := range o.Users {
		keys[u.Name] = turn.GenerateAuthKey(u.Name, o.Realm, u.Password)
	}
	ev := o.Events
	gen := func() turn.RelayAddressGenerator {
		return &relayGen{min: o.RelayMin, max: o.RelayMax, quota: s.quota,
			inner: &turn.RelayAddressGeneratorPortRange{RelayAddress: o.IP.AsSlice(), Address: o.IP.String(),
				MinPort: o.RelayMin, MaxPort: o.RelayMax, Net: n}}
	}
	cfg := turn.ServerConfig{
		Realm:         o.Realm,
		LoggerFactory: o.Logger,
		AuthHandler: func(ra *turn.RequestAttributes) (string, []byte, bool) {
			key, ok := keys[ra.Username]
			if !ok {
				call(ev.AuthFailed)
			}
			return ra.Username, key, ok
		},
		QuotaHandler: func(user, _ string, _ net.Addr) bool {
			if s.quota.full(user) {
				callUser(ev.QuotaRefused, user)
				return false
			}
			return true
		},
		EventHandler: turn.EventHandler{
			OnAuth: func(_, _ net.Addr, _, _, _, _ string, verdict bool) {
				if !verdict {
					call(ev.AuthFailed)
				}
			},
			OnAllocationCreated: func(_, _ net.Addr, _, user, _ string, _ net.Addr, _ int) { callUser(ev.Allocated, user) },
			OnAllocationDeleted: func(_, _ net.Addr, _, user, _ string) { callUser(ev.Released, user) },
		},
		PacketConnConfigs: []turn.PacketConnConfig{{PacketConn: pc, RelayAddressGenerator: gen()}},
	}
	if ln != nil {
		cfg.ListenerConfigs = []turn.ListenerConfig{{
			Listener: newLimitListener(ln, o.MaxTCPConns, o.IdleTimeout), RelayAddressGenerator: gen()}}
	}
	return cfg
}

// Addr is the listening address (UDP, and TCP when enabled).
func (s *Server) Addr() netip.AddrPort { return s.addr }

// Allocations is the number of live relays.
func (s *Server) Allocations() int { return s.quota.total() }

// Close stops listening and drops every allocation.
func (s *Server) Close() error {
	if err := s.turn.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
		return fmt.Errorf("turn close: %w", err)
	}
	return nil
}

func call(f func()) {
	if f != nil {
		f()
	}
}

func callUser(f func(string), user string) {
	if f != nil {
		f(user)
	}
}

func discardLogs() logging.LoggerFactory {
	lf := logging.NewDefaultLoggerFactory()
	lf.DefaultLogLevel = logging.LogLevelDisabled
	return lf
}
