package probe

import (
	"encoding/binary"
	"errors"
	"net/netip"
	"testing"

	"github.com/natcheck/natcheck/probe/stunattr"
	"github.com/pion/stun/v3"
)

// FuzzParseMessage feeds any datagram to ParseMessage: it must not panic,
// must leave its input alone, must fail only with its own errors, and must
// agree with pion's decoder both ways: what it accepts pion decodes to the
// same header and attributes, and what pion decodes with honest framing and
// FINGERPRINT it accepts.
func FuzzParseMessage(f *testing.F) {
	for _, v := range []string{rfc5769Request, rfc5769IPv4Response, rfc5769IPv6Response, rfc5769LongTermRequest} {
		f.Add(unhex(f, v))
	}
	f.Add(build(f, stun.BindingSuccess, &stun.XORMappedAddress{IP: netip.MustParseAddr("198.51.100.2").AsSlice(), Port: 1},
		&stun.OtherAddress{IP: netip.MustParseAddr("203.0.113.11").AsSlice(), Port: 3479}, stun.Fingerprint))
	f.Add(build(f, stun.BindingError, stun.CodeUnknownAttribute, stun.UnknownAttributes{stun.AttrChangeRequest}))
	f.Add(build(f, stun.BindingRequest, stunattr.ChangeRequest{ChangeIP: true}, stun.Fingerprint))
	f.Add(header(0)[:19])                                        // truncated header
	f.Add(append(header(8), 0x00, 0x20, 0xff, 0xff, 0, 1, 2, 3)) // attribute length overflow
	f.Add(append([]byte{0, 1, 0, 0, 0x21, 0x12, 0xa4, 0x43}, rfc5769TxID[:]...))
	f.Fuzz(checkParse)
}

// FuzzParseAttributes frames fuzzed attribute bytes honestly (cookie,
// length, optionally a correct FINGERPRINT) so the fuzzer spends its time
// in the attribute decoders rather than on the header.
func FuzzParseAttributes(f *testing.F) {
	for _, v := range []string{rfc5769Request, rfc5769IPv4Response, rfc5769IPv6Response} {
		b := unhex(f, v)
		f.Add(binary.BigEndian.Uint16(b), b[20:len(b)-8], true)
	}
	f.Add(uint16(0x0111), []byte{0x00, 0x09, 0x00, 0x04, 0x00, 0x00, 0x04, 0x14}, false) // ERROR-CODE 420
	f.Add(uint16(0x0101), []byte{0x80, 0x2c, 0x00, 0x08, 0x00, 0x01, 0x0d, 0x97, 0xcb, 0x00, 0x71, 0x0b}, false)
	f.Add(uint16(0x0001), []byte{0x00, 0x03, 0x00, 0x04, 0x00, 0x00, 0x00, 0x06}, true) // CHANGE-REQUEST
	f.Fuzz(func(t *testing.T, typ uint16, attrs []byte, fingerprint bool) {
		attrs = attrs[:min(len(attrs), 0xffff-8)&^3]
		b := binary.BigEndian.AppendUint16(nil, typ&0x3fff)
		b = binary.BigEndian.AppendUint16(b, uint16(len(attrs)))
		b = append(append(append(b, 0x21, 0x12, 0xa4, 0x42), rfc5769TxID[:]...), attrs...)
		if fingerprint {
			binary.BigEndian.PutUint16(b[2:4], uint16(len(attrs)+8))
			b = binary.BigEndian.AppendUint32(append(b, 0x80, 0x28, 0x00, 0x04), stun.FingerprintValue(b))
		}
		checkParse(t, b)
	})
}

// checkParse holds ParseMessage to its contract on one datagram.
func checkParse(t *testing.T, b []byte) {
	orig := string(b)
	got, err := ParseMessage(b)
	if string(b) != orig {
		t.Fatal("ParseMessage changed its input")
	}
	if again, err2 := ParseMessage(b); again != got || (err == nil) != (err2 == nil) {
		t.Fatal("ParseMessage is not deterministic")
	}
	pion := &stun.Message{Raw: append([]byte(nil), b...)}
	pionErr := pion.Decode()
	if err != nil {
		if got != (Response{}) {
			t.Fatalf("error %v with a non-zero Response", err)
		}
		if !errors.Is(err, ErrNotSTUN) && !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrFingerprint) {
			t.Fatalf("foreign error %v", err)
		}
		fpOK := !pion.Contains(stun.AttrFingerprint) || stun.Fingerprint.Check(pion) == nil
		if pionErr == nil && honestFraming(b) && fpOK {
			t.Fatalf("pion decodes what ParseMessage refuses (%v)", err)
		}
		return
	}
	if pionErr != nil {
		t.Fatalf("ParseMessage accepts what pion refuses: %v", pionErr)
	}
	agree(t, got, pion)
}

// honestFraming: leading zero bits, and a length field that is the
// datagram's, a multiple of 4 (RFC 5389 §6).
func honestFraming(b []byte) bool {
	if len(b) < 20 || b[0]&0xc0 != 0 {
		return false
	}
	n := int(binary.BigEndian.Uint16(b[2:4]))
	return n%4 == 0 && len(b) == 20+n
}

// agree checks a parsed Response against pion's decoding of the bytes.
func agree(t *testing.T, got Response, m *stun.Message) {
	t.Helper()
	if got.Class != m.Type.Class || got.Method != m.Type.Method || got.TxID != m.TransactionID {
		t.Fatalf("header %v %v %x, pion %v %x", got.Class, got.Method, got.TxID, m.Type, m.TransactionID)
	}
	if got.HasFingerp != m.Contains(stun.AttrFingerprint) || got.ChangeReq != m.Contains(stun.AttrChangeRequest) {
		t.Fatalf("FINGERPRINT %v CHANGE-REQUEST %v disagree with pion", got.HasFingerp, got.ChangeReq)
	}
	var xor stun.XORMappedAddress
	var mapped stun.MappedAddress
	var other stun.OtherAddress
	var origin stun.ResponseOrigin
	for _, c := range []struct {
		name string
		got  netip.AddrPort
		err  error
		pion func() netip.AddrPort
	}{
		{"XOR-MAPPED-ADDRESS", got.XORMapped, xor.GetFrom(m), func() netip.AddrPort { return addrPort(xor.IP, xor.Port) }},
		{"MAPPED-ADDRESS", got.Mapped, mapped.GetFrom(m), func() netip.AddrPort { return addrPort(mapped.IP, mapped.Port) }},
		{"OTHER-ADDRESS", got.Other, other.GetFrom(m), func() netip.AddrPort { return addrPort(other.IP, other.Port) }},
		{"RESPONSE-ORIGIN", got.Origin, origin.GetFrom(m), func() netip.AddrPort { return addrPort(origin.IP, origin.Port) }},
	} {
		want := netip.AddrPort{}
		if c.err == nil {
			want = c.pion()
		}
		if c.got != want {
			t.Fatalf("%s %s, pion %s (%v)", c.name, c.got, want, c.err)
		}
		if c.got.IsValid() && c.got.Addr().Is4In6() {
			t.Fatalf("%s %s is not unmapped", c.name, c.got)
		}
	}
	var sw stun.Software
	if sw.GetFrom(m) == nil && got.Software != sw.String() {
		t.Fatalf("SOFTWARE %q, pion %q", got.Software, sw.String())
	}
	var ec stun.ErrorCodeAttribute
	if ec.GetFrom(m) == nil && (got.ErrorCode != int(ec.Code) || got.ErrReason != string(ec.Reason)) {
		t.Fatalf("ERROR-CODE %d %q, pion %d %q", got.ErrorCode, got.ErrReason, ec.Code, ec.Reason)
	}
}
