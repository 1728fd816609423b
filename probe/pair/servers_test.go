package pair

import (
	"errors"
	"testing"

	"github.com/natcheck/natcheck/probe/gather"
	"github.com/pion/stun/v3"
)

func TestICEServers(t *testing.T) {
	urls, err := ICEServers([]string{"203.0.113.10", "stun:203.0.113.11:3479", "2001:db8::1"},
		[]gather.TURNServer{{URL: "turn:203.0.113.20:3478?transport=tcp", User: "u", Password: "p"}})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"stun:203.0.113.10:3478", "stun:203.0.113.11:3479", "stun:[2001:db8::1]:3478", "turn:203.0.113.20:3478?transport=tcp"}
	for i, u := range urls {
		if u.String() != want[i] {
			t.Errorf("url %d: %s, want %s", i, u, want[i])
		}
	}
	if last := urls[3]; last.Scheme != stun.SchemeTypeTURN || last.Username != "u" || last.Password != "p" {
		t.Errorf("turn url %+v lacks its credentials", last)
	}
	if _, err := ICEServers(nil, []gather.TURNServer{{URL: "turn:x", User: "u"}}); !errors.Is(err, gather.ErrNoCredentials) {
		t.Errorf("turn without password: %v", err)
	}
	if _, err := ICEServers([]string{"turn:x"}, nil); !errors.Is(err, gather.ErrBadURL) {
		t.Errorf("turn URL as STUN: %v", err)
	}
}
