package probe

import (
	"math/rand/v2"
	"net"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/pion/logging"
	"github.com/pion/stun/v3"
	"github.com/pion/transport/v4/vnet"
)

// A one-router WAN for transactor tests: a client and a server host with
// two IPs, linkDelay each way. Call inside a synctest bubble.
const linkDelay = 10 * time.Millisecond

var (
	serverAddr = netip.MustParseAddrPort("203.0.113.10:3478")
	spoofAddr  = netip.MustParseAddrPort("203.0.113.11:3478") // the server host's other IP
	silentAddr = netip.MustParseAddrPort("203.0.113.10:9")    // nobody listens here
)

type link struct {
	wan    *vnet.Router
	client *vnet.Net
	server *vnet.Net
}

// newLink builds and starts the WAN; lossPct of packets each way are
// dropped (seeded, so a failure replays).
func newLink(t testing.TB, lossPct float64, seed uint64) *link {
	t.Helper()
	lf := logging.NewDefaultLoggerFactory()
	lf.DefaultLogLevel = logging.LogLevelDisabled
	wan, err := vnet.NewRouter(&vnet.RouterConfig{CIDR: "0.0.0.0/0", MinDelay: linkDelay, LoggerFactory: lf})
	if err != nil {
		t.Fatal(err)
	}
	l := &link{wan: wan}
	if l.server, err = vnet.NewNet(&vnet.NetConfig{StaticIPs: []string{"203.0.113.10", "203.0.113.11"}}); err != nil {
		t.Fatal(err)
	}
	if l.client, err = vnet.NewNet(&vnet.NetConfig{StaticIPs: []string{"198.51.100.2"}}); err != nil {
		t.Fatal(err)
	}
	for _, n := range []*vnet.Net{l.server, l.client} {
		if err := wan.AddNet(n); err != nil {
			t.Fatal(err)
		}
	}
	if lossPct > 0 {
		var mu sync.Mutex
		rng := rand.New(rand.NewPCG(seed, 0x5eed))
		wan.AddChunkFilter(func(vnet.Chunk) bool {
			mu.Lock()
			defer mu.Unlock()
			return rng.Float64()*100 >= lossPct
		})
	}
	if err := wan.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = wan.Stop() })
	return l
}

// transactor opens a client socket.
func (l *link) transactor(t testing.TB) *Transactor {
	t.Helper()
	c, err := l.client.ListenPacket("udp4", "198.51.100.2:0")
	if err != nil {
		t.Fatal(err)
	}
	tr := NewTransactor(c)
	t.Cleanup(func() { _ = tr.Close() })
	return tr
}

// scriptServer listens on serverAddr (and spoofAddr) and lets a test
// decide what each request gets back.
type scriptServer struct {
	t       testing.TB
	primary net.PacketConn
	spoof   net.PacketConn
	handle  func(s *scriptServer, req Response, from net.Addr)
	wg      sync.WaitGroup
}

func (l *link) scriptServer(t testing.TB, handle func(s *scriptServer, req Response, from net.Addr)) *scriptServer {
	t.Helper()
	s := &scriptServer{t: t, handle: handle}
	var err error
	if s.primary, err = l.server.ListenPacket("udp4", serverAddr.String()); err != nil {
		t.Fatal(err)
	}
	if s.spoof, err = l.server.ListenPacket("udp4", spoofAddr.String()); err != nil {
		t.Fatal(err)
	}
	s.wg.Add(1)
	go s.serve()
	t.Cleanup(func() { s.primary.Close(); s.spoof.Close(); s.wg.Wait() })
	return s
}

func (s *scriptServer) serve() {
	defer s.wg.Done()
	buf := make([]byte, 1500)
	for {
		n, from, err := s.primary.ReadFrom(buf)
		if err != nil {
			return
		}
		if req, err := ParseMessage(buf[:n]); err == nil {
			s.handle(s, req, from)
		}
	}
}

// send writes b to the client from the primary or the spoofing socket.
func (s *scriptServer) send(b []byte, to net.Addr, spoofed bool) {
	c := s.primary
	if spoofed {
		c = s.spoof
	}
	if _, err := c.WriteTo(b, to); err != nil {
		s.t.Errorf("server send: %v", err)
	}
}

// success is a Binding success response for txID, reporting to as mapped.
func success(t testing.TB, txID [stun.TransactionIDSize]byte, to net.Addr) []byte {
	t.Helper()
	u := to.(*net.UDPAddr)
	m, err := stun.Build(stun.NewTransactionIDSetter(txID), stun.BindingSuccess,
		&stun.XORMappedAddress{IP: u.IP, Port: u.Port}, stun.Fingerprint)
	if err != nil {
		t.Fatal(err)
	}
	return m.Raw
}

// answer is the plain server: one success per request.
func answer(s *scriptServer, req Response, from net.Addr) {
	s.send(success(s.t, req.TxID, from), from, false)
}
