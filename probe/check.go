package probe

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sync"
	"time"

	"github.com/natcheck/natcheck/natclass"
	"github.com/pion/transport/v4"
	"github.com/pion/transport/v4/stdnet"
)

// Family selects the address families a check uses.
type Family int

// Families.
const (
	FamilyAny Family = iota
	FamilyIPv4
	FamilyIPv6
)

// ErrNoServers: no configured server could be parsed or resolved.
var ErrNoServers = errors.New("no usable STUN server")

// Options configure one check. The zero value of every field but Servers is
// a sensible default.
type Options struct {
	Servers     []string      // host[:port] or stun:host[:port]
	Net         transport.Net // nil: the host's network (stdnet)
	Family      Family
	BindAddress netip.Addr // local address to bind; zero: any
	BindPort    uint16     // local port of the survey socket; 0: any
	Pacer       PacerOptions
	Progress    func(msg string) // optional: one line per step, for --verbose
}

// ServerError is a configured server that could not be used at all.
type ServerError struct {
	Name  string
	Error string
}

// FamilyResult is one address family's observations and tallies.
type FamilyResult struct {
	Network      string // "udp4" or "udp6"
	Observations natclass.Observations
	Counters     Counters
	RTTMin       time.Duration
	RTTMax       time.Duration
	Loss         float64 // measured share of attempts that went unanswered
}

// Outcome is everything one check saw. Families[0] is the family to
// classify: IPv4 when any IPv4 server is usable.
type Outcome struct {
	Families []FamilyResult
	Unusable []ServerError
	Duration time.Duration
}

// target is one resolved server.
type target struct {
	name string
	addr netip.AddrPort
}

// Check runs every test concurrently, each on its own socket, until all have
// an answer or ctx ends; ctx's deadline bounds the whole run. Partial results
// are kept: a dead server is data, not an error.
func Check(ctx context.Context, o Options) (Outcome, error) {
	start := time.Now()
	n := o.Net
	if n == nil {
		sn, err := stdnet.NewNet()
		if err != nil {
			return Outcome{}, fmt.Errorf("network: %w", err)
		}
		n = sn
	}
	rctx, rcancel := context.WithTimeout(ctx, resolveBudget(ctx))
	byFamily, unusable := resolveAll(rctx, n, o)
	rcancel()
	out := Outcome{Unusable: unusable}
	if len(byFamily["udp4"])+len(byFamily["udp6"]) == 0 {
		out.Duration = time.Since(start)
		return out, ErrNoServers
	}
	local := localAddrs(n)
	var wg sync.WaitGroup
	results := map[string]*FamilyResult{}
	// The first family present is the one classified; the other is a
	// survey beside it and gets only FamilyGrace once the first is done
	// (a broken IPv6 must not hold an IPv4 verdict to its silence rule).
	lead := "udp4"
	if len(byFamily[lead]) == 0 {
		lead = "udp6"
	}
	sideCtx, sideCancel := context.WithCancel(ctx)
	defer sideCancel()
	for _, network := range []string{"udp4", "udp6"} {
		if len(byFamily[network]) == 0 {
			continue
		}
		fr := &FamilyResult{Network: network}
		results[network] = fr
		r := &run{net: n, network: network, opts: o, pacer: NewPacer(o.Pacer), servers: byFamily[network], local: local}
		if network != lead {
			wg.Go(func() { r.do(sideCtx, fr) })
			continue
		}
		wg.Go(func() {
			r.do(ctx, fr)
			time.AfterFunc(FamilyGrace, sideCancel)
		})
	}
	wg.Wait()
	for _, network := range []string{"udp4", "udp6"} {
		if fr := results[network]; fr != nil {
			out.Families = append(out.Families, *fr)
		}
	}
	out.Duration = time.Since(start)
	return out, nil
}

// FamilyGrace is how long the other address family's survey may go on
// after the classified family's tests are done.
const FamilyGrace = 250 * time.Millisecond

// MaxResolveTime caps name resolution, so that the servers that do resolve
// keep most of the run for their tests.
const MaxResolveTime = 2 * time.Second

// resolveBudget is how long names may take to resolve: MaxResolveTime, and
// never more than half of what is left of the run.
func resolveBudget(ctx context.Context) time.Duration {
	d := MaxResolveTime
	if dl, ok := ctx.Deadline(); ok {
		d = min(d, time.Until(dl)/2)
	}
	return d
}

// resolved is one configured server's addresses, or why it has none.
type resolved struct {
	byFamily map[string]netip.AddrPort
	err      string
}

// resolveAll parses and resolves every server at once, each bounded by ctx:
// a slow or absent DNS must not push the run past its deadline. IP
// literals never reach the resolver.
func resolveAll(ctx context.Context, n transport.Net, o Options) (map[string][]target, []ServerError) {
	res := make([]resolved, len(o.Servers))
	var wg sync.WaitGroup
	for i, name := range o.Servers {
		wg.Go(func() { res[i] = resolveOne(ctx, n, name, o.Family) })
	}
	wg.Wait()
	byFamily := map[string][]target{}
	var bad []ServerError
	for i, name := range o.Servers {
		if res[i].err != "" {
			bad = append(bad, ServerError{Name: name, Error: res[i].err})
			continue
		}
		for _, network := range networks(o.Family) {
			if ap, ok := res[i].byFamily[network]; ok {
				byFamily[network] = append(byFamily[network], target{name: name, addr: ap})
			}
		}
	}
	return byFamily, bad
}

// resolveOne resolves one server for each selected family.
func resolveOne(ctx context.Context, n transport.Net, name string, f Family) resolved {
	spec, err := ParseServer(name)
	if err != nil {
		return resolved{err: err.Error()}
	}
	out := resolved{byFamily: map[string]netip.AddrPort{}}
	var lastErr error
	for _, network := range networks(f) {
		ap, err := resolveUDP(ctx, n, network, spec)
		if err != nil {
			lastErr = err
			continue
		}
		if (network == "udp6") == (ap.Addr().Is6() && !ap.Addr().Is4In6()) {
			out.byFamily[network] = netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
		}
	}
	if len(out.byFamily) == 0 {
		out.err = "no address of the selected family"
		if lastErr != nil {
			out.err = "cannot resolve: " + lastErr.Error()
		}
	}
	return out
}

// resolveUDP resolves spec for network, giving up when ctx ends.
func resolveUDP(ctx context.Context, n transport.Net, network string, spec ServerSpec) (netip.AddrPort, error) {
	if ip, err := netip.ParseAddr(spec.Host); err == nil {
		return netip.AddrPortFrom(ip, spec.Port), nil
	}
	type answer struct {
		ap  netip.AddrPort
		err error
	}
	ch := make(chan answer, 1) // the resolver may outlive ctx; it must not block
	go func() {
		a, err := n.ResolveUDPAddr(network, spec.String())
		if err != nil {
			ch <- answer{err: err}
			return
		}
		ch <- answer{ap: udpAddrPort(a)}
	}()
	select {
	case a := <-ch:
		if a.err == nil && !a.ap.IsValid() {
			a.err = errors.New("no usable address")
		}
		return a.ap, a.err
	case <-ctx.Done():
		return netip.AddrPort{}, fmt.Errorf("%s: %w", spec.Host, ctx.Err())
	}
}

func networks(f Family) []string {
	switch f {
	case FamilyIPv4:
		return []string{"udp4"}
	case FamilyIPv6:
		return []string{"udp6"}
	}
	return []string{"udp4", "udp6"}
}

// localAddrs lists the host's own addresses, to recognise "no NAT".
func localAddrs(n transport.Net) []netip.Addr {
	ifs, err := n.Interfaces()
	if err != nil {
		return nil
	}
	var out []netip.Addr
	for _, ifc := range ifs {
		addrs, err := ifc.Addrs()
		if err != nil {
			continue
		}
		for _, a := range addrs {
			var ip net.IP
			switch v := a.(type) {
			case *net.IPNet:
				ip = v.IP
			case *net.IPAddr:
				ip = v.IP
			case *net.UDPAddr:
				ip = v.IP
			}
			if x, ok := netip.AddrFromSlice(ip); ok {
				out = append(out, x.Unmap())
			}
		}
	}
	return out
}
