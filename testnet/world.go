package testnet

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"sync"
	"time"

	"github.com/natcheck/natcheck/natclass"
	"github.com/natcheck/natcheck/probe/responder"
	"github.com/pion/logging"
	"github.com/pion/transport/v4/vnet"
)

// Addresses of the simulated internet. They are in-process only; the
// documentation ranges keep them recognisable.
const (
	PrimaryIP   = "203.0.113.10" // RFC 5780 responder, primary
	AlternateIP = "203.0.113.11" // RFC 5780 responder, alternate
	PlainIP     = "198.51.100.20"
	NATPublicIP = "198.51.100.2"
	OpenHostIP  = "198.51.100.50"
	ClientIP    = "10.1.0.2"
	LANCIDR     = "10.1.0.0/24"
	STUNPort    = 3478
	AltPort     = 3479
)

// Kind is the network between the client and the internet.
type Kind int

// Kinds of world.
const (
	KindNAT        Kind = iota // a NAT with the given mapping and filtering
	KindOpen                   // no NAT: the client has a public address
	KindUDPBlocked             // a NAT that drops all UDP
)

// WorldOptions describe a world. Mapping and filtering use natclass names.
type WorldOptions struct {
	Kind      Kind
	Mapping   natclass.MappingBehavior
	Filtering natclass.FilteringBehavior
	RTT       time.Duration // client↔server round trip
	Loss      float64       // percent of packets dropped, each way, on the WAN
	Seed      uint64        // loss pattern
	Logger    logging.LoggerFactory
}

// World is a running simulated network: a client, an RFC 5780 responder on
// two IPs × two ports, and a plain STUN server at a third IP.
type World struct {
	WAN       *vnet.Router
	LAN       *vnet.Router // nil for KindOpen
	Client    *vnet.Net
	ServerNet *vnet.Net
	Responder *responder.Server
	Plain     *responder.Server
	opts      WorldOptions
	closeOnce sync.Once
}

// Servers are the --server arguments that reach the world's STUN servers.
func (w *World) Servers() []string {
	return []string{fmt.Sprintf("%s:%d", PrimaryIP, STUNPort), fmt.Sprintf("%s:%d", PlainIP, STUNPort)}
}

// vnetBehavior maps natclass names onto vnet's.
func vnetBehavior(b int) (vnet.EndpointDependencyType, error) {
	switch b {
	case int(natclass.MappingEndpointIndependent):
		return vnet.EndpointIndependent, nil
	case int(natclass.MappingAddressDependent):
		return vnet.EndpointAddrDependent, nil
	case int(natclass.MappingAddressAndPortDependent):
		return vnet.EndpointAddrPortDependent, nil
	}
	return 0, fmt.Errorf("no simulated NAT behaviour %q", natclass.MappingBehavior(b))
}

// NewWorld builds and starts a world; Close stops it.
func NewWorld(o WorldOptions) (*World, error) {
	if o.Logger == nil {
		o.Logger = quietLogger()
	}
	if o.Loss < 0 || o.Loss >= 100 {
		return nil, fmt.Errorf("loss %.1f%% is out of range [0, 100)", o.Loss)
	}
	w := &World{opts: o}
	var err error
	w.WAN, err = vnet.NewRouter(&vnet.RouterConfig{CIDR: "0.0.0.0/0", MinDelay: o.RTT / 2, LoggerFactory: o.Logger})
	if err != nil {
		return nil, fmt.Errorf("wan: %w", err)
	}
	if w.ServerNet, err = vnet.NewNet(&vnet.NetConfig{StaticIPs: []string{PrimaryIP, AlternateIP, PlainIP}}); err != nil {
		return nil, fmt.Errorf("server net: %w", err)
	}
	if err = w.WAN.AddNet(w.ServerNet); err != nil {
		return nil, fmt.Errorf("server net: %w", err)
	}
	if err = w.addClient(); err != nil {
		return nil, err
	}
	if o.Loss > 0 {
		w.WAN.AddChunkFilter(lossFilter(o.Loss, o.Seed))
	}
	if err = w.WAN.Start(); err != nil {
		return nil, fmt.Errorf("start: %w", err)
	}
	if err = w.startServers(); err != nil {
		w.Close()
		return nil, err
	}
	return w, nil
}

func (w *World) addClient() error {
	o := w.opts
	if o.Kind == KindOpen {
		var err error
		if w.Client, err = vnet.NewNet(&vnet.NetConfig{StaticIPs: []string{OpenHostIP}}); err != nil {
			return fmt.Errorf("client: %w", err)
		}
		return w.WAN.AddNet(w.Client)
	}
	nt := vnet.NATType{MappingBehavior: vnet.EndpointIndependent, FilteringBehavior: vnet.EndpointAddrPortDependent}
	if o.Kind == KindNAT {
		var err error
		if nt.MappingBehavior, err = vnetBehavior(int(o.Mapping)); err != nil {
			return err
		}
		if nt.FilteringBehavior, err = vnetBehavior(int(o.Filtering)); err != nil {
			return err
		}
	}
	lan, err := vnet.NewRouter(&vnet.RouterConfig{CIDR: LANCIDR, StaticIPs: []string{NATPublicIP}, NATType: &nt, LoggerFactory: o.Logger})
	if err != nil {
		return fmt.Errorf("nat: %w", err)
	}
	if o.Kind == KindUDPBlocked {
		lan.AddChunkFilter(func(vnet.Chunk) bool { return false })
	}
	if w.Client, err = vnet.NewNet(&vnet.NetConfig{StaticIPs: []string{ClientIP}}); err != nil {
		return fmt.Errorf("client: %w", err)
	}
	if err = lan.AddNet(w.Client); err != nil {
		return fmt.Errorf("client: %w", err)
	}
	w.LAN = lan
	return w.WAN.AddRouter(lan)
}

func (w *World) startServers() error {
	var err error
	w.Responder, err = responder.Start(w.ServerNet.ListenPacket, responder.Layout{
		Primary: netip.MustParseAddr(PrimaryIP), Alternate: netip.MustParseAddr(AlternateIP),
		Port: STUNPort, AltPort: AltPort, Software: "natcheck-testnet"}, responder.Hooks{})
	if err != nil {
		return fmt.Errorf("rfc 5780 responder: %w", err)
	}
	w.Plain, err = responder.Start(w.ServerNet.ListenPacket, responder.Layout{
		Primary: netip.MustParseAddr(PlainIP), Port: STUNPort, AltPort: AltPort, Software: "natcheck-testnet-plain"}, responder.Hooks{})
	if err != nil {
		return fmt.Errorf("plain responder: %w", err)
	}
	return nil
}

// Close stops the servers and the routers.
func (w *World) Close() error {
	var errs []error
	w.closeOnce.Do(func() {
		for _, s := range []*responder.Server{w.Responder, w.Plain} {
			if s != nil {
				errs = append(errs, s.Close())
			}
		}
		errs = append(errs, w.WAN.Stop())
	})
	return errors.Join(errs...)
}

// Expect is the classification a correct check must reach in this world.
func (w *World) Expect() (natclass.MappingBehavior, natclass.FilteringBehavior, natclass.Label) {
	switch w.opts.Kind {
	case KindOpen:
		return natclass.MappingNone, natclass.FilteringNone, natclass.LabelOpenInternet
	case KindUDPBlocked:
		return natclass.MappingUnknown, natclass.FilteringUnknown, natclass.LabelUDPBlocked
	}
	m, f := w.opts.Mapping, w.opts.Filtering
	if m != natclass.MappingEndpointIndependent {
		return m, f, natclass.LabelSymmetric
	}
	switch f {
	case natclass.FilteringEndpointIndependent:
		return m, f, natclass.LabelFullCone
	case natclass.FilteringAddressDependent:
		return m, f, natclass.LabelRestrictedCone
	}
	return m, f, natclass.LabelPortRestrictedCone
}

// lossFilter drops pct percent of chunks at random (from a seeded source,
// so a failing pattern can be replayed).
func lossFilter(pct float64, seed uint64) vnet.ChunkFilter {
	var mu sync.Mutex
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	return func(vnet.Chunk) bool {
		mu.Lock()
		defer mu.Unlock()
		return rng.Float64()*100 >= pct
	}
}

// quietLogger discards pion's logs.
func quietLogger() logging.LoggerFactory {
	lf := logging.NewDefaultLoggerFactory()
	lf.DefaultLogLevel = logging.LogLevelDisabled
	return lf
}

// Name is e.g. "endpoint-independent/address-and-port-dependent", "open" or
// "udp-blocked": the world's NAT in natclass words, for test names.
func (o WorldOptions) Name() string {
	switch o.Kind {
	case KindOpen:
		return "open"
	case KindUDPBlocked:
		return "udp-blocked"
	}
	return fmt.Sprintf("%s/%s", o.Mapping, o.Filtering)
}
