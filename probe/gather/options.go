package gather

import (
	"crypto/tls"
	"net"

	"github.com/pion/logging"
	"github.com/pion/transport/v4"
)

// Network is a transport and address family: udp4, udp6, tcp4 or tcp6.
type Network string

// Networks.
const (
	UDP4 Network = "udp4"
	UDP6 Network = "udp6"
	TCP4 Network = "tcp4"
	TCP6 Network = "tcp6"
)

// AllNetworks is the default when Options.Networks is empty.
var AllNetworks = []Network{UDP4, UDP6, TCP4, TCP6}

// TURNServer is one TURN server and its long-term credentials (RFC 8489
// §9.2). Its String and GoString leave the password out, so printing the
// value with any verb cannot leak it.
type TURNServer struct {
	URL      string // turn:host[:port][?transport=udp|tcp] or turns:host[:port] (TLS)
	User     string
	Password string
}

// String is the URL and user, never the password.
func (s TURNServer) String() string { return s.URL + " (user " + s.User + ")" }

// GoString is String, so that %#v cannot leak the password either.
func (s TURNServer) GoString() string { return "gather.TURNServer{" + s.String() + "}" }

// Options configure one gathering run. Only the servers are required.
type Options struct {
	STUN []string     // stun:host[:port] or host[:port]; IPv6 as [addr]:port
	TURN []TURNServer // each is gathered from and diagnosed
	Net  transport.Net
	// Networks restricts candidates and TURN transports: udp4/udp6 select
	// the families of host, srflx and relay candidates, tcp4/tcp6 allow
	// TURN over TCP and TLS. Empty means all four. ICE-TCP host
	// candidates are not gathered (they need a listening TCP mux).
	Networks []Network
	// TLS is the base configuration for turns: servers (RootCAs, for a
	// private CA); ServerName is set per server. Nil: the system roots.
	TLS *tls.Config
	// IPFilter, if set, limits the local addresses candidates are gathered
	// on; IncludeLoopback admits loopback addresses.
	IPFilter        func(net.IP) bool
	IncludeLoopback bool
	// Logger, if set, also receives pion's log lines (passwords redacted).
	// WARN and ERROR lines are always kept in Result.Warnings.
	Logger logging.LoggerFactory
}

// networks returns o.Networks or the default.
func (o Options) networks() []Network {
	if len(o.Networks) == 0 {
		return AllNetworks
	}
	return o.Networks
}

// allows reports whether network n is enabled.
func (o Options) allows(n Network) bool {
	for _, m := range o.networks() {
		if m == n {
			return true
		}
	}
	return false
}

// secrets are the strings no output may contain.
func (o Options) secrets() []string {
	var s []string
	for _, t := range o.TURN {
		if t.Password != "" {
			s = append(s, t.Password)
		}
	}
	return s
}
