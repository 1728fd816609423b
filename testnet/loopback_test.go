package testnet

import (
	"context"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/natcheck/natcheck/natclass"
	"github.com/natcheck/natcheck/probe"
	"github.com/natcheck/natcheck/probe/responder"
)

// TestLoopbackOpenInternet runs the check on the host's real network stack
// (stdnet, kernel sockets) against the responder on 127.0.0.1 and 127.0.0.2:
// no NAT and no filtering stand between them, so the verdict must be open
// internet, found by the "mapped address is one of ours" rule.
func TestLoopbackOpenInternet(t *testing.T) {
	l := responder.Layout{Primary: netip.MustParseAddr("127.0.0.1"), Alternate: netip.MustParseAddr("127.0.0.2"),
		Port: freeUDPPort(t), AltPort: freeUDPPort(t)}
	srv, err := responder.Start(net.ListenPacket, l, responder.Hooks{})
	if err != nil {
		t.Fatalf("listen on 127.0.0.1/127.0.0.2 (all of 127/8 is loopback on Linux): %v", err)
	}
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	out, err := probe.Check(ctx, probe.Options{Servers: []string{l.Addr(responder.Endpoint{}).String()},
		Family: probe.FamilyIPv4, BindAddress: netip.MustParseAddr("127.0.0.1")})
	if err != nil {
		t.Fatal(err)
	}
	res := natclass.Classify(out.Families[0].Observations)
	if res.Type != natclass.LabelOpenInternet || res.Mapping != natclass.MappingNone || res.Filtering != natclass.FilteringNone {
		t.Fatalf("got %s mapping=%s filtering=%s; want open-internet none none\n%+v", res.Type, res.Mapping, res.Filtering, res)
	}
	if res.Hairpinning != natclass.True || res.PortPreserved != natclass.True {
		t.Errorf("hairpinning=%s portPreserved=%s, want true true", res.Hairpinning, res.PortPreserved)
	}
}

// freeUDPPort asks the kernel for a free loopback UDP port.
func freeUDPPort(t *testing.T) uint16 {
	t.Helper()
	c, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	return uint16(c.LocalAddr().(*net.UDPAddr).Port)
}
