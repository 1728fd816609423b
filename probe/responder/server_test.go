package responder

import (
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/natcheck/natcheck/probe/stunattr"
	"github.com/pion/logging"
	"github.com/pion/stun/v3"
	"github.com/pion/transport/v4/vnet"
)

// vnetPair is a WAN with the responder's IPs and one client at 198.51.100.2.
func vnetPair(t *testing.T) (server, client *vnet.Net) {
	t.Helper()
	lf := logging.NewDefaultLoggerFactory()
	lf.DefaultLogLevel = logging.LogLevelDisabled
	wan, err := vnet.NewRouter(&vnet.RouterConfig{CIDR: "0.0.0.0/0", MinDelay: 5 * time.Millisecond, LoggerFactory: lf})
	if err != nil {
		t.Fatal(err)
	}
	server, err = vnet.NewNet(&vnet.NetConfig{StaticIPs: []string{"203.0.113.10", "203.0.113.11"}})
	if err != nil {
		t.Fatal(err)
	}
	client, err = vnet.NewNet(&vnet.NetConfig{StaticIPs: []string{"198.51.100.2"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []*vnet.Net{server, client} {
		if err := wan.AddNet(n); err != nil {
			t.Fatal(err)
		}
	}
	if err := wan.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = wan.Stop() })
	return server, client
}

// hookLog records what the server's hooks were told.
type hookLog struct {
	mu       sync.Mutex
	answered []Endpoint // the via of each answer
	dropped  []error
}

func TestServerOnVnet(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		serverNet, clientNet := vnetPair(t)
		var log hookLog
		srv, err := Start(serverNet.ListenPacket, full, Hooks{
			Allow: func(net.Addr) bool { return true },
			Answered: func(at, via Endpoint, changed bool) {
				log.mu.Lock()
				defer log.mu.Unlock()
				if changed != (at != via) {
					t.Errorf("changed=%v for %+v→%+v", changed, at, via)
				}
				log.answered = append(log.answered, via)
			},
			Dropped: func(err error) { log.mu.Lock(); log.dropped = append(log.dropped, err); log.mu.Unlock() },
		})
		if err != nil {
			t.Fatal(err)
		}
		conn, err := clientNet.ListenPacket("udp4", "198.51.100.2:40000")
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		primary := net.UDPAddrFromAddrPort(full.Addr(Endpoint{0, 0}))
		send := func(b []byte) {
			if _, err := conn.WriteTo(b, primary); err != nil {
				t.Fatal(err)
			}
		}
		send([]byte("not STUN at all, just bytes"))
		send(request(t, stunattr.ChangeRequest{ChangeIP: true, ChangePort: true}))
		buf := make([]byte, 1500)
		n, from, err := conn.ReadFrom(buf)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := from.String(), "203.0.113.11:3479"; got != want {
			t.Errorf("change IP+port answered from %s, want %s", got, want)
		}
		decode(t, buf[:n], stun.BindingSuccess)
		if err := srv.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		if err := srv.Close(); err != nil {
			t.Fatalf("second Close: %v", err)
		}
		log.mu.Lock()
		defer log.mu.Unlock()
		if len(log.answered) != 1 || log.answered[0] != (Endpoint{1, 1}) {
			t.Errorf("Answered hook saw %+v, want one answer via {1 1}", log.answered)
		}
		if len(log.dropped) != 1 || !errors.Is(log.dropped[0], ErrNotSTUN) {
			t.Errorf("Dropped hook saw %v, want one ErrNotSTUN", log.dropped)
		}
	})
}

func TestServerAllowDenies(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		serverNet, clientNet := vnetPair(t)
		var asked atomic.Int32
		srv, err := Start(serverNet.ListenPacket, full, Hooks{Allow: func(net.Addr) bool { asked.Add(1); return false }})
		if err != nil {
			t.Fatal(err)
		}
		defer srv.Close()
		conn, err := clientNet.ListenPacket("udp4", "198.51.100.2:40000")
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		if _, err := conn.WriteTo(request(t), net.UDPAddrFromAddrPort(full.Addr(Endpoint{}))); err != nil {
			t.Fatal(err)
		}
		_ = conn.SetReadDeadline(time.Now().Add(time.Second))
		if n, from, err := conn.ReadFrom(make([]byte, 1500)); err == nil {
			t.Fatalf("denied source got %d bytes from %s", n, from)
		}
		if n := asked.Load(); n != 1 {
			t.Errorf("Allow asked %d times, want 1", n)
		}
	})
}

// fakeConn is a PacketConn that only records Close.
type fakeConn struct {
	net.PacketConn
	closed bool
}

func (c *fakeConn) Close() error { c.closed = true; return nil }

func TestStartErrors(t *testing.T) {
	var opened []*fakeConn
	failThird := func(network, address string) (net.PacketConn, error) {
		if len(opened) == 2 {
			return nil, errors.New("address in use")
		}
		c := &fakeConn{}
		opened = append(opened, c)
		return c, nil
	}
	_, err := Start(failThird, full, Hooks{})
	if err == nil || err.Error() != "listen on 203.0.113.11:3478: address in use" {
		t.Fatalf("got %v", err)
	}
	for i, c := range opened {
		if !c.closed {
			t.Errorf("socket %d left open after a failed Start", i)
		}
	}
	_, err = Start(failThird, Layout{Port: 1, AltPort: 2}, Hooks{})
	if err == nil || err.Error() != "responder layout: primary IP is missing" {
		t.Fatalf("invalid layout: got %v", err)
	}
}
