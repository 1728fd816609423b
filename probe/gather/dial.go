package gather

import (
	"context"
	"crypto/tls"
	"net"

	"github.com/pion/transport/v4"
)

// dialTCP connects to addr over n and gives up when ctx ends.
// transport.Net has no dial that takes a context, so the dial runs aside
// and a connection that arrives too late is closed.
func dialTCP(ctx context.Context, n transport.Net, network, addr string) (net.Conn, error) {
	raddr, err := n.ResolveTCPAddr(network, addr)
	if err != nil {
		return nil, err
	}
	type dialed struct {
		conn net.Conn
		err  error
	}
	ch := make(chan dialed, 1)
	go func() {
		c, err := n.DialTCP(network, nil, raddr)
		if err != nil {
			ch <- dialed{err: err}
			return
		}
		ch <- dialed{conn: c}
	}()
	select {
	case d := <-ch:
		return d.conn, d.err
	case <-ctx.Done():
		go func() {
			if d := <-ch; d.err == nil {
				_ = d.conn.Close()
			}
		}()
		return nil, ctx.Err()
	}
}

// clientTLS runs the TLS handshake for a turns: server named host. base
// supplies the roots; ServerName defaults to host (an IP literal is checked
// against the certificate's IP addresses).
func clientTLS(ctx context.Context, conn net.Conn, base *tls.Config, host string) (net.Conn, error) {
	cfg := &tls.Config{}
	if base != nil {
		cfg = base.Clone()
	}
	if cfg.ServerName == "" {
		cfg.ServerName = host
	}
	if cfg.MinVersion == 0 {
		cfg.MinVersion = tls.VersionTLS12
	}
	tc := tls.Client(conn, cfg)
	if err := tc.HandshakeContext(ctx); err != nil {
		_ = conn.Close()
		return nil, err
	}
	return tc, nil
}

// iceDialer is handed to ice as its proxy dialer for TURN over TCP and TLS,
// so that ice dials within the run's deadline and checks certificates
// against Options.TLS (ice's own TLS path takes no root CAs).
type iceDialer struct {
	ctx   context.Context
	net   transport.Net
	tls   *tls.Config
	host  string
	tlsOn bool
}

// Dial implements golang.org/x/net/proxy.Dialer.
func (d *iceDialer) Dial(network, addr string) (net.Conn, error) {
	c, err := dialTCP(d.ctx, d.net, network, addr)
	if err != nil || !d.tlsOn {
		return c, err
	}
	return clientTLS(d.ctx, c, d.tls, d.host)
}
