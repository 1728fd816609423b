package probe

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/netip"

	"github.com/pion/stun/v3"
)

// Errors from ParseMessage.
var (
	ErrNotSTUN     = errors.New("not a STUN message")
	ErrMalformed   = errors.New("malformed STUN message")
	ErrFingerprint = errors.New("STUN FINGERPRINT mismatch")
)

// Response is what natcheck reads from a STUN message: the RFC 5389 and
// RFC 5780 attributes, each zero when absent or unparsable.
type Response struct {
	Class      stun.MessageClass
	Method     stun.Method
	TxID       [stun.TransactionIDSize]byte
	XORMapped  netip.AddrPort // XOR-MAPPED-ADDRESS (RFC 5389 §15.2)
	Mapped     netip.AddrPort // MAPPED-ADDRESS (RFC 5389 §15.1)
	Other      netip.AddrPort // OTHER-ADDRESS (RFC 5780 §7.4)
	Origin     netip.AddrPort // RESPONSE-ORIGIN (RFC 5780 §7.3)
	Software   string         // SOFTWARE (RFC 5389 §15.10)
	ErrorCode  int            // ERROR-CODE (RFC 5389 §15.6), 0 when absent
	ErrReason  string
	ChangeReq  bool // the message carries CHANGE-REQUEST (only requests do)
	HasFingerp bool
}

// MappedAddr is the reflexive address: XOR-MAPPED-ADDRESS, or MAPPED-ADDRESS
// from servers that send only the RFC 3489 attribute.
func (r Response) MappedAddr() netip.AddrPort {
	if r.XORMapped.IsValid() {
		return r.XORMapped
	}
	return r.Mapped
}

// ParseMessage decodes one datagram. It never panics; anything that is not a
// well-formed STUN message, or whose FINGERPRINT is wrong, is an error.
func ParseMessage(b []byte) (Response, error) {
	if !stun.IsMessage(b) || b[0]&0xc0 != 0 {
		return Response{}, ErrNotSTUN
	}
	if err := checkLength(b); err != nil {
		return Response{}, err
	}
	m := &stun.Message{Raw: append([]byte(nil), b...)}
	if err := m.Decode(); err != nil {
		return Response{}, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	r := Response{Class: m.Type.Class, Method: m.Type.Method, TxID: m.TransactionID}
	if _, err := m.Get(stun.AttrFingerprint); err == nil {
		r.HasFingerp = true
		if err := stun.Fingerprint.Check(m); err != nil {
			return Response{}, fmt.Errorf("%w: %w", ErrFingerprint, err)
		}
	}
	var xor stun.XORMappedAddress
	if xor.GetFrom(m) == nil {
		r.XORMapped = addrPort(xor.IP, xor.Port)
	}
	var mapped stun.MappedAddress
	if mapped.GetFrom(m) == nil {
		r.Mapped = addrPort(mapped.IP, mapped.Port)
	}
	var other stun.OtherAddress
	if other.GetFrom(m) == nil {
		r.Other = addrPort(other.IP, other.Port)
	}
	var origin stun.ResponseOrigin
	if origin.GetFrom(m) == nil {
		r.Origin = addrPort(origin.IP, origin.Port)
	}
	var sw stun.Software
	if sw.GetFrom(m) == nil {
		r.Software = sw.String()
	}
	var ec stun.ErrorCodeAttribute
	if ec.GetFrom(m) == nil {
		r.ErrorCode, r.ErrReason = int(ec.Code), string(ec.Reason)
	}
	_, err := m.Get(stun.AttrChangeRequest)
	r.ChangeReq = err == nil
	return r, nil
}

// checkLength holds a datagram to RFC 5389 §6: the length field counts
// every byte after the header and is a multiple of 4. pion would ignore
// trailing bytes, and with them a FINGERPRINT a corrupted length cut off.
func checkLength(b []byte) error {
	n := int(binary.BigEndian.Uint16(b[2:4]))
	if n%4 != 0 || len(b) != stunHeaderSize+n {
		return fmt.Errorf("%w: length field %d, datagram %d bytes", ErrMalformed, n, len(b))
	}
	return nil
}

const stunHeaderSize = 20

// addrPort converts pion's net.IP/port pair; invalid input gives the zero value.
func addrPort(ip net.IP, port int) netip.AddrPort {
	a, ok := netip.AddrFromSlice(ip)
	if !ok || port < 0 || port > 0xffff {
		return netip.AddrPort{}
	}
	return netip.AddrPortFrom(a.Unmap(), uint16(port))
}

// udpAddrPort converts a net.Addr from ReadFrom; non-UDP addresses give zero.
func udpAddrPort(a net.Addr) netip.AddrPort {
	u, ok := a.(*net.UDPAddr)
	if !ok {
		return netip.AddrPort{}
	}
	return addrPort(u.IP, u.Port)
}
