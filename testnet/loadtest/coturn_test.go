package loadtest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/natcheck/natcheck/probe/responder"
	"github.com/natcheck/natcheck/probe/responder/metrics"
)

// Addresses of the comparison: all on loopback (127/8 is loopback on Linux).
const (
	coturnPort  = 13478 // coturn: 127.0.0.1 and 127.0.0.2, ports 13478/13479
	natcheckPrt = 23478 // natcheck: 127.0.0.1 and 127.0.0.2, ports 23478/23479
)

// TestLoadCompareCoturn measures natcheck's responder and coturn's STUN
// side by side on this machine. It runs only with NATCHECK_LOADTEST=1:
//
//	NATCHECK_LOADTEST=1 go test -run TestLoadCompareCoturn -v -count=1 ./testnet/loadtest
//
// NATCHECK_LOADTEST_SECONDS, _SENDERS and _RATE change the load (defaults
// 10 s, 16 senders, 50000 requests/s cap).
func TestLoadCompareCoturn(t *testing.T) {
	if os.Getenv("NATCHECK_LOADTEST") != "1" {
		t.Skip("set NATCHECK_LOADTEST=1 to run the loopback load test against coturn")
	}
	o := Options{Senders: envInt(t, "NATCHECK_LOADTEST_SENDERS", 16), Rate: float64(envInt(t, "NATCHECK_LOADTEST_RATE", 50000)),
		Duration: time.Duration(envInt(t, "NATCHECK_LOADTEST_SECONDS", 10)) * time.Second, Timeout: 500 * time.Millisecond}
	ctx := context.Background()

	var rows []string
	measure := func(name string, port uint16) {
		o.Target = netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), port)
		r, err := Run(ctx, o)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		t.Logf("%s: %v", name, r)
		rows = append(rows, fmt.Sprintf("| %s | %.0f | %v | %v | %d | %d |", name, r.PerSecond,
			r.P50.Round(time.Microsecond), r.P99.Round(time.Microsecond), r.Sent, r.Lost))
	}

	stopNatcheck := startNatcheck(t, nil)
	measure("natcheck server --rate 0", natcheckPrt)
	stopNatcheck()

	lim, err := responder.NewLimiter(responder.LimitOptions{Rate: 1e9, Burst: 1e9})
	if err != nil {
		t.Fatal(err)
	}
	stopNatcheck = startNatcheck(t, lim.Allow)
	measure("natcheck server, limiter on (never refusing)", natcheckPrt)
	stopNatcheck()

	stopCoturn := startCoturn(t)
	measure("coturn "+coturnVersion(), coturnPort)
	stopCoturn()

	fmt.Printf("\nloopback, %d senders, cap %.0f req/s, %v each, GOMAXPROCS=%d\n\n", o.Senders, o.Rate, o.Duration, runtime.GOMAXPROCS(0))
	fmt.Println("| server | responses/s | p50 | p99 | sent | lost |")
	fmt.Println("|---|---|---|---|---|---|")
	for _, r := range rows {
		fmt.Println(r)
	}
}

func envInt(t *testing.T, name string, def int) int {
	t.Helper()
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		t.Fatalf("%s=%q: want a positive integer", name, s)
	}
	return n
}

// startNatcheck runs the responder as `natcheck server` does, counting
// metrics, with allow as the rate limit (nil: off).
func startNatcheck(t *testing.T, allow func(net.Addr) bool) func() {
	t.Helper()
	srv, err := responder.Start(net.ListenPacket, responder.Layout{
		Primary: netip.MustParseAddr("127.0.0.1"), Alternate: netip.MustParseAddr("127.0.0.2"),
		Port: natcheckPrt, AltPort: natcheckPrt + 1, Software: "natcheck-loadtest"},
		metrics.New().Hooks(allow, responder.Hooks{}))
	if err != nil {
		t.Fatal(err)
	}
	return func() { _ = srv.Close() }
}

// startCoturn runs coturn's STUN side on loopback with a throw-away config,
// waits until it answers, and returns a stop that ends it by its PID.
func startCoturn(t *testing.T) func() {
	t.Helper()
	bin, err := exec.LookPath("turnserver")
	if err != nil {
		t.Skip("coturn (turnserver) is not installed: apt-get install coturn")
	}
	dir := t.TempDir()
	conf := filepath.Join(dir, "turnserver.conf")
	body := fmt.Sprintf(`listening-ip=127.0.0.1
listening-ip=127.0.0.2
listening-port=%d
alt-listening-port=%d
stun-only
no-tls
no-dtls
no-tcp
no-cli
no-multicast-peers
realm=loadtest.invalid
pidfile=%s
log-file=%s
simple-log
no-stdout-log
`, coturnPort, coturnPort+1, filepath.Join(dir, "turnserver.pid"), filepath.Join(dir, "turnserver.log"))
	if err := os.WriteFile(conf, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-c", conf)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stop := func() {
		_ = syscall.Kill(pid, syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			_ = syscall.Kill(pid, syscall.SIGKILL)
			<-exited
		}
	}
	if err := awaitSTUN(netip.MustParseAddrPort(fmt.Sprintf("127.0.0.1:%d", coturnPort)), exited); err != nil {
		stop()
		log, _ := os.ReadFile(filepath.Join(dir, "turnserver.log"))
		t.Fatalf("coturn (pid %d) did not come up: %v\n%s", pid, err, log)
	}
	t.Logf("coturn running, pid %d", pid)
	return stop
}

// awaitSTUN sends Binding requests to target until one is answered: at
// most 50 tries, 100 ms apart.
func awaitSTUN(target netip.AddrPort, exited <-chan error) error {
	c, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer c.Close()
	req, buf := bindingRequest(), make([]byte, 1500)
	for range 50 {
		select {
		case err := <-exited:
			return fmt.Errorf("exited: %v", err)
		default:
		}
		if _, err := c.WriteTo(req, net.UDPAddrFromAddrPort(target)); err != nil {
			return err
		}
		if _, ok := awaitAnswer(c, buf, req[8:20], time.Now().Add(100*time.Millisecond)); ok {
			return nil
		}
	}
	return errors.New("no answer in 5 s")
}

func coturnVersion() string {
	out, err := exec.Command("turnserver", "--version").Output()
	if err != nil || len(out) == 0 {
		return "(version unknown)"
	}
	return string(out[:len(out)-1])
}
