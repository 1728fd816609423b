package stunattr

import (
	"errors"
	"testing"

	"github.com/pion/stun/v3"
)

func TestChangeRequestRoundTrip(t *testing.T) {
	tests := []struct {
		name  string
		in    ChangeRequest
		wire  byte
		label string
	}{
		{"none", ChangeRequest{}, 0x00, "no change"},
		{"port", ChangeRequest{ChangePort: true}, 0x02, "change port"},
		{"ip", ChangeRequest{ChangeIP: true}, 0x04, "change IP"},
		{"both", ChangeRequest{ChangeIP: true, ChangePort: true}, 0x06, "change IP+port"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := stun.Build(stun.TransactionID, stun.BindingRequest, tt.in)
			if err != nil {
				t.Fatal(err)
			}
			raw, err := m.Get(stun.AttrChangeRequest)
			if err != nil {
				t.Fatal(err)
			}
			if len(raw) != 4 || raw[3] != tt.wire || raw[0]|raw[1]|raw[2] != 0 {
				t.Fatalf("wire value % x, want 00 00 00 %02x", raw, tt.wire)
			}
			decoded := &stun.Message{Raw: append([]byte(nil), m.Raw...)}
			if err := decoded.Decode(); err != nil {
				t.Fatal(err)
			}
			var got ChangeRequest
			if err := got.GetFrom(decoded); err != nil {
				t.Fatal(err)
			}
			if got != tt.in {
				t.Fatalf("got %+v, want %+v", got, tt.in)
			}
			if got.String() != tt.label {
				t.Fatalf("String() = %q, want %q", got.String(), tt.label)
			}
		})
	}
}

func TestChangeRequestErrors(t *testing.T) {
	m, _ := stun.Build(stun.TransactionID, stun.BindingRequest)
	var c ChangeRequest
	if err := c.GetFrom(m); !errors.Is(err, stun.ErrAttributeNotFound) {
		t.Fatalf("absent: got %v, want ErrAttributeNotFound", err)
	}
	m.Add(stun.AttrChangeRequest, []byte{0, 6})
	if err := c.GetFrom(m); !stun.IsAttrSizeInvalid(err) {
		t.Fatalf("short: got %v, want attribute size error", err)
	}
}
