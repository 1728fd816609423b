package probe

import (
	"errors"
	"testing"
)

func TestParseServer(t *testing.T) {
	tests := []struct {
		in      string
		want    ServerSpec
		wantErr string
	}{
		{in: "stun.example.org", want: ServerSpec{"stun.example.org", 3478}},
		{in: "  stun.example.org:3479 ", want: ServerSpec{"stun.example.org", 3479}},
		{in: "203.0.113.10", want: ServerSpec{"203.0.113.10", 3478}},
		{in: "[2001:db8::10]:19302", want: ServerSpec{"2001:db8::10", 19302}},
		{in: "2001:db8::10", want: ServerSpec{"2001:db8::10", 3478}},
		{in: "[2001:db8::10]", want: ServerSpec{"2001:db8::10", 3478}},
		{in: "stun:stun.example.org", want: ServerSpec{"stun.example.org", 3478}},
		{in: "STUN:stun.example.org:3479?transport=udp", want: ServerSpec{"stun.example.org", 3479}},
		{in: "stun:[2001:db8::10]:3479", want: ServerSpec{"2001:db8::10", 3479}},
		{in: "stun", want: ServerSpec{"stun", 3478}},
		{in: "stun:3479", want: ServerSpec{"stun", 3479}},
		{in: "stuns:5349", want: ServerSpec{"stuns", 5349}},
		{in: "", wantErr: `bad STUN server address: empty`},
		{in: "stuns:stun.example.org", wantErr: `bad STUN server address: "stuns:stun.example.org": stuns (TLS) cannot run UDP behaviour tests`},
		{in: "stun.example.org:0", wantErr: `bad STUN server address: "stun.example.org:0": port must be 1-65535`},
		{in: "stun.example.org:65536", wantErr: `bad STUN server address: "stun.example.org:65536": port must be 1-65535`},
		{in: "stun.example.org:http", wantErr: `bad STUN server address: "stun.example.org:http": port must be 1-65535`},
		{in: ":3478", wantErr: `bad STUN server address: ":3478": no host`},
		{in: "stun:", wantErr: `bad STUN server address: "stun:": no host`},
		{in: "user@host", wantErr: `bad STUN server address: "user@host": no host`},
		{in: "stun://host", wantErr: `bad STUN server address: "stun://host": port must be 1-65535`},
		{in: "a:b:c", wantErr: `bad STUN server address: "a:b:c"`},
		{in: "[\n0", wantErr: `bad STUN server address: "[\n0": space or control character in host`},
		{in: "host\x00name:3478", wantErr: `bad STUN server address: "host\x00name:3478": space or control character in host`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseServer(tt.in)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr || !errors.Is(err, ErrBadServer) {
					t.Fatalf("got %+v, %v; want error %q", got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}
