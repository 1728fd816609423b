package responder

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"testing"

	"github.com/natcheck/natcheck/probe/stunattr"
	"github.com/pion/stun/v3"
)

var (
	full = Layout{Primary: netip.MustParseAddr("203.0.113.10"), Alternate: netip.MustParseAddr("203.0.113.11"),
		Port: 3478, AltPort: 3479, Software: "natcheck-test"}
	portOnly = Layout{Primary: netip.MustParseAddr("198.51.100.20"), Port: 3478, AltPort: 3479}
	client   = netip.MustParseAddrPort("198.51.100.2:49152")
	txID     = [stun.TransactionIDSize]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
)

// request builds a Binding request with a fixed transaction ID.
func request(t testing.TB, setters ...stun.Setter) []byte {
	t.Helper()
	all := append([]stun.Setter{stun.NewTransactionIDSetter(txID), stun.BindingRequest}, setters...)
	m, err := stun.Build(append(all, stun.Fingerprint)...)
	if err != nil {
		t.Fatal(err)
	}
	return m.Raw
}

// decode reads an answer and checks what every answer must carry.
func decode(t testing.TB, resp []byte, want stun.MessageType) *stun.Message {
	t.Helper()
	m := &stun.Message{Raw: append([]byte(nil), resp...)}
	if err := m.Decode(); err != nil {
		t.Fatalf("answer does not decode: %v", err)
	}
	if m.Type != want {
		t.Fatalf("answer type %v, want %v", m.Type, want)
	}
	if m.TransactionID != txID {
		t.Fatalf("answer transaction ID %x, want %x", m.TransactionID, txID)
	}
	if err := stun.Fingerprint.Check(m); err != nil {
		t.Fatalf("answer FINGERPRINT: %v", err)
	}
	return m
}

// addrOf reads one address attribute; the zero AddrPort when absent.
func addrOf(t testing.TB, m *stun.Message, typ stun.AttrType) netip.AddrPort {
	t.Helper()
	var ip net.IP
	var port int
	var err error
	switch typ {
	case stun.AttrXORMappedAddress:
		var a stun.XORMappedAddress
		err, ip, port = a.GetFrom(m), a.IP, a.Port
	case stun.AttrMappedAddress:
		var a stun.MappedAddress
		err, ip, port = a.GetFrom(m), a.IP, a.Port
	case stun.AttrOtherAddress:
		var a stun.OtherAddress
		err, ip, port = a.GetFrom(m), a.IP, a.Port
	case stun.AttrResponseOrigin:
		var a stun.ResponseOrigin
		err, ip, port = a.GetFrom(m), a.IP, a.Port
	}
	if errors.Is(err, stun.ErrAttributeNotFound) {
		return netip.AddrPort{}
	}
	if err != nil {
		t.Fatalf("%v: %v", typ, err)
	}
	a, _ := netip.AddrFromSlice(ip)
	return netip.AddrPortFrom(a.Unmap(), uint16(port))
}

func TestAnswerChangeRequest(t *testing.T) {
	changes := []struct {
		name string
		cr   *stunattr.ChangeRequest // nil: no CHANGE-REQUEST at all
		flip Endpoint                // which coordinates the answer's socket flips
	}{
		{"absent", nil, Endpoint{}},
		{"no change", &stunattr.ChangeRequest{}, Endpoint{}},
		{"change port", &stunattr.ChangeRequest{ChangePort: true}, Endpoint{Port: 1}},
		{"change IP", &stunattr.ChangeRequest{ChangeIP: true}, Endpoint{IP: 1}},
		{"change IP+port", &stunattr.ChangeRequest{ChangeIP: true, ChangePort: true}, Endpoint{IP: 1, Port: 1}},
	}
	for _, at := range full.Endpoints() {
		for _, c := range changes {
			t.Run(fmt.Sprintf("at %s/%s", full.Addr(at), c.name), func(t *testing.T) {
				var setters []stun.Setter
				if c.cr != nil {
					setters = append(setters, *c.cr)
				}
				resp, via, err := full.Answer(request(t, setters...), client, at)
				if err != nil {
					t.Fatal(err)
				}
				wantVia := Endpoint{IP: at.IP ^ c.flip.IP, Port: at.Port ^ c.flip.Port}
				if via != wantVia {
					t.Fatalf("sent from %+v (%s), want %+v (%s)", via, full.Addr(via), wantVia, full.Addr(wantVia))
				}
				m := decode(t, resp, stun.BindingSuccess)
				want := map[stun.AttrType]netip.AddrPort{
					stun.AttrXORMappedAddress: client,
					stun.AttrMappedAddress:    client,
					stun.AttrResponseOrigin:   full.Addr(wantVia),
					stun.AttrOtherAddress:     full.Addr(Endpoint{1 - at.IP, 1 - at.Port}),
				}
				for typ, w := range want {
					if got := addrOf(t, m, typ); got != w {
						t.Errorf("%v = %s, want %s", typ, got, w)
					}
				}
				var sw stun.Software
				if err := sw.GetFrom(m); err != nil || sw.String() != "natcheck-test" {
					t.Errorf("SOFTWARE %q (%v), want natcheck-test", sw, err)
				}
			})
		}
	}
}

func TestAnswerPortOnly(t *testing.T) {
	tests := []struct {
		name     string
		cr       stunattr.ChangeRequest
		at       Endpoint
		wantVia  Endpoint
		wantCode int // 0: a success response
	}{
		{"no change", stunattr.ChangeRequest{}, Endpoint{0, 0}, Endpoint{0, 0}, 0},
		{"change port from the primary port", stunattr.ChangeRequest{ChangePort: true}, Endpoint{0, 0}, Endpoint{0, 1}, 0},
		{"change port from the alternate port", stunattr.ChangeRequest{ChangePort: true}, Endpoint{0, 1}, Endpoint{0, 0}, 0},
		{"change IP", stunattr.ChangeRequest{ChangeIP: true}, Endpoint{0, 0}, Endpoint{0, 0}, 420},
		{"change IP+port", stunattr.ChangeRequest{ChangeIP: true, ChangePort: true}, Endpoint{0, 1}, Endpoint{0, 1}, 420},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, via, err := portOnly.Answer(request(t, tt.cr), client, tt.at)
			if err != nil {
				t.Fatal(err)
			}
			if via != tt.wantVia {
				t.Fatalf("sent from %+v, want %+v", via, tt.wantVia)
			}
			if tt.wantCode != 0 {
				m := decode(t, resp, stun.BindingError)
				wantError(t, m, tt.wantCode, stun.UnknownAttributes{stun.AttrChangeRequest})
				return
			}
			m := decode(t, resp, stun.BindingSuccess)
			if m.Contains(stun.AttrOtherAddress) {
				t.Error("port-only answer carries OTHER-ADDRESS")
			}
			if got := addrOf(t, m, stun.AttrResponseOrigin); got != portOnly.Addr(tt.wantVia) {
				t.Errorf("RESPONSE-ORIGIN %s, want %s", got, portOnly.Addr(tt.wantVia))
			}
			var sw stun.Software
			if err := sw.GetFrom(m); err != nil || sw.String() != DefaultSoftware {
				t.Errorf("SOFTWARE %q (%v), want the default %q", sw, err, DefaultSoftware)
			}
		})
	}
}

// wantError checks an error response's code and UNKNOWN-ATTRIBUTES.
func wantError(t testing.TB, m *stun.Message, code int, unknown stun.UnknownAttributes) {
	t.Helper()
	var ec stun.ErrorCodeAttribute
	if err := ec.GetFrom(m); err != nil || int(ec.Code) != code {
		t.Fatalf("ERROR-CODE %v (%v), want %d", ec.Code, err, code)
	}
	var ua stun.UnknownAttributes
	err := ua.GetFrom(m)
	if unknown == nil {
		if !errors.Is(err, stun.ErrAttributeNotFound) {
			t.Errorf("UNKNOWN-ATTRIBUTES %v (%v), want none", ua, err)
		}
		return
	}
	if err != nil || fmt.Sprint(ua) != fmt.Sprint(unknown) {
		t.Errorf("UNKNOWN-ATTRIBUTES %v (%v), want %v", ua, err, unknown)
	}
}

// raw adds an attribute of any type and value.
type raw struct {
	typ stun.AttrType
	val []byte
}

func (r raw) AddTo(m *stun.Message) error { m.Add(r.typ, r.val); return nil }

func TestAnswerAttributes(t *testing.T) {
	const priority, iceControlled, useCandidate = stun.AttrType(0x0024), stun.AttrType(0x8029), stun.AttrType(0x0025)
	tests := []struct {
		name    string
		setters []stun.Setter
		code    int // 0: success
		unknown stun.UnknownAttributes
	}{
		{"unknown comprehension-required attribute", []stun.Setter{raw{priority, []byte{1, 2, 3, 4}}},
			420, stun.UnknownAttributes{priority}},
		{"two unknown comprehension-required attributes", []stun.Setter{raw{priority, []byte{1, 2, 3, 4}}, raw{useCandidate, nil}},
			420, stun.UnknownAttributes{priority, useCandidate}},
		{"unknown comprehension-optional attribute is ignored", []stun.Setter{raw{iceControlled, make([]byte, 8)}}, 0, nil},
		{"known attributes", []stun.Setter{stun.NewUsername("u"), raw{stun.AttrPadding, make([]byte, 8)}}, 0, nil},
		{"CHANGE-REQUEST of the wrong size", []stun.Setter{raw{stun.AttrChangeRequest, []byte{0, 6}}}, 400, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, via, err := full.Answer(request(t, tt.setters...), client, Endpoint{0, 1})
			if err != nil {
				t.Fatal(err)
			}
			if via != (Endpoint{0, 1}) {
				t.Errorf("sent from %+v, want the receiving socket", via)
			}
			if tt.code == 0 {
				decode(t, resp, stun.BindingSuccess)
				return
			}
			wantError(t, decode(t, resp, stun.BindingError), tt.code, tt.unknown)
		})
	}
}

func TestAnswerNoAnswer(t *testing.T) {
	build := func(setters ...stun.Setter) []byte {
		m, err := stun.Build(append([]stun.Setter{stun.NewTransactionIDSetter(txID)}, setters...)...)
		if err != nil {
			t.Fatal(err)
		}
		return m.Raw
	}
	badFP := request(t)
	badFP[len(badFP)-1] ^= 1
	tests := []struct {
		name string
		req  []byte
		src  netip.AddrPort
		want error
	}{
		{"not STUN", []byte("hello, world, this is not STUN"), client, ErrNotSTUN},
		{"truncated header", request(t)[:12], client, ErrNotSTUN},
		{"malformed", append(request(t)[:20:20], 0x80, 0x22, 0xff, 0xff), client, ErrMalformed},
		{"success response", build(stun.BindingSuccess), client, ErrNotBinding},
		{"error response", build(stun.BindingError, stun.CodeBadRequest), client, ErrNotBinding},
		{"indication", build(stun.NewType(stun.MethodBinding, stun.ClassIndication)), client, ErrNotBinding},
		{"Allocate request", build(stun.NewType(stun.MethodAllocate, stun.ClassRequest)), client, ErrNotBinding},
		{"bad FINGERPRINT", badFP, client, ErrFingerprint},
		{"no source", request(t), netip.AddrPort{}, ErrBadSource},
		{"source port 0", request(t), netip.MustParseAddrPort("198.51.100.2:0"), ErrBadSource},
		{"unspecified source", request(t), netip.MustParseAddrPort("0.0.0.0:5000"), ErrBadSource},
		{"multicast source", request(t), netip.MustParseAddrPort("224.0.0.1:5000"), ErrBadSource},
		{"IPv6 multicast source", request(t), netip.MustParseAddrPort("[ff02::1]:5000"), ErrBadSource},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, _, err := full.Answer(tt.req, tt.src, Endpoint{})
			if !errors.Is(err, tt.want) || resp != nil {
				t.Fatalf("got %d bytes, %v; want no answer, %v", len(resp), err, tt.want)
			}
		})
	}
}

func TestAnswerAddresses(t *testing.T) {
	v6 := Layout{Primary: netip.MustParseAddr("2001:db8::10"), Alternate: netip.MustParseAddr("2001:db8::11"), Port: 3478, AltPort: 3479}
	tests := []struct {
		name      string
		layout    Layout
		src       netip.AddrPort
		wantXOR   netip.AddrPort
		wantOther netip.AddrPort
	}{
		{"IPv4-mapped source is answered as IPv4", full, netip.MustParseAddrPort("[::ffff:198.51.100.2]:40000"),
			netip.MustParseAddrPort("198.51.100.2:40000"), netip.MustParseAddrPort("203.0.113.11:3479")},
		{"IPv6", v6, netip.MustParseAddrPort("[2001:db8:1::2]:40000"),
			netip.MustParseAddrPort("[2001:db8:1::2]:40000"), netip.MustParseAddrPort("[2001:db8::11]:3479")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, _, err := tt.layout.Answer(request(t), tt.src, Endpoint{})
			if err != nil {
				t.Fatal(err)
			}
			m := decode(t, resp, stun.BindingSuccess)
			if got := addrOf(t, m, stun.AttrXORMappedAddress); got != tt.wantXOR {
				t.Errorf("XOR-MAPPED-ADDRESS %s, want %s", got, tt.wantXOR)
			}
			if got := addrOf(t, m, stun.AttrOtherAddress); got != tt.wantOther {
				t.Errorf("OTHER-ADDRESS %s, want %s", got, tt.wantOther)
			}
		})
	}
}

// Answer is pure: the same input gives the same bytes.
func TestAnswerDeterministic(t *testing.T) {
	req := request(t, stunattr.ChangeRequest{ChangeIP: true})
	a, _, err1 := full.Answer(req, client, Endpoint{1, 0})
	b, _, err2 := full.Answer(req, client, Endpoint{1, 0})
	if err1 != nil || err2 != nil || string(a) != string(b) {
		t.Fatalf("two answers differ (%v, %v)", err1, err2)
	}
}
