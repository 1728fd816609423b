package probe

import (
	"context"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/natcheck/natcheck/probe/responder"
)

// TestCheckOtherFamilyGetsGrace runs on loopback: an IPv4 responder that
// answers and an IPv6 socket that never does. Once IPv4 is done, the IPv6
// survey gets FamilyGrace, not its two seconds of silence, so its server
// ends "no reply before the check ended" rather than judged silent.
func TestCheckOtherFamilyGetsGrace(t *testing.T) {
	silent, err := net.ListenPacket("udp6", "[::1]:0")
	if err != nil {
		t.Fatalf("IPv6 loopback [::1] (every machine of this kind has it): %v", err)
	}
	defer silent.Close()
	srv, err := responder.Start(net.ListenPacket, responder.Layout{Primary: netip.MustParseAddr("127.0.0.1"),
		Port: freePort(t), AltPort: freePort(t)}, responder.Hooks{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	v4 := srv.Layout().Addr(responder.Endpoint{}).String()
	out, err := Check(ctx, Options{Servers: []string{v4, silent.LocalAddr().String()}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Families) != 2 || out.Families[0].Network != "udp4" {
		t.Fatalf("families %+v, want udp4 then udp6", out.Families)
	}
	if s := out.Families[0].Observations.Servers[0]; !s.Answered {
		t.Errorf("IPv4 server: %+v", s)
	}
	s6 := out.Families[1].Observations.Servers[0]
	if s6.Answered || s6.Silent || s6.Error != "no reply before the check ended" {
		t.Errorf("IPv6 server: answered=%v silent=%v error=%q; want cut by the grace", s6.Answered, s6.Silent, s6.Error)
	}
}

func freePort(t *testing.T) uint16 {
	t.Helper()
	c, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	return uint16(c.LocalAddr().(*net.UDPAddr).Port)
}
