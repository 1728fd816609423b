package gather

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/natcheck/natcheck/natclass"
	"github.com/pion/stun/v3"
	"github.com/pion/turn/v5"
)

// software is sent in SOFTWARE (RFC 8489 §14.14) by the diagnostic client.
const software = "natcheck"

// target is one configured TURN server.
type target struct {
	server    TURNServer
	uri       *stun.URI // with the credentials
	name      string    // the URI without them
	transport string    // udp, tcp or tls
}

// diagnose allocates on t with pion's TURN client and, when that works,
// sends data through the relay and back. Every failure is named.
func (e *env) diagnose(ctx context.Context, t target) TURNResult {
	r := TURNResult{Server: t.name, Transport: t.transport, RelayData: natclass.NotTested}
	if err := e.diagnoseInto(ctx, t, &r); err != nil {
		r.OK = false
		r.Err, r.Failure, r.Error = err, failureOf(err), e.log.redact(err.Error())
	}
	return r
}

func (e *env) diagnoseInto(ctx context.Context, t target, r *TURNResult) error {
	conn, err := e.connect(ctx, t, r)
	if err != nil {
		return err
	}
	defer conn.Close()
	tap := &allocTap{PacketConn: conn}
	c, err := e.newClient(t, tap, r.Address)
	if err != nil {
		return fmt.Errorf("%w: turn client: %w", FailureProtocol, err)
	}
	defer c.Close()
	start := time.Now()
	actx, stop := silentCutoff(ctx, t, tap)
	relay, err := allocate(actx, c, tap)
	stop()
	r.AllocateTime = time.Since(start)
	v := tap.view()
	if err != nil {
		return allocateError(actx, err, v, r)
	}
	defer relay.Close()
	r.OK, r.RelayedAddress, r.Lifetime = true, relay.LocalAddr().String(), v.lifetime
	if v.mapped != nil {
		r.MappedAddress = v.mapped.String()
	}
	e.checkRelay(ctx, t, c, relay, v.mapped, r)
	return nil
}

// newClient is pion's TURN client for t on conn, listening.
func (e *env) newClient(t target, conn net.PacketConn, addr string) (*turn.Client, error) {
	c, err := turn.NewClient(&turn.ClientConfig{
		STUNServerAddr: addr, TURNServerAddr: addr,
		Username: t.server.User, Password: t.server.Password, Software: software,
		Conn: conn, Net: e.net, LoggerFactory: e.log,
	})
	if err != nil {
		return nil, err
	}
	if err := c.Listen(); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// connect opens the control connection: a UDP socket, or a TCP connection
// (with TLS for turns:) framed by turn.NewSTUNConn.
func (e *env) connect(ctx context.Context, t target, r *TURNResult) (net.PacketConn, error) {
	proto := "tcp"
	if t.transport == TransportUDP {
		proto = "udp"
	}
	network, addr, err := e.resolve(proto, net.JoinHostPort(t.uri.Host, strconv.Itoa(t.uri.Port)))
	if err != nil {
		return nil, err
	}
	r.Address = addr
	if proto == "udp" {
		pc, err := e.net.ListenPacket(network, anyAddr(network))
		if err != nil {
			return nil, fmt.Errorf("%w: local %s socket: %w", FailureConnect, network, err)
		}
		return pc, nil
	}
	c, err := dialTCP(ctx, e.net, network, addr)
	if err != nil {
		return nil, fmt.Errorf("%w: %s %s: %w", connectFailure(err), t.transport, addr, err)
	}
	if t.transport == TransportTLS {
		if c, err = clientTLS(ctx, c, e.opts.TLS, t.uri.Host); err != nil {
			return nil, fmt.Errorf("%w: %s: %w", tlsFailure(err), addr, err)
		}
	}
	return turn.NewSTUNConn(c), nil
}

// resolve finds hostport in the first enabled family of proto (udp or
// tcp), IPv4 before IPv6.
func (e *env) resolve(proto, hostport string) (network, addr string, err error) {
	var last error
	for _, fam := range []string{"4", "6"} {
		network = proto + fam
		if !e.opts.allows(Network(network)) {
			continue
		}
		if proto == "udp" {
			a, err := e.net.ResolveUDPAddr(network, hostport)
			if err == nil {
				return network, a.String(), nil
			}
			last = err
		} else {
			a, err := e.net.ResolveTCPAddr(network, hostport)
			if err == nil {
				return network, a.String(), nil
			}
			last = err
		}
	}
	if last == nil {
		return "", "", fmt.Errorf("%w: no %s network is enabled", FailureSkipped, proto)
	}
	return "", "", fmt.Errorf("%w: %s: %w", FailureResolve, hostport, last)
}

func anyAddr(network string) string {
	if network[len(network)-1] == '6' {
		return "[::]:0"
	}
	return "0.0.0.0:0"
}

// NoAnswerAfter is how long a TURN server over UDP may stay wholly silent
// before the diagnosis gives up, as the check judges UDP blocked (pion's
// client would retransmit for about 8 s).
const NoAnswerAfter = 2 * time.Second

// silentCutoff ends the allocation early when a UDP TURN server has sent
// nothing at all after NoAnswerAfter; stop releases it.
func silentCutoff(ctx context.Context, t target, tap *allocTap) (context.Context, func()) {
	cctx, cancel := context.WithCancel(ctx)
	if t.transport != TransportUDP {
		return cctx, cancel
	}
	timer := time.AfterFunc(NoAnswerAfter, func() {
		if tap.view().answers == 0 {
			cancel()
		}
	})
	return cctx, func() { timer.Stop(); cancel() }
}

// allocate runs c.Allocate, which takes no context, and gives up when ctx
// ends: closing the client and its socket ends the pending transaction.
func allocate(ctx context.Context, c *turn.Client, conn net.PacketConn) (net.PacketConn, error) {
	type allocated struct {
		relay net.PacketConn
		err   error
	}
	ch := make(chan allocated, 1)
	go func() {
		relay, err := c.Allocate()
		ch <- allocated{relay, err}
	}()
	select {
	case a := <-ch:
		return a.relay, a.err
	case <-ctx.Done():
		c.Close()
		_ = conn.Close()
		if a := <-ch; a.err == nil {
			_ = a.relay.Close()
		}
		return nil, ctx.Err()
	}
}

// allocateError names a failed allocation from what the tap saw, then from
// pion's error.
func allocateError(ctx context.Context, err error, v tapView, r *TURNResult) error {
	code, reason := v.code, v.reason
	var te *stun.TurnError
	if code == 0 && errors.As(err, &te) {
		code, reason = int(te.ErrorCodeAttr.Code), string(te.ErrorCodeAttr.Reason)
	}
	var op *net.OpError
	switch {
	case code != 0:
		r.ErrorCode = code
		note := ""
		if code == 400 && v.challenged {
			note = " to the authenticated request (pion's TURN server answers a wrong user or password this way)"
		}
		return fmt.Errorf("%w: %s answered %s%s", codeFailure(code, v.challenged), r.Address, codeWords(code, reason), note)
	case errors.As(err, &op):
		return fmt.Errorf("%w: %s: %w", FailureConnect, r.Address, err)
	case ctx.Err() != nil || v.answers == 0:
		return fmt.Errorf("%w: %s %s sent nothing back in %v", FailureTimeout, r.Transport, r.Address, r.AllocateTime.Round(time.Millisecond))
	}
	return fmt.Errorf("%w: %s: %w", FailureProtocol, r.Address, err)
}

// reasonPhrases are RFC 8489 §14.8 and RFC 8656 §18 reason phrases, for
// servers that send none.
var reasonPhrases = map[int]string{
	400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 420: "Unknown Attribute",
	437: "Allocation Mismatch", 438: "Stale Nonce", 440: "Address Family not Supported",
	441: "Wrong Credentials", 442: "Unsupported Transport Protocol", 443: "Peer Address Family Mismatch",
	486: "Allocation Quota Reached", 500: "Server Error", 508: "Insufficient Capacity",
}

// codeWords is "486 Allocation Quota Reached".
func codeWords(code int, reason string) string {
	if reason == "" {
		reason = reasonPhrases[code]
	}
	if reason == "" {
		return strconv.Itoa(code)
	}
	return strconv.Itoa(code) + " " + reason
}
