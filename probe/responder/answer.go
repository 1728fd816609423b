// Package responder is the RFC 5780 STUN server side: a Binding responder on a
// primary and an alternate IP, each on two ports, answering CHANGE-REQUEST
// from the socket it asks for. natcheck server and the testnet worlds run it.
package responder

import (
	"errors"
	"fmt"
	"net"
	"net/netip"

	"github.com/natcheck/natcheck/probe/stunattr"
	"github.com/pion/stun/v3"
)

// Errors of Answer: each names why a datagram gets no answer.
var (
	ErrNotSTUN      = errors.New("not a STUN message")
	ErrNotBinding   = errors.New("not a Binding request")
	ErrMalformed    = errors.New("malformed STUN message")
	ErrFingerprint  = errors.New("bad FINGERPRINT")
	ErrBadSource    = errors.New("unusable source address")
	ErrNoSuchSocket = errors.New("asked change is not served")
)

// DefaultSoftware is the SOFTWARE attribute the responder sends.
const DefaultSoftware = "natcheck"

// Endpoint indexes one of the four sockets: IP 0 primary / 1 alternate,
// Port 0 primary / 1 alternate.
type Endpoint struct{ IP, Port int }

// Layout is where the responder listens. Without an Alternate IP it runs in
// port-only mode: OTHER-ADDRESS is omitted (RFC 5780 §6.1) so clients draw no
// filtering conclusions, and change-IP requests get a 420 error.
type Layout struct {
	Primary, Alternate netip.Addr
	Port, AltPort      uint16
	Software           string
}

// PortOnly reports whether there is no alternate IP.
func (l Layout) PortOnly() bool { return !l.Alternate.IsValid() }

// Addr is the address of endpoint e.
func (l Layout) Addr(e Endpoint) netip.AddrPort {
	ip, port := l.Primary, l.Port
	if e.IP == 1 {
		ip = l.Alternate
	}
	if e.Port == 1 {
		port = l.AltPort
	}
	return netip.AddrPortFrom(ip, port)
}

// Endpoints lists the sockets of the layout: four, or two in port-only mode.
func (l Layout) Endpoints() []Endpoint {
	eps := []Endpoint{{0, 0}, {0, 1}}
	if !l.PortOnly() {
		eps = append(eps, Endpoint{1, 0}, Endpoint{1, 1})
	}
	return eps
}

// Validate checks that the layout can serve RFC 5780.
func (l Layout) Validate() error {
	switch {
	case !l.Primary.IsValid():
		return errors.New("primary IP is missing")
	case l.Port == 0 || l.AltPort == 0:
		return errors.New("ports must be 1-65535")
	case l.Port == l.AltPort:
		return fmt.Errorf("port and alternate port are both %d", l.Port)
	case l.Alternate.IsValid() && l.Alternate == l.Primary:
		return fmt.Errorf("primary and alternate IP are both %s", l.Primary)
	case l.Alternate.IsValid() && l.Alternate.Is4() != l.Primary.Is4():
		return errors.New("primary and alternate IP must be of one family")
	}
	if !l.PortOnly() {
		// Both IPs are advertised in OTHER-ADDRESS and RESPONSE-ORIGIN.
		for _, ip := range []netip.Addr{l.Primary, l.Alternate} {
			if ip.IsUnspecified() || ip.IsMulticast() {
				return fmt.Errorf("OTHER-ADDRESS needs specific IPs, not %s", ip)
			}
		}
	}
	return nil
}

// Answer builds the response to one datagram that arrived on endpoint at
// from src, and names the endpoint it must be sent from. It is pure: the
// same input gives the same bytes but for nothing (the transaction ID is
// the request's). A datagram that gets no answer yields an error.
func (l Layout) Answer(req []byte, src netip.AddrPort, at Endpoint) ([]byte, Endpoint, error) {
	if !stun.IsMessage(req) {
		return nil, at, ErrNotSTUN
	}
	m := &stun.Message{Raw: append([]byte(nil), req...)}
	if err := m.Decode(); err != nil {
		return nil, at, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if m.Type != stun.BindingRequest {
		return nil, at, ErrNotBinding
	}
	if _, err := m.Get(stun.AttrFingerprint); err == nil && stun.Fingerprint.Check(m) != nil {
		return nil, at, ErrFingerprint
	}
	if a := src.Addr().Unmap(); !src.IsValid() || src.Port() == 0 || a.IsUnspecified() || a.IsMulticast() {
		return nil, at, ErrBadSource
	}
	if unknown := unknownRequired(m); len(unknown) > 0 {
		return l.errorResponse(m, at, stun.CodeUnknownAttribute, stun.UnknownAttributes(unknown))
	}
	var cr stunattr.ChangeRequest
	if err := cr.GetFrom(m); err != nil && !errors.Is(err, stun.ErrAttributeNotFound) {
		return l.errorResponse(m, at, stun.CodeBadRequest)
	}
	via := at
	if cr.ChangeIP {
		if l.PortOnly() {
			return l.errorResponse(m, at, stun.CodeUnknownAttribute, stun.UnknownAttributes{stun.AttrChangeRequest})
		}
		via.IP = 1 - at.IP
	}
	if cr.ChangePort {
		via.Port = 1 - at.Port
	}
	src = netip.AddrPortFrom(src.Addr().Unmap(), src.Port())
	setters := []stun.Setter{
		stun.NewTransactionIDSetter(m.TransactionID), stun.BindingSuccess,
		&stun.XORMappedAddress{IP: src.Addr().AsSlice(), Port: int(src.Port())},
		&stun.MappedAddress{IP: src.Addr().AsSlice(), Port: int(src.Port())},
		&stun.ResponseOrigin{IP: l.Addr(via).Addr().AsSlice(), Port: int(l.Addr(via).Port())},
	}
	if !l.PortOnly() {
		other := l.Addr(Endpoint{1 - at.IP, 1 - at.Port})
		setters = append(setters, &stun.OtherAddress{IP: other.Addr().AsSlice(), Port: int(other.Port())})
	}
	setters = append(setters, stun.NewSoftware(l.software()), stun.Fingerprint)
	resp, err := stun.Build(setters...)
	if err != nil {
		return nil, at, fmt.Errorf("build response: %w", err)
	}
	return resp.Raw, via, nil
}

func (l Layout) software() string {
	if l.Software == "" {
		return DefaultSoftware
	}
	return l.Software
}

// errorResponse builds a Binding error response sent back from at.
func (l Layout) errorResponse(m *stun.Message, at Endpoint, code stun.ErrorCode, extra ...stun.Setter) ([]byte, Endpoint, error) {
	setters := append([]stun.Setter{stun.NewTransactionIDSetter(m.TransactionID), stun.BindingError, code},
		extra...)
	setters = append(setters, stun.NewSoftware(l.software()), stun.Fingerprint)
	resp, err := stun.Build(setters...)
	if err != nil {
		return nil, at, fmt.Errorf("build error response: %w", err)
	}
	return resp.Raw, at, nil
}

// known lists the comprehension-required attributes a Binding request may carry.
var known = map[stun.AttrType]bool{
	stun.AttrChangeRequest: true, stun.AttrUsername: true, stun.AttrMessageIntegrity: true,
	stun.AttrPadding: true, stun.AttrResponsePort: true,
}

// unknownRequired lists comprehension-required attributes (0x0000-0x7FFF)
// the responder does not understand (RFC 5389 §7.3.1).
func unknownRequired(m *stun.Message) []stun.AttrType {
	var out []stun.AttrType
	for _, a := range m.Attributes {
		if a.Type.Required() && !known[a.Type] {
			out = append(out, a.Type)
		}
	}
	return out
}

// udpAddrPort converts a net.Addr from ReadFrom; non-UDP addresses give zero.
func udpAddrPort(a net.Addr) netip.AddrPort {
	u, ok := a.(*net.UDPAddr)
	if !ok {
		return netip.AddrPort{}
	}
	ip, ok := netip.AddrFromSlice(u.IP)
	if !ok {
		return netip.AddrPort{}
	}
	return netip.AddrPortFrom(ip.Unmap(), uint16(u.Port))
}
