package testnet

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sync"
	"time"

	"github.com/natcheck/natcheck/natclass"
	"github.com/natcheck/natcheck/probe/responder"
	"github.com/pion/logging"
	"github.com/pion/stun/v3"
	"github.com/pion/transport/v4/vnet"
	"github.com/pion/turn/v5"
)

// Addresses of the pair world, besides the responder's.
const (
	PairTURNIP    = "203.0.113.20" // the pair world's TURN server
	PairTURNPort  = 3478
	NATAPublicIP  = "198.51.100.2"
	NATBPublicIP  = "198.51.100.3"
	ClientAIP     = "10.1.0.2"
	ClientBIP     = "10.2.0.2"
	pairTURNUser  = "natcheck"
	pairTURNRealm = "natcheck.test"
)

// NATSpec is the network between one client and the internet.
type NATSpec struct {
	Kind      Kind
	Mapping   natclass.MappingBehavior
	Filtering natclass.FilteringBehavior
}

// String is e.g. "endpoint-independent/address-and-port-dependent" or "open".
func (s NATSpec) String() string {
	return WorldOptions{Kind: s.Kind, Mapping: s.Mapping, Filtering: s.Filtering}.Name()
}

// Expect is the classification a correct check reaches behind this NAT.
func (s NATSpec) Expect() natclass.Result {
	w := World{opts: WorldOptions{Kind: s.Kind, Mapping: s.Mapping, Filtering: s.Filtering}}
	m, f, l := w.Expect()
	return natclass.Result{Mapping: m, Filtering: f, Type: l, UDPBlocked: l == natclass.LabelUDPBlocked}
}

// PairWorldOptions describe a world of two clients, each behind its own NAT.
type PairWorldOptions struct {
	A, B   NATSpec
	RTT    time.Duration // across the WAN, client to server
	Loss   float64       // percent of packets dropped on the WAN
	Seed   uint64
	TURN   bool // run a TURN server (RFC 8656) at PairTURNIP
	Logger logging.LoggerFactory
}

// PairWorld is a running two-NAT world: clients A and B, the RFC 5780
// responder, and optionally a pion TURN server.
type PairWorld struct {
	WAN       *vnet.Router
	A, B      *vnet.Net
	ServerNet *vnet.Net
	Responder *responder.Server
	turn      *turn.Server
	turnPass  string
	closeOnce sync.Once
}

// NewPairWorld builds and starts a pair world; Close stops it.
func NewPairWorld(o PairWorldOptions) (*PairWorld, error) {
	if o.Logger == nil {
		o.Logger = quietLogger()
	}
	if o.Loss < 0 || o.Loss >= 100 {
		return nil, fmt.Errorf("loss %.1f%% is out of range [0, 100)", o.Loss)
	}
	w := &PairWorld{turnPass: "pw-" + fmt.Sprint(o.Seed)}
	var err error
	if w.WAN, err = vnet.NewRouter(&vnet.RouterConfig{CIDR: "0.0.0.0/0", MinDelay: o.RTT / 2, LoggerFactory: o.Logger}); err != nil {
		return nil, fmt.Errorf("wan: %w", err)
	}
	if w.ServerNet, err = vnet.NewNet(&vnet.NetConfig{StaticIPs: []string{PrimaryIP, AlternateIP, PairTURNIP}}); err != nil {
		return nil, fmt.Errorf("server net: %w", err)
	}
	if err = w.WAN.AddNet(w.ServerNet); err != nil {
		return nil, fmt.Errorf("server net: %w", err)
	}
	if w.A, err = addNATClient(w.WAN, o.A, "10.1.0.0/24", NATAPublicIP, ClientAIP, OpenHostIP, o.Logger); err != nil {
		return nil, fmt.Errorf("client A: %w", err)
	}
	if w.B, err = addNATClient(w.WAN, o.B, "10.2.0.0/24", NATBPublicIP, ClientBIP, "198.51.100.51", o.Logger); err != nil {
		return nil, fmt.Errorf("client B: %w", err)
	}
	if o.Loss > 0 {
		w.WAN.AddChunkFilter(lossFilter(o.Loss, o.Seed))
	}
	if err = w.WAN.Start(); err != nil {
		return nil, fmt.Errorf("start: %w", err)
	}
	if err = w.startServers(o); err != nil {
		_ = w.Close()
		return nil, err
	}
	return w, nil
}

// addNATClient puts a client behind its own NAT (or on the WAN when open).
func addNATClient(wan *vnet.Router, s NATSpec, cidr, public, ip, openIP string, lf logging.LoggerFactory) (*vnet.Net, error) {
	if s.Kind == KindOpen {
		n, err := vnet.NewNet(&vnet.NetConfig{StaticIPs: []string{openIP}})
		if err != nil {
			return nil, err
		}
		return n, wan.AddNet(n)
	}
	nt := vnet.NATType{MappingBehavior: vnet.EndpointIndependent, FilteringBehavior: vnet.EndpointAddrPortDependent}
	if s.Kind == KindNAT {
		var err error
		if nt.MappingBehavior, err = vnetBehavior(int(s.Mapping)); err != nil {
			return nil, err
		}
		if nt.FilteringBehavior, err = vnetBehavior(int(s.Filtering)); err != nil {
			return nil, err
		}
	}
	lan, err := vnet.NewRouter(&vnet.RouterConfig{CIDR: cidr, StaticIPs: []string{public}, NATType: &nt, LoggerFactory: lf})
	if err != nil {
		return nil, err
	}
	if s.Kind == KindUDPBlocked {
		lan.AddChunkFilter(func(vnet.Chunk) bool { return false })
	}
	n, err := vnet.NewNet(&vnet.NetConfig{StaticIPs: []string{ip}})
	if err != nil {
		return nil, err
	}
	if err = lan.AddNet(n); err != nil {
		return nil, err
	}
	return n, wan.AddRouter(lan)
}

func (w *PairWorld) startServers(o PairWorldOptions) error {
	var err error
	w.Responder, err = responder.Start(w.ServerNet.ListenPacket, responder.Layout{
		Primary: netip.MustParseAddr(PrimaryIP), Alternate: netip.MustParseAddr(AlternateIP),
		Port: STUNPort, AltPort: AltPort, Software: "natcheck-testnet"}, responder.Hooks{})
	if err != nil {
		return fmt.Errorf("rfc 5780 responder: %w", err)
	}
	if !o.TURN {
		return nil
	}
	if w.turn, err = startPairTURN(w.ServerNet, w.turnPass, o.Logger); err != nil {
		return fmt.Errorf("turn: %w", err)
	}
	return nil
}

// startPairTURN runs a pion TURN server (RFC 8656) on PairTURNIP with one
// long-term user, as in the pion guide §4; private to the pair world.
func startPairTURN(n *vnet.Net, pass string, lf logging.LoggerFactory) (*turn.Server, error) {
	pc, err := n.ListenPacket("udp4", net.JoinHostPort(PairTURNIP, fmt.Sprint(PairTURNPort)))
	if err != nil {
		return nil, err
	}
	key := turn.GenerateAuthKey(pairTURNUser, pairTURNRealm, pass)
	s, err := turn.NewServer(turn.ServerConfig{
		Realm:         pairTURNRealm,
		LoggerFactory: lf,
		AuthHandler: func(ra *turn.RequestAttributes) (string, []byte, bool) {
			if ra.Username != pairTURNUser {
				return "", nil, false
			}
			return ra.Username, key, true
		},
		PacketConnConfigs: []turn.PacketConnConfig{{
			PacketConn: pc,
			RelayAddressGenerator: &turn.RelayAddressGeneratorStatic{
				RelayAddress: net.ParseIP(PairTURNIP), Address: PairTURNIP, Net: n,
			},
		}},
	})
	if err != nil {
		_ = pc.Close()
		return nil, err
	}
	return s, nil
}

// URLs are the ICE servers of the world: the responder as STUN, and the
// TURN server with its credentials when there is one.
func (w *PairWorld) URLs() []*stun.URI {
	urls := []*stun.URI{{Scheme: stun.SchemeTypeSTUN, Host: PrimaryIP, Port: STUNPort, Proto: stun.ProtoTypeUDP}}
	if w.turn != nil {
		urls = append(urls, &stun.URI{Scheme: stun.SchemeTypeTURN, Host: PairTURNIP, Port: PairTURNPort, Proto: stun.ProtoTypeUDP,
			Username: pairTURNUser, Password: w.turnPass})
	}
	return urls
}

// Close stops the servers and the routers.
func (w *PairWorld) Close() error {
	var errs []error
	w.closeOnce.Do(func() {
		if w.Responder != nil {
			errs = append(errs, w.Responder.Close())
		}
		if w.turn != nil {
			errs = append(errs, w.turn.Close())
		}
		errs = append(errs, w.WAN.Stop())
	})
	return errors.Join(errs...)
}
