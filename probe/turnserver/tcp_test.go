package turnserver

import (
	"net"
	"net/netip"
	"testing"

	"github.com/pion/turn/v5"
)

// freeLoopbackPort finds a port free for UDP on 127.0.0.1 (vnet has no TCP,
// so TURN over TCP is tested on loopback).
func freeLoopbackPort(t *testing.T) uint16 {
	t.Helper()
	pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	return uint16(pc.LocalAddr().(*net.UDPAddr).Port)
}

func TestAllocateOverTCP(t *testing.T) {
	s, err := Start(Options{IP: netip.MustParseAddr("127.0.0.1"), Port: freeLoopbackPort(t), TCP: true,
		Users: []User{{"alice", "s3cret"}}, RelayMin: 47100, RelayMax: 47199})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	tests := []struct {
		name, password string
		ok             bool
	}{
		{"right password", "s3cret", true},
		{"wrong password", "guess", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conn, err := net.Dial("tcp4", s.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			c, err := turn.NewClient(&turn.ClientConfig{STUNServerAddr: s.Addr().String(), TURNServerAddr: s.Addr().String(),
				Username: "alice", Password: tt.password, Conn: turn.NewSTUNConn(conn)})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if err := c.Listen(); err != nil {
				t.Fatal(err)
			}
			relay, err := c.Allocate()
			if !tt.ok {
				if err == nil {
					_ = relay.Close()
					t.Fatal("allocation succeeded with a wrong password")
				}
				return
			}
			if err != nil {
				t.Fatalf("Allocate over TCP: %v", err)
			}
			defer relay.Close()
			if p := relay.LocalAddr().(*net.UDPAddr).Port; p < 47100 || p > 47199 {
				t.Fatalf("relay port %d outside 47100-47199", p)
			}
		})
	}
}
