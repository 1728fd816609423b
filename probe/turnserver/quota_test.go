package turnserver

import (
	"errors"
	"net"
	"testing"

	"github.com/pion/transport/v4/stdnet"
	"github.com/pion/turn/v5"
)

func TestQuota(t *testing.T) {
	q := newQuota(2)
	steps := []struct {
		op, user string
		want     bool // acquire's answer, or full's
	}{
		{"acquire", "a", true},
		{"full", "a", false},
		{"acquire", "a", true},
		{"full", "a", true},
		{"acquire", "a", false},
		{"acquire", "b", true},
		{"release", "a", false},
		{"full", "a", false},
		{"acquire", "a", true},
	}
	for i, s := range steps {
		var got bool
		switch s.op {
		case "acquire":
			got = q.acquire(s.user)
		case "full":
			got = q.full(s.user)
		case "release":
			q.release(s.user)
			continue
		}
		if got != s.want {
			t.Fatalf("step %d: %s(%s) = %v, want %v", i, s.op, s.user, got, s.want)
		}
	}
	if got := q.total(); got != 3 {
		t.Fatalf("total = %d, want 3", got)
	}
	q.release("b")
	q.release("a")
	q.release("a")
	if got, n := q.total(), len(q.n); got != 0 || n != 0 {
		t.Fatalf("after releasing all: total %d, %d entries; want 0, 0", got, n)
	}
}

func TestRelayGenAdmit(t *testing.T) {
	n, err := stdnet.NewNet()
	if err != nil {
		t.Fatal(err)
	}
	const lo, hi = 41000, 41019
	g := &relayGen{min: lo, max: hi, quota: newQuota(1), inner: &turn.RelayAddressGeneratorPortRange{
		RelayAddress: net.IPv4(127, 0, 0, 1), Address: "127.0.0.1", MinPort: lo, MaxPort: hi, Net: n}}
	if err := g.Validate(); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		conf turn.AllocateListenerConfig
		err  error
	}{
		{"requested port below range", turn.AllocateListenerConfig{Network: "udp4", UserID: "a", RequestedPort: lo - 1}, ErrPortOutOfRange},
		{"requested port above range", turn.AllocateListenerConfig{Network: "udp4", UserID: "a", RequestedPort: hi + 1}, ErrPortOutOfRange},
		{"first relay", turn.AllocateListenerConfig{Network: "udp4", UserID: "a"}, nil},
		{"over quota", turn.AllocateListenerConfig{Network: "udp4", UserID: "a"}, ErrQuota},
		{"other user", turn.AllocateListenerConfig{Network: "udp4", UserID: "b"}, nil},
		{"even-port search is not counted", turn.AllocateListenerConfig{Network: "udp4"}, nil},
	}
	var live []net.PacketConn
	defer func() {
		for _, c := range live {
			_ = c.Close()
		}
	}()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conn, addr, err := g.AllocatePacketConn(tt.conf)
			if !errors.Is(err, tt.err) {
				t.Fatalf("AllocatePacketConn: %v, want %v", err, tt.err)
			}
			if err != nil {
				return
			}
			live = append(live, conn)
			if p := addr.(*net.UDPAddr).Port; p < lo || p > hi {
				t.Fatalf("relay port %d outside %d-%d", p, lo, hi)
			}
		})
	}
	conn, _, err := g.AllocatePacketConn(turn.AllocateListenerConfig{Network: "udp4", UserID: "c"})
	if err != nil {
		t.Fatal(err)
	}
	_ = conn.Close()
	_ = conn.Close() // a second Close must not release twice
	if got := g.quota.total(); got != 2 {
		t.Fatalf("live relays %d, want 2 (a and b; c closed, the even-port search uncounted)", got)
	}
}
