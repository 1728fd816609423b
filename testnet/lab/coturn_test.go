package lab

import (
	"strings"
	"testing"
)

func TestCoturnConfig(t *testing.T) {
	conf := CoturnOptions{Extra: []string{"user-quota=1"}}.withDefaults().config("/tmp/x")
	for _, want := range []string{
		"listening-ip=203.0.113.10\n",
		"listening-ip=203.0.113.11\n",
		"listening-port=3478\n",
		"alt-listening-port=3479\n",
		"min-port=49152\n",
		"max-port=49999\n",
		"lt-cred-mech\n",
		"user=natcheck:SECRET\n",
		"realm=natcheck.test\n",
		"no-tls\n",
		"no-dtls\n",
		"no-cli\n",
		"log-file=/tmp/x/turnserver.log\n",
		"pidfile=/tmp/x/turnserver.pid\n",
		"userdb=/tmp/x/turndb\n",
		"user-quota=1\n",
	} {
		if !strings.Contains(conf, want) {
			t.Errorf("config lacks %q:\n%s", want, conf)
		}
	}
	if strings.Contains(conf, "192.0.2.") {
		t.Errorf("config mentions 192.0.2.0/24")
	}
}

func TestCoturnOptionsValidate(t *testing.T) {
	tests := []struct {
		name string
		opts CoturnOptions
		ok   bool
	}{
		{"defaults", CoturnOptions{}, true},
		{"other ports", CoturnOptions{Port: 3490, AltPort: 3491}, true},
		{"same ports", CoturnOptions{Port: 3490, AltPort: 3490}, false},
		{"port too high", CoturnOptions{Port: 70000}, false},
		{"relay range reversed", CoturnOptions{MinRelayPort: 50000, MaxRelayPort: 49999}, false},
		{"newline in extra", CoturnOptions{Extra: []string{"a\nb"}}, false},
		{"colon in user", CoturnOptions{User: "a:b"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.opts.withDefaults().validate()
			if (err == nil) != tc.ok {
				t.Errorf("validate() = %v, want ok=%v", err, tc.ok)
			}
		})
	}
}
