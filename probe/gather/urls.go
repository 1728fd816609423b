package gather

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/pion/stun/v3"
)

// Errors of configuration, found before any packet is sent.
var (
	ErrBadURL        = errors.New("bad server URL")
	ErrNoCredentials = errors.New("TURN server needs a user and a password")
	ErrBadNetwork    = errors.New("unknown network")
)

// Transports of a TURN server's control connection.
const (
	TransportUDP = "udp"
	TransportTCP = "tcp"
	TransportTLS = "tls"
)

// parseSTUN reads "stun:host[:port]" (RFC 7064) or a bare "host[:port]".
// stuns: is refused: ICE gathers server-reflexive candidates over UDP only.
func parseSTUN(s string) (*stun.URI, error) {
	in := strings.TrimSpace(s)
	lower := strings.ToLower(in)
	switch {
	case strings.HasPrefix(lower, "stuns:"):
		return nil, fmt.Errorf("%w: %q: stuns (TLS) gives no server-reflexive candidate", ErrBadURL, s)
	case strings.HasPrefix(lower, "turn:"), strings.HasPrefix(lower, "turns:"):
		return nil, fmt.Errorf("%w: %q: a TURN URL goes in the TURN list", ErrBadURL, s)
	case !strings.HasPrefix(lower, "stun:"):
		if a, err := netip.ParseAddr(in); err == nil && a.Is6() {
			in = "[" + in + "]"
		}
		in = "stun:" + in
	}
	u, err := stun.ParseURI(in)
	if err != nil {
		return nil, fmt.Errorf("%w: %q: %w", ErrBadURL, s, err)
	}
	return u, nil
}

// parseTURN reads t.URL (RFC 7065) and attaches the credentials, which
// stun.ParseURI does not take from the string. turns: over UDP (DTLS) is
// refused: the diagnostic speaks TLS over TCP only.
func parseTURN(t TURNServer) (*stun.URI, error) {
	if at := strings.LastIndex(t.URL, "@"); at >= 0 {
		// Never echo what precedes the @: it may be a password.
		return nil, fmt.Errorf("%w: \"…@%s\": credentials go in the user and password options, not in the URL", ErrBadURL, t.URL[at+1:])
	}
	u, err := stun.ParseURI(strings.TrimSpace(t.URL))
	if err != nil {
		return nil, fmt.Errorf("%w: %q: %w", ErrBadURL, t.URL, err)
	}
	switch {
	case u.Scheme != stun.SchemeTypeTURN && u.Scheme != stun.SchemeTypeTURNS:
		return nil, fmt.Errorf("%w: %q: want turn: or turns:", ErrBadURL, t.URL)
	case u.Scheme == stun.SchemeTypeTURNS && u.Proto != stun.ProtoTypeTCP:
		return nil, fmt.Errorf("%w: %q: turns over UDP (DTLS) is not supported", ErrBadURL, t.URL)
	case t.User == "" || t.Password == "":
		return nil, fmt.Errorf("%w: %s", ErrNoCredentials, u)
	}
	u.Username, u.Password = t.User, t.Password
	return u, nil
}

// transportOf names the control connection of a TURN URI: udp, tcp or tls.
func transportOf(u *stun.URI) string {
	switch {
	case u.Scheme == stun.SchemeTypeTURNS:
		return TransportTLS
	case u.Proto == stun.ProtoTypeTCP:
		return TransportTCP
	}
	return TransportUDP
}

// nameOf is the URI without credentials, e.g. "turn:203.0.113.10:3480?transport=udp".
func nameOf(u *stun.URI) string { return u.String() }

// Validate parses every server of o without sending anything: a command
// line can refuse a typo before the run.
func (o Options) Validate() error {
	for _, s := range o.STUN {
		if _, err := parseSTUN(s); err != nil {
			return err
		}
	}
	for _, t := range o.TURN {
		if _, err := parseTURN(t); err != nil {
			return err
		}
	}
	for _, n := range o.Networks {
		if !slices.Contains(AllNetworks, n) {
			return fmt.Errorf("%w %q: want udp4, udp6, tcp4 or tcp6", ErrBadNetwork, string(n))
		}
	}
	return nil
}
