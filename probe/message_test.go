package probe

import (
	"errors"
	"net"
	"net/netip"
	"testing"

	"github.com/natcheck/natcheck/probe/stunattr"
	"github.com/pion/stun/v3"
)

// build makes a STUN message with a fixed transaction ID.
func build(t testing.TB, setters ...stun.Setter) []byte {
	t.Helper()
	all := append([]stun.Setter{stun.NewTransactionIDSetter(rfc5769TxID)}, setters...)
	m, err := stun.Build(all...)
	if err != nil {
		t.Fatal(err)
	}
	return m.Raw
}

// header is a Binding request header with the given length field.
func header(length uint16) []byte {
	return append([]byte{0x00, 0x01, byte(length >> 8), byte(length), 0x21, 0x12, 0xa4, 0x42}, rfc5769TxID[:]...)
}

func TestParseMessageBadInput(t *testing.T) {
	good := build(t, stun.BindingSuccess, &stun.XORMappedAddress{IP: net.IPv4(198, 51, 100, 2), Port: 49152}, stun.Fingerprint)
	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"empty", nil, ErrNotSTUN},
		{"truncated header", header(0)[:19], ErrNotSTUN},
		{"wrong magic cookie", append([]byte{0, 1, 0, 0, 0x21, 0x12, 0xa4, 0x43}, rfc5769TxID[:]...), ErrNotSTUN},
		{"RFC 3489 header (no cookie)", append([]byte{0, 1, 0, 0, 1, 2, 3, 4}, rfc5769TxID[:]...), ErrNotSTUN},
		{"leading bits set (RTP/DTLS)", append([]byte{0x80, 0x01, 0, 0, 0x21, 0x12, 0xa4, 0x42}, rfc5769TxID[:]...), ErrNotSTUN},
		{"text", []byte("GET / HTTP/1.1\r\nHost: example\r\n\r\n"), ErrNotSTUN},
		{"length beyond the datagram", header(8), ErrMalformed},
		{"length not a multiple of 4", append(header(3), 0, 0, 0), ErrMalformed},
		{"trailing bytes", append(append([]byte(nil), good...), 0, 0, 0, 0), ErrMalformed},
		{"datagram cut short", good[:len(good)-4], ErrMalformed},
		{"attribute length overflow", append(header(8), 0x00, 0x20, 0xff, 0xff, 0, 1, 2, 3), ErrMalformed},
		{"attribute longer than the message", append(header(8), 0x80, 0x22, 0x00, 0x08, 'a', 'b', 'c', 'd'), ErrMalformed},
		{"attribute header cut", append(header(4), 0x80, 0x22, 0x00, 0x04), ErrMalformed},
		{"FINGERPRINT of the wrong size", append(header(8), 0x80, 0x28, 0x00, 0x02, 0, 0, 0, 0), ErrFingerprint},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseMessage(tt.in)
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			if got != (Response{}) {
				t.Errorf("an error came with a non-zero Response %+v", got)
			}
		})
	}
}

func TestParseMessageAttributes(t *testing.T) {
	ap := netip.MustParseAddrPort
	xorIP := func(s string) *stun.XORMappedAddress {
		a := ap(s)
		return &stun.XORMappedAddress{IP: a.Addr().AsSlice(), Port: int(a.Port())}
	}
	badFamily := append(header(12), 0x00, 0x20, 0x00, 0x08, 0x00, 0x07, 0xa1, 0x47, 0xe1, 0x12, 0xa6, 0x43)
	compat := append(header(12), 0x80, 0x20, 0x00, 0x08, 0x00, 0x01, 0xa1, 0x47, 0xe1, 0x12, 0xa6, 0x43)
	compat[0], compat[1] = 0x01, 0x01
	tests := []struct {
		name   string
		in     []byte
		want   Response
		mapped netip.AddrPort
	}{
		{
			name: "header only",
			in:   header(0),
			want: Response{Class: stun.ClassRequest, Method: stun.MethodBinding, TxID: rfc5769TxID},
		},
		{
			name: "RFC 5780 response",
			in: build(t, stun.BindingSuccess,
				xorIP("198.51.100.2:49152"),
				&stun.MappedAddress{IP: net.IPv4(198, 51, 100, 2), Port: 49152},
				&stun.OtherAddress{IP: net.IPv4(203, 0, 113, 11), Port: 3479},
				&stun.ResponseOrigin{IP: net.IPv4(203, 0, 113, 10), Port: 3478},
				stun.NewSoftware("natcheck"), stun.Fingerprint),
			want: Response{Class: stun.ClassSuccessResponse, Method: stun.MethodBinding, TxID: rfc5769TxID,
				XORMapped: ap("198.51.100.2:49152"), Mapped: ap("198.51.100.2:49152"), Other: ap("203.0.113.11:3479"),
				Origin: ap("203.0.113.10:3478"), Software: "natcheck", HasFingerp: true},
			mapped: ap("198.51.100.2:49152"),
		},
		{
			name: "RFC 3489 server: MAPPED-ADDRESS only",
			in:   build(t, stun.BindingSuccess, &stun.MappedAddress{IP: net.IPv4(198, 51, 100, 2), Port: 5000}),
			want: Response{Class: stun.ClassSuccessResponse, Method: stun.MethodBinding, TxID: rfc5769TxID,
				Mapped: ap("198.51.100.2:5000")},
			mapped: ap("198.51.100.2:5000"),
		},
		{
			name: "XOR-MAPPED-ADDRESS wins over MAPPED-ADDRESS",
			in: build(t, stun.BindingSuccess, xorIP("198.51.100.2:1"),
				&stun.MappedAddress{IP: net.IPv4(198, 51, 100, 9), Port: 2}),
			want: Response{Class: stun.ClassSuccessResponse, Method: stun.MethodBinding, TxID: rfc5769TxID,
				XORMapped: ap("198.51.100.2:1"), Mapped: ap("198.51.100.9:2")},
			mapped: ap("198.51.100.2:1"),
		},
		{
			name: "IPv4-mapped IPv6 comes out as IPv4",
			in:   build(t, stun.BindingSuccess, &stun.XORMappedAddress{IP: net.ParseIP("::ffff:198.51.100.2").To16(), Port: 7}),
			want: Response{Class: stun.ClassSuccessResponse, Method: stun.MethodBinding, TxID: rfc5769TxID,
				XORMapped: ap("198.51.100.2:7")},
			mapped: ap("198.51.100.2:7"),
		},
		{
			name: "IPv6 OTHER-ADDRESS and RESPONSE-ORIGIN",
			in: build(t, stun.BindingSuccess, xorIP("[2001:db8:ffff::2]:40000"),
				&stun.OtherAddress{IP: net.ParseIP("2001:db8::11"), Port: 3479},
				&stun.ResponseOrigin{IP: net.ParseIP("2001:db8::10"), Port: 3478}),
			want: Response{Class: stun.ClassSuccessResponse, Method: stun.MethodBinding, TxID: rfc5769TxID,
				XORMapped: ap("[2001:db8:ffff::2]:40000"), Other: ap("[2001:db8::11]:3479"), Origin: ap("[2001:db8::10]:3478")},
			mapped: ap("[2001:db8:ffff::2]:40000"),
		},
		{
			name: "pre-RFC 5389 XOR-MAPPED-ADDRESS type 0x8020",
			in:   compat,
			want: Response{Class: stun.ClassSuccessResponse, Method: stun.MethodBinding, TxID: rfc5769TxID,
				XORMapped: ap("192.0.2.1:32853")},
			mapped: ap("192.0.2.1:32853"),
		},
		{
			name: "unknown address family is ignored",
			in:   badFamily,
			want: Response{Class: stun.ClassRequest, Method: stun.MethodBinding, TxID: rfc5769TxID},
		},
		{
			name: "error response",
			in: build(t, stun.BindingError, stun.CodeUnknownAttribute,
				stun.UnknownAttributes{stun.AttrChangeRequest}, stun.Fingerprint),
			want: Response{Class: stun.ClassErrorResponse, Method: stun.MethodBinding, TxID: rfc5769TxID,
				ErrorCode: 420, ErrReason: "Unknown Attribute", HasFingerp: true},
		},
		{
			name: "request with CHANGE-REQUEST",
			in:   build(t, stun.BindingRequest, stunattr.ChangeRequest{ChangePort: true}),
			want: Response{Class: stun.ClassRequest, Method: stun.MethodBinding, TxID: rfc5769TxID, ChangeReq: true},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseMessage(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
			if got.MappedAddr() != tt.mapped {
				t.Errorf("MappedAddr() = %s, want %s", got.MappedAddr(), tt.mapped)
			}
		})
	}
}
