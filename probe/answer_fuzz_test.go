package probe

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/natcheck/natcheck/probe/responder"
	"github.com/natcheck/natcheck/probe/stunattr"
	"github.com/pion/stun/v3"
)

// Layouts the responder fuzz target answers from.
var fuzzLayouts = []responder.Layout{
	{Primary: netip.MustParseAddr("203.0.113.10"), Alternate: netip.MustParseAddr("203.0.113.11"), Port: 3478, AltPort: 3479},
	{Primary: netip.MustParseAddr("198.51.100.20"), Port: 3478, AltPort: 3479},
	{Primary: netip.MustParseAddr("2001:db8::10"), Alternate: netip.MustParseAddr("2001:db8::11"), Port: 3478, AltPort: 3479},
}

// FuzzAnswerParses runs the responder on any datagram from any source and
// reads its answer with natcheck's own client parser: Answer must not panic;
// any answer must parse, be a Binding response to the request's transaction
// ID, leave from a socket the layout has, and say truthfully who asked and
// where it came from. Every Binding request ParseMessage accepts from a
// usable source gets an answer.
func FuzzAnswerParses(f *testing.F) {
	for _, setters := range [][]stun.Setter{
		{stun.BindingRequest, stun.Fingerprint},
		{stun.BindingRequest, stunattr.ChangeRequest{ChangeIP: true, ChangePort: true}, stun.Fingerprint},
		{stun.BindingRequest, stunattr.ChangeRequest{ChangePort: true}},
		{stun.BindingRequest, stun.RawAttribute{Type: 0x0024, Value: []byte{1, 2, 3, 4}}},
		{stun.BindingSuccess, stun.Fingerprint},
	} {
		f.Add(build(f, setters...), []byte{198, 51, 100, 2}, uint16(40000), uint8(0), uint8(0))
	}
	f.Add(unhex(f, rfc5769Request), []byte{0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2}, uint16(5), uint8(3), uint8(2))
	f.Add(header(0)[:19], []byte{198, 51, 100, 2}, uint16(1), uint8(1), uint8(1))
	f.Add(append(header(8), 0x00, 0x03, 0xff, 0xff, 0, 0, 0, 6), []byte{0, 0, 0, 0}, uint16(0), uint8(0), uint8(0))
	f.Fuzz(func(t *testing.T, req, srcIP []byte, srcPort uint16, atIdx, layoutIdx uint8) {
		l := fuzzLayouts[int(layoutIdx)%len(fuzzLayouts)]
		eps := l.Endpoints()
		at := eps[int(atIdx)%len(eps)]
		ip, _ := netip.AddrFromSlice(srcIP)
		src := netip.AddrPortFrom(ip, srcPort)
		resp, via, err := l.Answer(req, src, at)
		in, inErr := ParseMessage(req)
		usable := src.IsValid() && srcPort != 0 && !ip.Unmap().IsUnspecified() && !ip.IsMulticast()
		if err != nil {
			if inErr == nil && in.Class == stun.ClassRequest && in.Method == stun.MethodBinding && usable {
				t.Fatalf("no answer to a Binding request from %s: %v", src, err)
			}
			return
		}
		if !slices.Contains(eps, via) {
			t.Fatalf("answer leaves from %+v, not a socket of the layout", via)
		}
		got, perr := ParseMessage(resp)
		if perr != nil {
			t.Fatalf("answer does not parse: %v", perr)
		}
		if got.TxID != [12]byte(req[8:20]) || got.Method != stun.MethodBinding || !got.HasFingerp {
			t.Fatalf("answer %+v: not a fingerprinted Binding response to the request", got)
		}
		switch got.Class {
		case stun.ClassErrorResponse:
			if via != at || (got.ErrorCode != 400 && got.ErrorCode != 420) {
				t.Fatalf("error %d sent from %+v (request at %+v)", got.ErrorCode, via, at)
			}
		case stun.ClassSuccessResponse:
			checkSuccess(t, l, got, src, at, via)
		default:
			t.Fatalf("answer class %v", got.Class)
		}
	})
}

func checkSuccess(t *testing.T, l responder.Layout, got Response, src netip.AddrPort, at, via responder.Endpoint) {
	t.Helper()
	who := netip.AddrPortFrom(src.Addr().Unmap(), src.Port())
	if got.XORMapped != who || got.Mapped != who {
		t.Fatalf("mapped %s / %s, want %s", got.XORMapped, got.Mapped, who)
	}
	if got.Origin != l.Addr(via) {
		t.Fatalf("RESPONSE-ORIGIN %s, sent from %s", got.Origin, l.Addr(via))
	}
	wantOther := netip.AddrPort{}
	if !l.PortOnly() {
		wantOther = l.Addr(responder.Endpoint{IP: 1 - at.IP, Port: 1 - at.Port})
	}
	if got.Other != wantOther {
		t.Fatalf("OTHER-ADDRESS %s, want %s", got.Other, wantOther)
	}
}
