package responder

import (
	"errors"
	"fmt"
	"net"
	"sync"
)

// ListenFunc opens a UDP socket: net.ListenPacket, or a transport.Net's
// ListenPacket (the standard net in production, vnet in tests).
type ListenFunc func(network, address string) (net.PacketConn, error)

// Hooks lets the server command count and limit traffic without the
// responder knowing about metrics or logs. Every field may be nil.
type Hooks struct {
	// Allow is asked before a datagram from src is answered (rate limits).
	Allow func(src net.Addr) bool
	// Answered is told of each response sent, by the endpoint it left from.
	Answered func(at, via Endpoint, changed bool)
	// Dropped is told why a datagram got no answer.
	Dropped func(reason error)
	// Sent is told of each response sent, success or error, with its
	// bytes (for counting by class and error code); do not keep resp.
	Sent func(at, via Endpoint, resp []byte)
}

// Server runs a Layout on real or simulated sockets.
type Server struct {
	layout Layout
	hooks  Hooks
	conns  map[Endpoint]net.PacketConn
	wg     sync.WaitGroup
	once   sync.Once
}

// Start opens the layout's sockets with listen and serves them until Close.
func Start(listen ListenFunc, l Layout, h Hooks) (*Server, error) {
	if err := l.Validate(); err != nil {
		return nil, fmt.Errorf("responder layout: %w", err)
	}
	s := &Server{layout: l, hooks: h, conns: map[Endpoint]net.PacketConn{}}
	network := "udp4"
	if l.Primary.Is6() && !l.Primary.Is4In6() {
		network = "udp6"
	}
	for _, e := range l.Endpoints() {
		c, err := listen(network, l.Addr(e).String())
		if err != nil {
			s.closeConns()
			return nil, fmt.Errorf("listen on %s: %w", l.Addr(e), err)
		}
		s.conns[e] = c
	}
	for e, c := range s.conns {
		s.wg.Add(1)
		go s.serve(e, c)
	}
	return s, nil
}

// Layout returns what the server listens on.
func (s *Server) Layout() Layout { return s.layout }

// Close stops the server and waits for its goroutines.
func (s *Server) Close() error {
	var err error
	s.once.Do(func() { err = s.closeConns(); s.wg.Wait() })
	return err
}

func (s *Server) closeConns() error {
	var errs []error
	for _, c := range s.conns {
		if err := c.Close(); err != nil && !errors.Is(err, net.ErrClosed) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (s *Server) serve(at Endpoint, c net.PacketConn) {
	defer s.wg.Done()
	buf := make([]byte, 1500)
	for {
		n, from, err := c.ReadFrom(buf)
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return
		}
		if s.hooks.Allow != nil && !s.hooks.Allow(from) {
			continue
		}
		resp, via, err := s.layout.Answer(buf[:n], udpAddrPort(from), at)
		if err != nil {
			if s.hooks.Dropped != nil {
				s.hooks.Dropped(err)
			}
			continue
		}
		if _, err := s.conns[via].WriteTo(resp, from); err != nil {
			if s.hooks.Dropped != nil {
				s.hooks.Dropped(fmt.Errorf("send: %w", err))
			}
			continue
		}
		if s.hooks.Answered != nil {
			s.hooks.Answered(at, via, via != at)
		}
		if s.hooks.Sent != nil {
			s.hooks.Sent(at, via, resp)
		}
	}
}
