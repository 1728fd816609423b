//go:build linux

package lab_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/natcheck/natcheck/report"
	"github.com/natcheck/natcheck/testnet/lab"
)

// TestPeerSiteInLab checks the second client's site on live namespaces:
// each client reaches the server from its own NAT's public address, two
// port-restricted cones punch a hole to each other over the shared
// segment, and a peer reaches an open client at its own address.
func TestPeerSiteInLab(t *testing.T) {
	requireLab(t, "turnserver")
	t.Run("port-restricted-cone/port-restricted-cone", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
		defer cancel()
		l := buildLab(ctx, t, lab.Options{Kind: lab.KindPortRestrictedCone, Peer: &lab.PeerOptions{Kind: lab.KindPortRestrictedCone}})
		if l.Client2IP() != netip.MustParseAddr(lab.Client2LANIP) || l.Public2IP() != netip.MustParseAddr(lab.NAT2PublicIP) {
			t.Errorf("peer addresses %s, %s", l.Client2IP(), l.Public2IP())
		}
		coturn, err := l.StartCoturn(ctx, lab.CoturnOptions{})
		if err != nil {
			t.Fatal(err)
		}
		ns := l.Namespaces()
		a := listenIn(ctx, t, l, ns.Client)
		b := listenIn(ctx, t, l, ns.Client2)
		ma, err := lab.BindingRequest(ctx, a, coturn.Primary())
		if err != nil {
			t.Fatalf("client: %v", err)
		}
		mb, err := lab.BindingRequest(ctx, b, coturn.Primary())
		if err != nil {
			t.Fatalf("peer client: %v", err)
		}
		if ma.Addr() != l.PublicIP() || mb.Addr() != l.Public2IP() {
			t.Fatalf("mapped %s and %s, want %s and %s", ma, mb, l.PublicIP(), l.Public2IP())
		}
		// A's first packet opens A's NAT and is dropped by B's; B's then
		// gets through A's, and A's next one through B's.
		for range 3 {
			if _, err := a.WriteToUDPAddrPort([]byte("a"), mb); err != nil {
				t.Fatal(err)
			}
			if _, err := b.WriteToUDPAddrPort([]byte("b"), ma); err != nil {
				t.Fatal(err)
			}
			time.Sleep(50 * time.Millisecond)
		}
		if from := recvSource(t, a); from != mb {
			t.Errorf("client got a packet from %s, want %s", from, mb)
		}
		if from := recvSource(t, b); from != ma {
			t.Errorf("peer client got a packet from %s, want %s", from, ma)
		}
	})
	t.Run("open/double-nat", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
		defer cancel()
		l := buildLab(ctx, t, lab.Options{Kind: lab.KindOpen, Peer: &lab.PeerOptions{Kind: lab.KindDoubleNAT}})
		ns := l.Namespaces()
		if ns.CGN2 == "" || ns.CGN != "" {
			t.Fatalf("namespaces %+v", ns)
		}
		a := listenIn(ctx, t, l, ns.Client)
		b := listenIn(ctx, t, l, ns.Client2)
		aAddr := netip.AddrPortFrom(l.ClientIP(), uint16(a.LocalAddr().(*net.UDPAddr).Port))
		// The peer's CGN sees the open client's address as on-link; its
		// access router answers the ARP.
		if _, err := b.WriteToUDPAddrPort([]byte("b"), aAddr); err != nil {
			t.Fatal(err)
		}
		from := recvSource(t, a)
		if from.Addr() != l.Public2IP() {
			t.Fatalf("open client got a packet from %s, want %s", from, l.Public2IP())
		}
		if _, err := a.WriteToUDPAddrPort([]byte("a"), from); err != nil {
			t.Fatal(err)
		}
		if got := recvSource(t, b); got != aAddr {
			t.Errorf("peer client got the reply from %s, want %s", got, aAddr)
		}
	})
}

// listenIn opens a UDP socket in ns, closed when t ends.
func listenIn(ctx context.Context, t *testing.T, l *lab.Lab, ns string) *net.UDPConn {
	t.Helper()
	c, err := l.ListenUDP(ctx, ns, netip.AddrPort{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// recvSource returns the source of the next datagram on c (2 s at most).
func recvSource(t *testing.T, c *net.UDPConn) netip.AddrPort {
	t.Helper()
	buf := make([]byte, 1500)
	_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
	_, from, err := c.ReadFromUDPAddrPort(buf)
	if err != nil {
		t.Fatalf("no packet on %s: %v", c.LocalAddr(), err)
	}
	return netip.AddrPortFrom(from.Addr().Unmap(), from.Port())
}

// pairCaseTimeout bounds one pair case: building the lab, coturn and the
// rendezvous, then both signaling flows (classifying both NATs, gathering,
// signaling, the checks and the bursts), each capped by pairRunTimeout.
const pairCaseTimeout = 60 * time.Second

// pairRunTimeout is natcheck pair's --timeout in the lab. The answering
// side of the token flow waits for a late peer up to this less 10 s.
const pairRunTimeout = "20s"

// Rendezvous of natcheck server in the lab, with its shared room token.
const (
	rendezvousPort  = 8080
	rendezvousToken = "lab-rendezvous-t0ken"
)

// TestPairInLab runs `natcheck pair` on two clients behind two real Linux
// NATs of their own, with coturn as TURN, once exchanging the offer and
// answer tokens as a person would paste them and once meeting in a room of
// natcheck server's rendezvous. Two port-restricted cones must find a direct
// path (and the relay); a symmetric NAT on either side leaves only the
// relay. Both hosts must print the same report, the prediction from the two
// NAT checks must agree with it, and neither the TURN password nor the
// rendezvous token may appear in any output.
func TestPairInLab(t *testing.T) {
	requireLab(t, "turnserver")
	bin := buildNatcheck(t)
	tests := []struct {
		a, b    lab.Kind
		direct  bool
		outcome string
	}{
		{lab.KindPortRestrictedCone, lab.KindPortRestrictedCone, true, "hole-punching"},
		{lab.KindPortRestrictedCone, lab.KindSymmetric, false, "relay-required"},
		{lab.KindSymmetric, lab.KindSymmetric, false, "relay-required"},
	}
	for _, tt := range tests {
		t.Run(tt.a.String()+"/"+tt.b.String(), func(t *testing.T) {
			start := time.Now()
			ctx, cancel := context.WithTimeout(context.Background(), pairCaseTimeout)
			defer cancel()
			l := buildLab(ctx, t, lab.Options{Kind: tt.a, Peer: &lab.PeerOptions{Kind: tt.b}})
			coturn, err := l.StartCoturn(ctx, lab.CoturnOptions{})
			if err != nil {
				t.Fatalf("coturn: %v", err)
			}
			defer func() {
				if t.Failed() {
					log, _ := coturn.Log()
					t.Logf("coturn log:\n%s", pairTail(log))
				}
			}()
			dir, err := l.TempDir("pair")
			if err != nil {
				t.Fatal(err)
			}
			// The secrets go through the environment, read from files so
			// that they are on no command line (the lab logs those).
			secrets := map[string]string{"NATCHECK_TURN_PASSWORD": lab.TURNPassword, "NATCHECK_TOKEN": rendezvousToken}
			env := make(map[string]string, len(secrets))
			for name, value := range secrets {
				env[name] = filepath.Join(dir, name)
				if err := os.WriteFile(env[name], []byte(value+"\n"), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			rv := startRendezvous(ctx, t, l, dir, env, bin)
			flows := []struct {
				name string
				run  func() (pairRun, pairRun)
			}{
				{"token", func() (pairRun, pairRun) { return runPairTokens(ctx, t, l, dir, env, bin) }},
				{"rendezvous", func() (pairRun, pairRun) { return runPairRendezvous(ctx, t, l, dir, env, bin, rv) }},
			}
			for _, flow := range flows {
				if ctx.Err() != nil {
					t.Fatalf("no time left for the %s flow", flow.name)
				}
				// Every run starts from empty NATs.
				if err := l.FlushConntrack(ctx); err != nil {
					t.Fatal(err)
				}
				flowStart := time.Now()
				ra, rb := flow.run()
				checkPairRuns(t, flow.name, tt.a, tt.b, tt.direct, tt.outcome, ra, rb)
				t.Logf("%s flow took %v", flow.name, time.Since(flowStart).Round(time.Millisecond))
			}
			if out, err := os.ReadFile(filepath.Join(dir, "rendezvous.err")); err != nil {
				t.Errorf("rendezvous log: %v", err)
			} else if strings.Contains(string(out), rendezvousToken) || strings.Contains(string(out), lab.TURNPassword) {
				t.Errorf("a secret is in the rendezvous server's log")
			}
			t.Logf("case took %v", time.Since(start).Round(time.Millisecond))
		})
	}
}

// checkPairRuns asserts what both hosts' runs of one flow printed.
func checkPairRuns(t *testing.T, flow string, a, b lab.Kind, direct bool, outcome string, ra, rb pairRun) {
	t.Helper()
	for _, r := range []struct {
		host string
		run  pairRun
	}{{"A", ra}, {"B", rb}} {
		for _, s := range []string{string(r.run.stdout), r.run.stderr} {
			if strings.Contains(s, lab.TURNPassword) {
				t.Errorf("%s: host %s: the TURN password is in its output", flow, r.host)
			}
			if strings.Contains(s, rendezvousToken) {
				t.Errorf("%s: host %s: the rendezvous token is in its output", flow, r.host)
			}
		}
		if r.run.code != 0 {
			t.Errorf("%s: host %s: exit %d, want 0 (a path works)\nstderr:\n%s", flow, r.host, r.run.code, pairTail(r.run.stderr))
		}
	}
	pa, errA := report.ParsePair(bytes.NewReader(ra.stdout))
	pb, errB := report.ParsePair(bytes.NewReader(rb.stdout))
	if err := errors.Join(errA, errB); err != nil {
		t.Fatalf("%s: not pair reports: %v\nA stdout: %s\nA stderr:\n%s\nB stdout: %s\nB stderr:\n%s",
			flow, err, ra.stdout, pairTail(ra.stderr), rb.stdout, pairTail(rb.stderr))
	}
	logPair(t, flow, "A", pa, true)
	logPair(t, flow, "B", pb, false)
	if pa.View != "a" || pb.View != "a" {
		t.Errorf("%s: views %q and %q: both hosts should print A's report", flow, pa.View, pb.View)
	}
	if pa.Direct != pb.Direct || pa.Relay != pb.Relay {
		t.Errorf("%s: hosts disagree: A direct=%v relay=%v, B direct=%v relay=%v", flow, pa.Direct, pa.Relay, pb.Direct, pb.Relay)
	}
	for host, p := range map[string]report.PairReport{"A": pa, "B": pb} {
		if p.Direct != direct || !p.Relay {
			t.Errorf("%s: host %s: direct=%v relay=%v, want direct=%v relay=true", flow, host, p.Direct, p.Relay, direct)
		}
		if p.Prediction.Outcome != outcome || p.Agree == nil || !*p.Agree {
			t.Errorf("%s: host %s: prediction %q (%s), agree %v; want %q agreeing", flow, host, p.Prediction.Outcome,
				p.Prediction.Reason, deref(p.Agree), outcome)
		}
		if p.Selected == nil {
			t.Errorf("%s: host %s: no selected pair", flow, host)
		} else if relayed := p.Selected.Local.Type == "relay" || p.Selected.Remote.Type == "relay"; relayed == direct {
			t.Errorf("%s: host %s: selected %s/%s, want a %s pair", flow, host, p.Selected.Local.Type, p.Selected.Remote.Type,
				map[bool]string{true: "direct", false: "relayed"}[direct])
		}
		if wantA, wantB := labType(a), labType(b); p.A.NAT.Type != wantA || p.B.NAT.Type != wantB {
			t.Errorf("%s: host %s: NAT types A %s, B %s; want %s, %s", flow, host, p.A.NAT.Type, p.B.NAT.Type, wantA, wantB)
		}
	}
}

// labType is the NAT type a check reports behind kind k.
func labType(k lab.Kind) string { return k.Expect(false).Type }

// pairRun is one host's `natcheck pair` run.
type pairRun struct {
	stdout []byte
	stderr string
	code   int
}

// pairArgs are the flags both hosts of every flow run with.
func pairArgs() []string {
	return []string{"--format", "json", "--verbose", "--timeout", pairRunTimeout,
		"--server", fmt.Sprintf("%s:%d", lab.ServerPrimaryIP, lab.CoturnPort),
		"--turn", fmt.Sprintf("turn:%s:%d?transport=udp", lab.ServerPrimaryIP, lab.CoturnPort),
		"--turn-user", lab.TURNUser}
}

// runPairTokens runs `natcheck pair --offer` on the client (A) and
// `--answer` on the peer client (B), carries A's token to B's command line
// and B's token to A's standard input, and returns both runs once they
// have ended.
func runPairTokens(ctx context.Context, t *testing.T, l *lab.Lab, dir string, env map[string]string, bin string) (a, b pairRun) {
	t.Helper()
	// A reads the answer from a FIFO the test holds open for writing, so
	// that opening it for reading does not block.
	fifo := filepath.Join(dir, "token-a.in")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	in, err := os.OpenFile(fifo, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	ns := l.Namespaces()
	pa := startHost(ctx, t, l, ns.Client, dir, "token-a", fifo, env, bin, append([]string{"pair", "--offer"}, pairArgs()...)...)
	offer := awaitToken(ctx, t, pa)
	pb := startHost(ctx, t, l, ns.Client2, dir, "token-b", "/dev/null", env, bin, append([]string{"pair", "--answer", offer}, pairArgs()...)...)
	answer := awaitToken(ctx, t, pb)
	if _, err := in.WriteString(answer + "\n"); err != nil {
		t.Fatalf("paste the answer: %v", err)
	}
	return pa.wait(ctx, t), pb.wait(ctx, t)
}

// startRendezvous starts natcheck server's rendezvous alone in the server
// namespace and returns its URL once it accepts connections.
func startRendezvous(ctx context.Context, t *testing.T, l *lab.Lab, dir string, env map[string]string, bin string) string {
	t.Helper()
	addr := netip.AddrPortFrom(netip.MustParseAddr(lab.ServerPrimaryIP), rendezvousPort)
	h := startHost(ctx, t, l, l.Namespaces().Server, dir, "rendezvous", "/dev/null", env, bin,
		"server", "--rendezvous-listen", addr.String())
	if err := l.WaitTCP(ctx, l.Namespaces().Server, addr); err != nil {
		out, _ := os.ReadFile(h.stderr)
		t.Fatalf("rendezvous did not come up: %v\n%s", err, out)
	}
	return "http://" + addr.String()
}

// runPairRendezvous runs `natcheck pair --rendezvous` on both clients in a
// fresh room. The first in offers, so B starts once A has joined (A says
// "gathering candidates" after joining): A is the controlling host.
func runPairRendezvous(ctx context.Context, t *testing.T, l *lab.Lab, dir string, env map[string]string, bin, url string) (a, b pairRun) {
	t.Helper()
	room := fmt.Sprintf("lab-%d", time.Now().UnixNano())
	args := append([]string{"pair", "--rendezvous", url, "--room", room}, pairArgs()...)
	ns := l.Namespaces()
	pa := startHost(ctx, t, l, ns.Client, dir, "room-a", "/dev/null", env, bin, args...)
	awaitLine(ctx, t, pa, func(line string) bool { return strings.Contains(line, "gathering candidates") })
	pb := startHost(ctx, t, l, ns.Client2, dir, "room-b", "/dev/null", env, bin, args...)
	return pa.wait(ctx, t), pb.wait(ctx, t)
}

// pairHost is one natcheck pair process and where its output goes.
type pairHost struct {
	name           string
	p              *lab.Process
	stdout, stderr string
}

// startHost starts bin with args in ns with the environment variables in
// env read from the files they name, stdin from the file in, stdout and
// stderr into files in dir named after name.
func startHost(ctx context.Context, t *testing.T, l *lab.Lab, ns, dir, name, in string, env map[string]string, bin string, args ...string) *pairHost {
	t.Helper()
	h := &pairHost{name: name, stdout: filepath.Join(dir, name+".out"), stderr: filepath.Join(dir, name+".err")}
	var script strings.Builder
	for v, file := range env {
		fmt.Fprintf(&script, "read -r %s <%s && export %s && ", v, file, v)
	}
	script.WriteString(`exec "$0" "$@" <` + in + ` >` + h.stdout + ` 2>` + h.stderr)
	argv := append([]string{"sh", "-c", script.String(), bin}, args...)
	p, err := l.Start(ctx, ns, argv...)
	if err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	h.p = p
	return h
}

// awaitToken waits for the token h shows on stderr (a line "nc1....").
func awaitToken(ctx context.Context, t *testing.T, h *pairHost) string {
	t.Helper()
	line := awaitLine(ctx, t, h, func(line string) bool { return strings.HasPrefix(line, "nc1.") })
	return strings.TrimSpace(line)
}

// awaitLine polls h's stderr for a line that match accepts and returns it;
// it fails t when h exits or ctx ends first.
func awaitLine(ctx context.Context, t *testing.T, h *pairHost, match func(string) bool) string {
	t.Helper()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		if line := findLine(h.stderr, match); line != "" {
			return line
		}
		select {
		case <-h.p.Done():
			if line := findLine(h.stderr, match); line != "" {
				return line
			}
			errOut, _ := os.ReadFile(h.stderr)
			t.Fatalf("%s exited (%v) before the line awaited:\n%s", h.name, h.p.Err(), pairTail(string(errOut)))
		case <-ctx.Done():
			errOut, _ := os.ReadFile(h.stderr)
			t.Fatalf("%s: line awaited in vain: %v\n%s", h.name, ctx.Err(), pairTail(string(errOut)))
		case <-tick.C:
		}
	}
}

// findLine returns the first complete line of file that match accepts.
func findLine(file string, match func(string) bool) string {
	b, err := os.ReadFile(file)
	if err != nil {
		return ""
	}
	lines := strings.Split(string(b), "\n")
	for _, line := range lines[:len(lines)-1] { // the last one may be incomplete
		if line = strings.TrimSpace(line); match(line) {
			return line
		}
	}
	return ""
}

// wait waits for h to exit and collects its output and exit code.
func (h *pairHost) wait(ctx context.Context, t *testing.T) pairRun {
	t.Helper()
	err := h.p.Wait(ctx)
	out, _ := os.ReadFile(h.stdout)
	errOut, _ := os.ReadFile(h.stderr)
	r := pairRun{stdout: out, stderr: string(errOut)}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	default:
		t.Fatalf("host %s: %v\nstderr:\n%s", h.name, err, pairTail(r.stderr))
	}
	return r
}

// logPair logs what one host's report says; every pair only when pairs.
func logPair(t *testing.T, flow, host string, p report.PairReport, pairs bool) {
	t.Helper()
	sel := "none"
	if s := p.Selected; s != nil {
		sel = fmt.Sprintf("%s %s:%d -> %s %s:%d", s.Local.Type, s.Local.Address, s.Local.Port, s.Remote.Type, s.Remote.Address, s.Remote.Port)
	}
	t.Logf("%s: host %s: view %s, direct=%v relay=%v, selected %s, A %s, B %s, prediction %s (agree %v), window %.0f ms, run %.0f ms",
		flow, host, p.View, p.Direct, p.Relay, sel, p.A.NAT.Type, p.B.NAT.Type, p.Prediction.Outcome, deref(p.Agree), p.WindowMs, p.DurationMs)
	if !pairs {
		return
	}
	for _, c := range p.Pairs {
		rtt := "-"
		if c.RTTMs != nil {
			rtt = fmt.Sprintf("%.2f ms", *c.RTTMs)
		}
		t.Logf("  %-6s %s %s:%d -> %s %s:%d: %s rtt %s (req %d resp %d peer %d)%s", c.Path, c.Local.Type, c.Local.Address, c.Local.Port,
			c.Remote.Type, c.Remote.Address, c.Remote.Port, c.State, rtt, c.Requests, c.Responses, c.PeerChecks,
			map[bool]string{true: " selected"}[c.Selected])
	}
	for _, q := range p.Quality {
		t.Logf("  quality %s: %d/%d received, rtt min/median/max %v/%v/%v ms, jitter %v ms %s", q.Path, q.Received, q.Sent,
			pairMs(q.RTTMinMs), pairMs(q.RTTMedianMs), pairMs(q.RTTMaxMs), pairMs(q.JitterMs), q.Note)
	}
	for _, n := range p.Notes {
		t.Logf("  note: %s", n)
	}
}

// pairMs formats an optional millisecond value.
func pairMs(f *float64) any {
	if f == nil {
		return nil
	}
	return fmt.Sprintf("%.2f", *f)
}

// pairTail keeps the last 6000 characters of s.
func pairTail(s string) string {
	if len(s) > 6000 {
		return "..." + s[len(s)-6000:]
	}
	return s
}
