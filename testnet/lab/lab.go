package lab

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"sync"
	"time"
)

// closeTimeout bounds Close, which has no context of its own.
const closeTimeout = 20 * time.Second

// Lab is a built topology. Close it when done (also after a failed test);
// its methods are safe for concurrent use.
type Lab struct {
	opts   Options
	topo   topology
	expect Expect

	mu     sync.Mutex
	procs  []*Process
	dirs   []string
	closed bool
}

// Build creates the namespaces, links, addresses, routes and nftables rules
// for opts and returns the running lab. It refuses to run when namespaces
// with opts.Prefix already exist (call Cleanup first). On error everything
// created so far is removed again.
func Build(ctx context.Context, opts Options) (*Lab, error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	existing, err := labNamespaces(ctx, opts.Prefix)
	if err != nil {
		return nil, err
	}
	if len(existing) > 0 {
		return nil, fmt.Errorf("lab: namespaces %v already exist; run lab.Cleanup(ctx, %q) first", existing, opts.Prefix)
	}
	l := &Lab{
		opts:   opts,
		topo:   planTopology(opts),
		expect: opts.Kind.Expect(opts.Hairpin),
	}
	if err := l.build(ctx); err != nil {
		return nil, errors.Join(fmt.Errorf("lab: build %s: %w", opts.Kind, err), l.Close())
	}
	peer := ""
	if p := opts.Peer; p != nil {
		peer = fmt.Sprintf(", peer %s (loss %d%%, hairpin %v)", p.Kind, p.LossPercent, p.Hairpin)
	}
	opts.logf("lab %s: built %s (loss %d%%, hairpin %v)%s: %v", opts.Prefix, opts.Kind, opts.LossPercent, opts.Hairpin, peer, l.topo.ns.All())
	return l, nil
}

// build applies l.topo step by step.
func (l *Lab) build(ctx context.Context) error {
	t := l.topo
	for _, ns := range t.ns.All() {
		if _, err := runCommand(ctx, "", "ip", "netns", "add", ns); err != nil {
			return err
		}
		if _, err := runCommand(ctx, "", "ip", "-n", ns, "link", "set", "lo", "up"); err != nil {
			return err
		}
	}
	for _, lk := range t.links {
		if _, err := runCommand(ctx, "", "ip", "link", "add", lk.aIf, "netns", lk.aNS,
			"type", "veth", "peer", "name", lk.bIf, "netns", lk.bNS); err != nil {
			return err
		}
	}
	for _, br := range t.bridges {
		if _, err := runCommand(ctx, "", "ip", "-n", br.ns, "link", "add", br.name, "type", "bridge"); err != nil {
			return err
		}
		for _, port := range br.ports {
			if _, err := runCommand(ctx, "", "ip", "-n", br.ns, "link", "set", port, "master", br.name); err != nil {
				return err
			}
		}
	}
	for _, a := range t.addresses {
		if _, err := runCommand(ctx, "", "ip", "-n", a.ns, "addr", "add", a.cidr, "dev", a.dev); err != nil {
			return err
		}
	}
	for _, lk := range t.links {
		for _, end := range [][2]string{{lk.aNS, lk.aIf}, {lk.bNS, lk.bIf}} {
			if _, err := runCommand(ctx, "", "ip", "-n", end[0], "link", "set", end[1], "up"); err != nil {
				return err
			}
		}
	}
	for _, br := range t.bridges {
		if _, err := runCommand(ctx, "", "ip", "-n", br.ns, "link", "set", br.name, "up"); err != nil {
			return err
		}
	}
	for _, r := range t.routes {
		if _, err := runCommand(ctx, "", "ip", "-n", r.ns, "route", "add", r.dst, "via", r.via); err != nil {
			return err
		}
	}
	for _, bh := range t.blackholes {
		if _, err := runCommand(ctx, "", "ip", "-n", bh.ns, "route", "add", "blackhole", bh.dst); err != nil {
			return err
		}
	}
	for _, ns := range t.forwarders {
		if err := writeSysctl(ctx, ns, "net.ipv4.ip_forward", "1"); err != nil {
			return err
		}
	}
	for _, sc := range t.sysctls {
		if err := writeSysctl(ctx, sc.ns, sc.key, sc.value); err != nil {
			return err
		}
	}
	for _, rs := range t.rulesets {
		if _, err := runCommand(ctx, rs.spec.render(), nsArgv(rs.ns, "nft", "-f", "-")...); err != nil {
			return fmt.Errorf("load nftables rules into %s: %w", rs.ns, err)
		}
	}
	return l.FlushConntrack(ctx)
}

// Options returns the options the lab was built with.
func (l *Lab) Options() Options { return l.opts }

// Kind returns the lab's NAT kind.
func (l *Lab) Kind() Kind { return l.opts.Kind }

// Namespaces returns the names of the lab's namespaces.
func (l *Lab) Namespaces() Namespaces { return l.topo.ns }

// Expect returns the verdict a correct discovery reaches in this lab.
func (l *Lab) Expect() Expect { return l.expect }

// ClientIP returns the client's own address (10.10.0.2, or 198.51.100.50
// for KindOpen).
func (l *Lab) ClientIP() netip.Addr {
	if l.opts.Kind == KindOpen {
		return netip.MustParseAddr(OpenClientIP)
	}
	return netip.MustParseAddr(ClientLANIP)
}

// PublicIP returns the address the server sees the client's packets coming
// from (the outermost NAT's public address, or the client's own address for
// KindOpen).
func (l *Lab) PublicIP() netip.Addr {
	if l.opts.Kind == KindOpen {
		return netip.MustParseAddr(OpenClientIP)
	}
	return netip.MustParseAddr(NATPublicIP)
}

// HasPeer reports whether the lab was built with Options.Peer.
func (l *Lab) HasPeer() bool { return l.opts.Peer != nil }

// Client2IP returns the peer client's own address (10.20.0.2, or
// 198.51.100.66 for a KindOpen peer); the zero Addr without a peer.
func (l *Lab) Client2IP() netip.Addr {
	switch {
	case l.opts.Peer == nil:
		return netip.Addr{}
	case l.opts.Peer.Kind == KindOpen:
		return netip.MustParseAddr(OpenClient2IP)
	}
	return netip.MustParseAddr(Client2LANIP)
}

// Public2IP returns the address the server sees the peer client's packets
// coming from (198.51.100.3, or the peer's own address for KindOpen); the
// zero Addr without a peer.
func (l *Lab) Public2IP() netip.Addr {
	switch {
	case l.opts.Peer == nil:
		return netip.Addr{}
	case l.opts.Peer.Kind == KindOpen:
		return netip.MustParseAddr(OpenClient2IP)
	}
	return netip.MustParseAddr(NAT2PublicIP)
}

// Expect2 returns the verdict a correct discovery reaches from the peer
// client; the zero Expect without a peer.
func (l *Lab) Expect2() Expect {
	if l.opts.Peer == nil {
		return Expect{}
	}
	return l.opts.Peer.Kind.Expect(l.opts.Peer.Hairpin)
}

// Ruleset returns the nftables script loaded into each NAT box (the home
// NAT, for KindDoubleNAT the CGN, and the peer's), keyed by namespace name.
func (l *Lab) Ruleset() map[string]string {
	out := make(map[string]string, len(l.topo.rulesets))
	for _, rs := range l.topo.rulesets {
		out[rs.ns] = rs.spec.render()
	}
	return out
}

// FlushConntrack empties the connection tracking tables of the NAT boxes,
// so that state from earlier probes cannot influence the next ones. Learnt
// full-cone mappings (nftables map) are kept.
func (l *Lab) FlushConntrack(ctx context.Context) error {
	for _, rs := range l.topo.rulesets {
		if !rs.spec.translates() {
			continue
		}
		if _, err := runCommand(ctx, "", nsArgv(rs.ns, "conntrack", "-F")...); err != nil {
			return err
		}
	}
	return nil
}

// Exec runs argv inside namespace ns (one of l.Namespaces()) to completion
// and returns its combined output.
func (l *Lab) Exec(ctx context.Context, ns string, argv ...string) ([]byte, error) {
	if err := l.checkNS(ns); err != nil {
		return nil, err
	}
	return runCommand(ctx, "", nsArgv(ns, argv...)...)
}

// Start runs argv in the background inside namespace ns. The process is
// stopped when ctx is done, when Stop is called, or by Close.
func (l *Lab) Start(ctx context.Context, ns string, argv ...string) (*Process, error) {
	if err := l.checkNS(ns); err != nil {
		return nil, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil, fmt.Errorf("lab: start %s: lab is closed", shortArgv(argv))
	}
	p, err := startProcess(ctx, ns, argv)
	if err != nil {
		return nil, err
	}
	l.procs = append(l.procs, p)
	l.opts.logf("lab %s: started pid %d in %s: %s", l.opts.Prefix, p.PID, ns, shortArgv(argv))
	return p, nil
}

// ListenUDP opens a UDP socket bound to laddr inside namespace ns (use the
// zero AddrPort for any address and port). The caller closes it.
func (l *Lab) ListenUDP(ctx context.Context, ns string, laddr netip.AddrPort) (*net.UDPConn, error) {
	if err := l.checkNS(ns); err != nil {
		return nil, err
	}
	return listenUDP(ctx, ns, laddr)
}

// TempDir creates a directory that Close removes.
func (l *Lab) TempDir(name string) (string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return "", fmt.Errorf("lab: temp dir: lab is closed")
	}
	dir, err := os.MkdirTemp("", l.opts.Prefix+"-"+name+"-")
	if err != nil {
		return "", fmt.Errorf("lab: temp dir: %w", err)
	}
	l.dirs = append(l.dirs, dir)
	return dir, nil
}

// checkNS rejects namespaces that do not belong to the lab.
func (l *Lab) checkNS(ns string) error {
	if !l.topo.ns.has(ns) {
		return fmt.Errorf("lab: namespace %q is not part of lab %s", ns, l.opts.Prefix)
	}
	return nil
}

// Close stops every process the lab started (by PID), deletes the lab's
// namespaces and temporary directories. It is safe to call more than once
// and bounded by a 20 s deadline.
func (l *Lab) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), closeTimeout)
	defer cancel()

	l.mu.Lock()
	l.closed = true
	procs, dirs := l.procs, l.dirs
	l.procs, l.dirs = nil, nil
	l.mu.Unlock()

	var errs []error
	var wg sync.WaitGroup
	errCh := make(chan error, len(procs))
	for _, p := range procs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := p.Stop(ctx); err != nil {
				errCh <- err
			}
			l.opts.logf("lab %s: stopped pid %d (%s)", l.opts.Prefix, p.PID, shortArgv(p.Argv))
		}()
	}
	wg.Wait()
	close(errCh)
	for err := range errCh {
		errs = append(errs, err)
	}
	for _, ns := range l.topo.ns.All() {
		if err := removeNamespace(ctx, ns); err != nil {
			errs = append(errs, err)
		}
	}
	for _, d := range dirs {
		if err := os.RemoveAll(d); err != nil {
			errs = append(errs, fmt.Errorf("lab: remove %s: %w", d, err))
		}
	}
	return errors.Join(errs...)
}
