package main

import (
	"slices"
	"testing"

	"github.com/natcheck/natcheck/probe"
)

// TestDefaultServers: several distinct hosts, all parseable, the known
// RFC 5780 servers first. Nothing is sent to them.
func TestDefaultServers(t *testing.T) {
	hosts := map[string]bool{}
	for _, s := range DefaultServers {
		spec, err := probe.ParseServer(s)
		if err != nil {
			t.Errorf("default server %q: %v", s, err)
			continue
		}
		hosts[spec.Host] = true
	}
	if len(hosts) < 3 || len(hosts) != len(DefaultServers) {
		t.Errorf("want at least 3 distinct hosts, got %v", DefaultServers)
	}
	for i, rfc5780 := range []string{"stunserver2024.stunprotocol.org:3478", "stun.voipgate.com:3478"} {
		if !slices.Contains(DefaultServers, rfc5780) || DefaultServers[i] != rfc5780 {
			t.Errorf("RFC 5780 server %s should be default number %d: %v", rfc5780, i+1, DefaultServers)
		}
	}
	if NewFactory(&IOStreams{}).DefaultServers == nil {
		t.Error("the production factory has no default servers")
	}
}
