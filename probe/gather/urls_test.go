package gather

import (
	"errors"
	"strings"
	"testing"
)

func TestParseSTUN(t *testing.T) {
	tests := []struct {
		name, in, want string
		err            error
	}{
		{"uri", "stun:203.0.113.10:3478", "stun:203.0.113.10:3478", nil},
		{"uri default port", "stun:stun.example.org", "stun:stun.example.org:3478", nil},
		{"bare host and port", "203.0.113.10:3479", "stun:203.0.113.10:3479", nil},
		{"bare host", "stun.example.org", "stun:stun.example.org:3478", nil},
		{"bare IPv6", "2001:db8::1", "stun:[2001:db8::1]:3478", nil},
		{"bracketed IPv6 and port", "[2001:db8::1]:3479", "stun:[2001:db8::1]:3479", nil},
		{"stuns refused", "stuns:stun.example.org", "", ErrBadURL},
		{"turn refused", "turn:turn.example.org", "", ErrBadURL},
		{"query refused", "stun:stun.example.org?transport=udp", "", ErrBadURL},
		{"bad port", "stun:stun.example.org:http", "", ErrBadURL},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			u, err := parseSTUN(tc.in)
			if !errors.Is(err, tc.err) {
				t.Fatalf("parseSTUN(%q) error %v, want %v", tc.in, err, tc.err)
			}
			if err == nil && u.String() != tc.want {
				t.Errorf("parseSTUN(%q) = %q, want %q", tc.in, u, tc.want)
			}
		})
	}
}

func TestParseTURN(t *testing.T) {
	tests := []struct {
		name      string
		server    TURNServer
		want      string
		transport string
		err       error
	}{
		{"udp default", TURNServer{"turn:turn.example.org", "u", "p"}, "turn:turn.example.org:3478?transport=udp", TransportUDP, nil},
		{"tcp", TURNServer{"turn:198.51.100.7:3478?transport=tcp", "u", "p"}, "turn:198.51.100.7:3478?transport=tcp", TransportTCP, nil},
		{"tls default port", TURNServer{"turns:turn.example.org", "u", "p"}, "turns:turn.example.org:5349?transport=tcp", TransportTLS, nil},
		{"IPv6", TURNServer{"turn:[2001:db8::7]:3478", "u", "p"}, "turn:[2001:db8::7]:3478?transport=udp", TransportUDP, nil},
		{"dtls refused", TURNServer{"turns:turn.example.org?transport=udp", "u", "p"}, "", "", ErrBadURL},
		{"stun refused", TURNServer{"stun:turn.example.org", "u", "p"}, "", "", ErrBadURL},
		{"bad transport", TURNServer{"turn:turn.example.org?transport=sctp", "u", "p"}, "", "", ErrBadURL},
		{"credentials in the URL", TURNServer{"turn:alice:pw-in-url@turn.example.org", "u", "p"}, "", "", ErrBadURL},
		{"no user", TURNServer{"turn:turn.example.org", "", "p"}, "", "", ErrNoCredentials},
		{"no password", TURNServer{"turn:turn.example.org", "u", ""}, "", "", ErrNoCredentials},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			u, err := parseTURN(tc.server)
			if !errors.Is(err, tc.err) {
				t.Fatalf("parseTURN(%v) error %v, want %v", tc.server, err, tc.err)
			}
			if err != nil && strings.Contains(err.Error(), "pw-in-url") {
				t.Errorf("the error shows the URL's password: %v", err)
			}
			if err != nil {
				return
			}
			if nameOf(u) != tc.want || transportOf(u) != tc.transport {
				t.Errorf("parseTURN(%v) = %q over %s, want %q over %s", tc.server, nameOf(u), transportOf(u), tc.want, tc.transport)
			}
			if u.Username != tc.server.User || u.Password != tc.server.Password {
				t.Errorf("credentials not attached")
			}
		})
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		o    Options
		err  error
	}{
		{"empty", Options{}, nil},
		{"good", Options{STUN: []string{"203.0.113.10"}, TURN: []TURNServer{{"turn:203.0.113.10", "u", "p"}},
			Networks: []Network{UDP4, TCP6}}, nil},
		{"bad stun", Options{STUN: []string{"stuns:x"}}, ErrBadURL},
		{"bad turn", Options{TURN: []TURNServer{{"turn:x", "u", ""}}}, ErrNoCredentials},
		{"bad network", Options{Networks: []Network{"sctp4"}}, ErrBadNetwork},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.o.Validate(); !errors.Is(err, tc.err) {
				t.Errorf("Validate() = %v, want %v", err, tc.err)
			}
		})
	}
}
