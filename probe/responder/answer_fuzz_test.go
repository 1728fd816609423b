package responder

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/natcheck/natcheck/probe/stunattr"
	"github.com/pion/stun/v3"
)

// FuzzAnswer feeds any datagram to Answer on a full and a port-only layout:
// it must not panic, and whatever it answers must be a well-formed Binding
// response to that transaction, sent from a socket the layout has.
func FuzzAnswer(f *testing.F) {
	for _, setters := range [][]stun.Setter{
		{stun.TransactionID, stun.BindingRequest},
		{stun.TransactionID, stun.BindingRequest, stun.Fingerprint},
		{stun.TransactionID, stun.BindingRequest, stunattr.ChangeRequest{ChangeIP: true, ChangePort: true}, stun.Fingerprint},
		{stun.TransactionID, stun.BindingRequest, stunattr.ChangeRequest{ChangePort: true}},
		{stun.TransactionID, stun.BindingSuccess},
		{stun.TransactionID, stun.BindingRequest, stun.NewSoftware("x"), stun.NewUsername("u")},
	} {
		m, err := stun.Build(setters...)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(m.Raw, uint8(0))
	}
	f.Add([]byte{0, 1, 0, 4, 0x21, 0x12, 0xa4, 0x42, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0, 3, 0, 4}, uint8(3))
	f.Add([]byte("GET / HTTP/1.1\r\n"), uint8(1))

	layouts := []Layout{
		{Primary: netip.MustParseAddr("203.0.113.10"), Alternate: netip.MustParseAddr("203.0.113.11"), Port: 3478, AltPort: 3479},
		{Primary: netip.MustParseAddr("203.0.113.10"), Port: 3478, AltPort: 3479},
	}
	src := netip.MustParseAddrPort("198.51.100.2:40000")
	f.Fuzz(func(t *testing.T, req []byte, sock uint8) {
		for _, l := range layouts {
			eps := l.Endpoints()
			at := eps[int(sock)%len(eps)]
			resp, via, err := l.Answer(req, src, at)
			if err != nil {
				continue
			}
			checkAnswer(t, l, req, resp, via)
		}
	})
}

func checkAnswer(t *testing.T, l Layout, req, resp []byte, via Endpoint) {
	t.Helper()
	if !slices.Contains(l.Endpoints(), via) {
		t.Fatalf("answer sent from %+v, which the layout does not have", via)
	}
	m := &stun.Message{Raw: append([]byte(nil), resp...)}
	if err := m.Decode(); err != nil {
		t.Fatalf("answer does not decode: %v", err)
	}
	if m.Type != stun.BindingSuccess && m.Type != stun.BindingError {
		t.Fatalf("answer type %v", m.Type)
	}
	if string(m.TransactionID[:]) != string(req[8:20]) {
		t.Fatal("answer has another transaction ID")
	}
	if err := stun.Fingerprint.Check(m); err != nil {
		t.Fatalf("answer FINGERPRINT: %v", err)
	}
	if l.PortOnly() && m.Contains(stun.AttrOtherAddress) {
		t.Fatal("port-only answer carries OTHER-ADDRESS")
	}
}
