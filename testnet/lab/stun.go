package lab

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
)

// Just enough STUN (RFC 8489) to ask "is a server answering, and what is my
// mapped address?" without pulling a STUN library into the lab.
const (
	stunHeaderLen        = 20
	stunMagicCookie      = 0x2112A442
	stunBindingRequest   = 0x0001
	stunBindingSuccess   = 0x0101
	stunAttrXORMapped    = 0x0020
	stunAttrMappedLegacy = 0x0001
	stunFamilyIPv4       = 0x01
	stunFamilyIPv6       = 0x02
)

// stunTxID is a STUN transaction id.
type stunTxID [12]byte

// newBindingRequest returns an attribute-less Binding request and its id.
func newBindingRequest() ([]byte, stunTxID, error) {
	var id stunTxID
	if _, err := rand.Read(id[:]); err != nil {
		return nil, id, fmt.Errorf("lab: stun transaction id: %w", err)
	}
	msg := make([]byte, stunHeaderLen)
	binary.BigEndian.PutUint16(msg[0:2], stunBindingRequest)
	binary.BigEndian.PutUint16(msg[2:4], 0)
	binary.BigEndian.PutUint32(msg[4:8], stunMagicCookie)
	copy(msg[8:20], id[:])
	return msg, id, nil
}

// parseBindingSuccess checks that msg is a Binding success response for id
// and returns its (XOR-)MAPPED-ADDRESS. It never panics on malformed input.
func parseBindingSuccess(msg []byte, id stunTxID) (netip.AddrPort, error) {
	if len(msg) < stunHeaderLen {
		return netip.AddrPort{}, errors.New("stun: short message")
	}
	if t := binary.BigEndian.Uint16(msg[0:2]); t != stunBindingSuccess {
		return netip.AddrPort{}, fmt.Errorf("stun: message type %#04x is not a binding success", t)
	}
	if binary.BigEndian.Uint32(msg[4:8]) != stunMagicCookie {
		return netip.AddrPort{}, errors.New("stun: bad magic cookie")
	}
	if stunTxID(msg[8:20]) != id {
		return netip.AddrPort{}, errors.New("stun: transaction id mismatch")
	}
	length := int(binary.BigEndian.Uint16(msg[2:4]))
	if length > len(msg)-stunHeaderLen {
		return netip.AddrPort{}, errors.New("stun: length exceeds message")
	}
	attrs := msg[stunHeaderLen : stunHeaderLen+length]
	var legacy netip.AddrPort
	for len(attrs) >= 4 {
		typ := binary.BigEndian.Uint16(attrs[0:2])
		alen := int(binary.BigEndian.Uint16(attrs[2:4]))
		if alen > len(attrs)-4 {
			return netip.AddrPort{}, errors.New("stun: attribute exceeds message")
		}
		val := attrs[4 : 4+alen]
		switch typ {
		case stunAttrXORMapped:
			return decodeSTUNAddress(val, msg[4:20], true)
		case stunAttrMappedLegacy:
			if ap, err := decodeSTUNAddress(val, nil, false); err == nil {
				legacy = ap
			}
		}
		padded := (alen + 3) &^ 3
		if padded > len(attrs)-4 {
			break
		}
		attrs = attrs[4+padded:]
	}
	if legacy.IsValid() {
		return legacy, nil
	}
	return netip.AddrPort{}, errors.New("stun: no mapped address attribute")
}

// decodeSTUNAddress decodes a (XOR-)MAPPED-ADDRESS value. key is the magic
// cookie followed by the transaction id (only used when xor is set).
func decodeSTUNAddress(val, key []byte, xor bool) (netip.AddrPort, error) {
	if len(val) < 4 {
		return netip.AddrPort{}, errors.New("stun: short address attribute")
	}
	port := binary.BigEndian.Uint16(val[2:4])
	var ip []byte
	switch val[1] {
	case stunFamilyIPv4:
		if len(val) < 8 {
			return netip.AddrPort{}, errors.New("stun: short IPv4 address")
		}
		ip = append([]byte(nil), val[4:8]...)
	case stunFamilyIPv6:
		if len(val) < 20 {
			return netip.AddrPort{}, errors.New("stun: short IPv6 address")
		}
		ip = append([]byte(nil), val[4:20]...)
	default:
		return netip.AddrPort{}, fmt.Errorf("stun: unknown address family %d", val[1])
	}
	if xor {
		port ^= uint16(stunMagicCookie >> 16)
		for i := range ip {
			ip[i] ^= key[i]
		}
	}
	addr, ok := netip.AddrFromSlice(ip)
	if !ok {
		return netip.AddrPort{}, errors.New("stun: bad address")
	}
	return netip.AddrPortFrom(addr.Unmap(), port), nil
}
