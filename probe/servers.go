package probe

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"unicode"
)

// DefaultPort is the STUN port (RFC 8489 §9).
const DefaultPort = 3478

// ErrBadServer wraps every server-address parse error.
var ErrBadServer = errors.New("bad STUN server address")

// ServerSpec is one configured server: a host name or IP literal and a port.
type ServerSpec struct {
	Host string
	Port uint16
}

// String is host:port, with brackets for IPv6.
func (s ServerSpec) String() string { return net.JoinHostPort(s.Host, strconv.Itoa(int(s.Port))) }

// ParseServer reads "host", "host:port", "[v6]:port" or a stun: URI
// (RFC 7064: "stun:host[:port]"). stuns: (TLS) is refused: the behaviour
// tests need UDP.
func ParseServer(s string) (ServerSpec, error) {
	in := strings.TrimSpace(s)
	if in == "" {
		return ServerSpec{}, fmt.Errorf("%w: empty", ErrBadServer)
	}
	// "stun:3478" is the host stun on port 3478: a name is never all digits.
	if scheme, rest, ok := strings.Cut(in, ":"); ok && (strings.EqualFold(scheme, "stun") || strings.EqualFold(scheme, "stuns")) &&
		!strings.HasPrefix(rest, "//") && !isDigits(rest) {
		if strings.EqualFold(scheme, "stuns") {
			return ServerSpec{}, fmt.Errorf("%w: %q: stuns (TLS) cannot run UDP behaviour tests", ErrBadServer, s)
		}
		in, _, _ = strings.Cut(rest, "?")
	}
	host, portStr, err := net.SplitHostPort(in)
	if err != nil {
		// No port: a bare host or a bare IPv6 literal.
		host, portStr = strings.TrimSuffix(strings.TrimPrefix(in, "["), "]"), ""
		if strings.Contains(host, ":") {
			if _, perr := netip.ParseAddr(host); perr != nil {
				return ServerSpec{}, fmt.Errorf("%w: %q", ErrBadServer, s)
			}
		}
	}
	if host == "" || strings.ContainsAny(host, " /@[]") {
		return ServerSpec{}, fmt.Errorf("%w: %q: no host", ErrBadServer, s)
	}
	if strings.ContainsFunc(host, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
		return ServerSpec{}, fmt.Errorf("%w: %q: space or control character in host", ErrBadServer, s)
	}
	port := DefaultPort
	if portStr != "" {
		port, err = strconv.Atoi(portStr)
		if err != nil || port < 1 || port > 65535 {
			return ServerSpec{}, fmt.Errorf("%w: %q: port must be 1-65535", ErrBadServer, s)
		}
	}
	return ServerSpec{Host: host, Port: uint16(port)}, nil
}

func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}
