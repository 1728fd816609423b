//go:build linux

package lab_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/natcheck/natcheck/report"
	"github.com/natcheck/natcheck/testnet/lab"
)

// natcheckBin is the natcheck binary, built once per test run.
var natcheckBin = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "natcheck-lab-bin-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "natcheck")
	gobin, err := exec.LookPath("go")
	if err != nil {
		gobin = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	out, err := exec.Command(gobin, "build", "-o", bin, "github.com/natcheck/natcheck/cmd/natcheck").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build natcheck: %w\n%s", err, out)
	}
	return bin, nil
})

// buildNatcheck returns the binary's path or fails t.
func buildNatcheck(t *testing.T) string {
	t.Helper()
	bin, err := natcheckBin()
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// labServers starts coturn (3478/3479) and natcheck server (3480/3481) side
// by side in the server namespace, both RFC 5780 on the two public IPs.
func labServers(ctx context.Context, t *testing.T, l *lab.Lab, bin string, extra ...string) map[string]netip.AddrPort {
	t.Helper()
	if _, err := l.StartCoturn(ctx, lab.CoturnOptions{}); err != nil {
		t.Fatalf("coturn: %v", err)
	}
	argv := append([]string{bin, "server", "--primary", lab.ServerPrimaryIP, "--alternate", lab.ServerAlternateIP,
		"--port", strconv.Itoa(lab.NatcheckServerPort), "--alt-port", strconv.Itoa(lab.NatcheckServerAltPort)}, extra...)
	if _, err := l.Start(ctx, l.Namespaces().Server, argv...); err != nil {
		t.Fatalf("natcheck server: %v", err)
	}
	var all []netip.AddrPort
	for _, ip := range []string{lab.ServerPrimaryIP, lab.ServerAlternateIP} {
		for _, port := range []int{lab.NatcheckServerPort, lab.NatcheckServerAltPort} {
			all = append(all, netip.MustParseAddrPort(fmt.Sprintf("%s:%d", ip, port)))
		}
	}
	if err := l.WaitSTUNAll(ctx, l.Namespaces().Server, all...); err != nil {
		t.Fatalf("natcheck server did not come up: %v", err)
	}
	return map[string]netip.AddrPort{
		"natcheck-server": all[0],
		"coturn":          netip.MustParseAddrPort(fmt.Sprintf("%s:%d", lab.ServerPrimaryIP, lab.CoturnPort)),
	}
}

// runInClient runs the natcheck binary in the client namespace and returns
// its stdout, stderr and exit code.
func runInClient(ctx context.Context, t *testing.T, l *lab.Lab, bin string, args ...string) ([]byte, string, int) {
	t.Helper()
	dir, err := l.TempDir("run")
	if err != nil {
		t.Fatal(err)
	}
	stdout, stderr := filepath.Join(dir, "stdout"), filepath.Join(dir, "stderr")
	script := `exec "$0" "$@" >` + stdout + ` 2>` + stderr
	_, err = l.Exec(ctx, l.Namespaces().Client, append([]string{"sh", "-c", script, bin}, args...)...)
	code := 0
	if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("natcheck %v: %v", args, err)
	}
	out, _ := os.ReadFile(stdout)
	errOut, _ := os.ReadFile(stderr)
	return out, string(errOut), code
}

// TestNatcheckInLab runs the real natcheck binary behind every kind of
// real Linux NAT, against natcheck server and against coturn (a third-party
// RFC 5780 server), at 0% and at 20% loss each way, and checks mapping,
// filtering, type, hairpinning and port allocation against what the lab
// built. Hairpinning is switched on at 0% loss and off at 20%, so both
// answers are tested.
func TestNatcheckInLab(t *testing.T) {
	requireLab(t, "turnserver")
	bin := buildNatcheck(t)
	losses := []int{0, 20}
	if testing.Short() {
		losses = []int{0}
	}
	for _, loss := range losses {
		for _, kind := range lab.Kinds() {
			t.Run(fmt.Sprintf("loss%d/%s", loss, kind), func(t *testing.T) {
				ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
				defer cancel()
				l := buildLab(ctx, t, lab.Options{Kind: kind, LossPercent: loss, Hairpin: loss == 0})
				servers := labServers(ctx, t, l, bin)
				runs := 1
				if loss > 0 {
					runs = 3
				}
				for _, name := range []string{"natcheck-server", "coturn"} {
					for run := range runs {
						out, stderr, code := runInClient(ctx, t, l, bin, "--server", servers[name].String(),
							"--format", "json", "-4", "--no-candidates", "--timeout", "8s")
						checkLabVerdict(t, fmt.Sprintf("%s run %d", name, run+1), l.Expect(), out, stderr, code)
					}
				}
			})
		}
	}
}

// checkLabVerdict compares one natcheck report with what the lab built.
func checkLabVerdict(t *testing.T, what string, want lab.Expect, out []byte, stderr string, code int) {
	t.Helper()
	r, err := report.Parse(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("%s: stdout is not a report (exit %d): %v\nstdout: %s\nstderr: %s", what, code, err, out, stderr)
	}
	wantCode := 0
	if want.Type == lab.TypeUDPBlocked {
		wantCode = 3
	}
	n := r.NAT
	bad := code != wantCode || n.Type != want.Type ||
		(want.Mapping != "" && n.Mapping != want.Mapping) || (want.Filtering != "" && n.Filtering != want.Filtering)
	if hp, known := want.HairpinningKnown(); known && (n.Hairpinning == nil || *n.Hairpinning != hp) {
		bad = true
	}
	if want.PortAllocation == lab.PortPreserved && (n.PortPreserved == nil || !*n.PortPreserved) {
		bad = true
	}
	if want.PortAllocation == lab.PortRandom && n.PortAllocation != "random" {
		bad = true
	}
	if bad {
		t.Errorf("%s: got exit %d type=%s mapping=%s filtering=%s hairpinning=%v portPreserved=%v allocation=%s;\nwant exit %d %+v (hairpinning %v)\nevidence: %+v\nreasons: %+v\nstats: %+v\nstderr: %s",
			what, code, n.Type, n.Mapping, n.Filtering, deref(n.Hairpinning), deref(n.PortPreserved), n.PortAllocation,
			wantCode, want, deref(want.Hairpinning), n.Evidence, n.Reasons, r.Stats, stderr)
		return
	}
	t.Logf("%s: %s (%s/%s) hairpin=%v ports=%s in %.0f ms, sent %d", what, n.Type, n.Mapping, n.Filtering,
		deref(n.Hairpinning), n.PortAllocation, r.DurationMs, r.Stats.Sent)
}

func deref(b *bool) any {
	if b == nil {
		return nil
	}
	return *b
}
