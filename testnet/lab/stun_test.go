package lab

import (
	"encoding/binary"
	"net/netip"
	"testing"
)

// bindingSuccess builds a Binding success response for id carrying attrs
// (type, value pairs, padded to 4 bytes).
func bindingSuccess(id stunTxID, attrs ...[]byte) []byte {
	var body []byte
	for _, a := range attrs {
		body = append(body, a...)
		for len(body)%4 != 0 {
			body = append(body, 0)
		}
	}
	msg := make([]byte, stunHeaderLen, stunHeaderLen+len(body))
	binary.BigEndian.PutUint16(msg[0:2], stunBindingSuccess)
	binary.BigEndian.PutUint16(msg[2:4], uint16(len(body)))
	binary.BigEndian.PutUint32(msg[4:8], stunMagicCookie)
	copy(msg[8:20], id[:])
	return append(msg, body...)
}

// addrAttr encodes a (XOR-)MAPPED-ADDRESS attribute for an IPv4 address.
func addrAttr(typ uint16, ap netip.AddrPort, id stunTxID, xor bool) []byte {
	a := make([]byte, 12)
	binary.BigEndian.PutUint16(a[0:2], typ)
	binary.BigEndian.PutUint16(a[2:4], 8)
	a[5] = stunFamilyIPv4
	port := ap.Port()
	ip := ap.Addr().As4()
	if xor {
		port ^= uint16(stunMagicCookie >> 16)
		var key [4]byte
		binary.BigEndian.PutUint32(key[:], stunMagicCookie)
		for i := range ip {
			ip[i] ^= key[i]
		}
	}
	binary.BigEndian.PutUint16(a[6:8], port)
	copy(a[8:12], ip[:])
	return a
}

func TestParseBindingSuccess(t *testing.T) {
	req, id, err := newBindingRequest()
	if err != nil {
		t.Fatal(err)
	}
	if len(req) != stunHeaderLen || binary.BigEndian.Uint16(req) != stunBindingRequest {
		t.Fatalf("bad request %x", req)
	}
	mapped := netip.MustParseAddrPort("198.51.100.2:40001")
	legacy := netip.MustParseAddrPort("198.51.100.3:40002")
	software := []byte{0x80, 0x22, 0, 3, 'a', 'b', 'c'}
	other := stunTxID{1}
	tests := []struct {
		name    string
		msg     []byte
		id      stunTxID
		want    netip.AddrPort
		wantErr bool
	}{
		{"xor mapped", bindingSuccess(id, software, addrAttr(stunAttrXORMapped, mapped, id, true)), id, mapped, false},
		{"legacy mapped only", bindingSuccess(id, addrAttr(stunAttrMappedLegacy, legacy, id, false)), id, legacy, false},
		{"xor wins over legacy", bindingSuccess(id, addrAttr(stunAttrMappedLegacy, legacy, id, false), addrAttr(stunAttrXORMapped, mapped, id, true)), id, mapped, false},
		{"wrong transaction", bindingSuccess(id, addrAttr(stunAttrXORMapped, mapped, id, true)), other, netip.AddrPort{}, true},
		{"no address", bindingSuccess(id, software), id, netip.AddrPort{}, true},
		{"request is not a response", req, id, netip.AddrPort{}, true},
		{"short", req[:10], id, netip.AddrPort{}, true},
		{"truncated attribute", bindingSuccess(id, addrAttr(stunAttrXORMapped, mapped, id, true))[:26], id, netip.AddrPort{}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseBindingSuccess(tc.msg, tc.id)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tc.wantErr)
			}
			if got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

func FuzzParseBindingSuccess(f *testing.F) {
	id := stunTxID{9, 8, 7}
	f.Add(bindingSuccess(id, addrAttr(stunAttrXORMapped, netip.MustParseAddrPort("203.0.113.9:1"), id, true)))
	f.Add(bindingSuccess(id, []byte{0, 0x20, 0, 20, 0, 2}))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, msg []byte) {
		_, _ = parseBindingSuccess(msg, id) // must not panic
		if len(msg) >= stunHeaderLen {
			_, _ = parseBindingSuccess(msg, stunTxID(msg[8:20]))
		}
	})
}
