package probe

import (
	"errors"
	"strings"
	"testing"
)

// FuzzParseServer feeds any --server string to ParseServer: it must not
// panic, every error must wrap ErrBadServer, and what it accepts must have a
// host and a port and read back the same from its own String().
func FuzzParseServer(f *testing.F) {
	for _, s := range []string{"stun.example.org", "stun.example.org:3479", "203.0.113.10", "203.0.113.10:3478",
		"[2001:db8::10]:3478", "2001:db8::10", "[2001:db8::10]", "stun:stun.example.org", "STUN:[2001:db8::1]:19302",
		"stun:h?transport=udp", "stuns:h:5349", "stun://h", "h:0", "h:65536", ":3478", "", " ", "[fe80::1%eth0]:3478",
		"stun", "stun:3478", "a b", "\tstun.example.org"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		spec, err := ParseServer(s)
		if err != nil {
			if !errors.Is(err, ErrBadServer) {
				t.Fatalf("ParseServer(%q): %v does not wrap ErrBadServer", s, err)
			}
			return
		}
		if spec.Host == "" || spec.Port == 0 || strings.ContainsAny(spec.Host, " /@[]") {
			t.Fatalf("ParseServer(%q) = %+v", s, spec)
		}
		again, err := ParseServer(spec.String())
		if err != nil || again != spec {
			t.Fatalf("ParseServer(%q) = %+v, but its String %q reads back as %+v, %v", s, spec, spec.String(), again, err)
		}
	})
}
