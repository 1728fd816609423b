//go:build linux

package lab_test

import (
	"bytes"
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/natcheck/natcheck/report"
	"github.com/natcheck/natcheck/testnet/lab"
)

// Ports of natcheck server's embedded TURN in the lab: beside coturn's
// 3478/3479 and natcheck server's STUN on 3480/3481, relaying from a range
// apart from coturn's.
const (
	natcheckTURNPort   = 3482
	natcheckTURNSecret = "n4tcheck-turn-s3cret"
	natcheckRelayPorts = "50000-50999"
)

// TestGatherInLab runs `natcheck gather` behind real NATs with TURN over
// UDP and TCP, against coturn and against natcheck server --turn-user. With
// UDP blocked, TURN over TCP must still give a relay candidate. Neither
// password may appear in the output.
func TestGatherInLab(t *testing.T) {
	requireLab(t, "turnserver")
	bin := buildNatcheck(t)
	coturnUDP := fmt.Sprintf("turn:%s:%d?transport=udp", lab.ServerPrimaryIP, lab.CoturnPort)
	coturnTCP := fmt.Sprintf("turn:%s:%d?transport=tcp", lab.ServerPrimaryIP, lab.CoturnPort)
	ownUDP := fmt.Sprintf("turn:%s:%d?transport=udp", lab.ServerPrimaryIP, natcheckTURNPort)
	ownTCP := fmt.Sprintf("turn:%s:%d?transport=tcp", lab.ServerPrimaryIP, natcheckTURNPort)
	tests := []struct {
		kind   lab.Kind
		wantOK map[string]bool // TURN URL → allocation must (not) succeed
	}{
		{lab.KindPortRestrictedCone, map[string]bool{coturnUDP: true, coturnTCP: true, ownUDP: true, ownTCP: true}},
		{lab.KindSymmetric, map[string]bool{coturnUDP: true, coturnTCP: true, ownUDP: true, ownTCP: true}},
		{lab.KindUDPBlocked, map[string]bool{coturnUDP: false, coturnTCP: true, ownUDP: false, ownTCP: true}},
	}
	for _, tt := range tests {
		t.Run(tt.kind.String(), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			l := buildLab(ctx, t, lab.Options{Kind: tt.kind})
			labServers(ctx, t, l, bin, "--turn-user", lab.TURNUser+":"+natcheckTURNSecret,
				"--turn-port", strconv.Itoa(natcheckTURNPort), "--relay-ports", natcheckRelayPorts)
			own := fmt.Sprintf("%s:%d", lab.ServerPrimaryIP, natcheckTURNPort)
			if err := l.WaitTCP(ctx, l.Namespaces().Server, mustAddrPort(t, own)); err != nil {
				t.Fatalf("natcheck server TURN/TCP: %v", err)
			}
			var out []byte
			var stderr string
			var codes []int
			// Each server has its own password; gather takes one for all, so
			// the two servers are asked in two runs.
			for _, srv := range []struct {
				password string
				urls     []string
			}{
				{lab.TURNPassword, []string{coturnUDP, coturnTCP}},
				{natcheckTURNSecret, []string{ownUDP, ownTCP}},
			} {
				args := []string{"gather", "--format", "json", "-4", "--timeout", "8s", "--turn-user", lab.TURNUser,
					"--server", fmt.Sprintf("%s:%d", lab.ServerPrimaryIP, lab.CoturnPort)}
				for _, u := range srv.urls {
					args = append(args, "--turn", u)
				}
				o, e, code := runInClientEnv(ctx, t, l, bin, []string{"NATCHECK_TURN_PASSWORD=" + srv.password}, args...)
				codes = append(codes, code)
				g, err := report.ParseGather(bytes.NewReader(o))
				if err != nil {
					t.Fatalf("not a gather report (exit %d): %v\n%s\nstderr: %s", code, err, o, e)
				}
				checkTURN(t, g, tt.wantOK)
				out, stderr = append(out, o...), stderr+e
			}
			for _, secret := range []string{lab.TURNPassword, natcheckTURNSecret} {
				if strings.Contains(string(out), secret) || strings.Contains(stderr, secret) {
					t.Errorf("a TURN password is in the output")
				}
			}
			t.Logf("exit codes %v", codes)
		})
	}
}

// checkTURN asserts each TURN server's allocation outcome and that every
// working one gave a relay candidate and carried data.
func checkTURN(t *testing.T, g report.GatherReport, wantOK map[string]bool) {
	t.Helper()
	for _, d := range g.TURN {
		want, ok := wantOK[d.Server]
		if !ok {
			t.Errorf("unexpected TURN server %q in the report", d.Server)
			continue
		}
		if d.OK != want {
			t.Errorf("%s: ok=%v, want %v (failure %q: %s)", d.Server, d.OK, want, d.Failure, d.Error)
			continue
		}
		if !want {
			t.Logf("%s: failed as expected: %s (%s)", d.Server, d.Failure, d.Error)
			continue
		}
		if d.RelayedAddress == "" || d.RelayData == nil || !*d.RelayData {
			t.Errorf("%s: relayed %q, relayData %v (%s): the relay must carry data", d.Server, d.RelayedAddress, d.RelayData, d.RelayError)
		}
		if !slices.ContainsFunc(g.Candidates.Candidates, func(c report.Candidate) bool { return c.Type == "relay" && c.Server == d.Server }) {
			t.Errorf("%s: allocation works but no relay candidate came from it", d.Server)
		}
		t.Logf("%s: relayed %s via %s, allocate %.1f ms", d.Server, d.RelayedAddress, d.RelayVia, d.AllocateMs)
	}
}

// runInClientEnv is runInClient with environment variables set.
func runInClientEnv(ctx context.Context, t *testing.T, l *lab.Lab, bin string, env []string, args ...string) ([]byte, string, int) {
	t.Helper()
	return runInClient(ctx, t, l, "env", append(append(env, bin), args...)...)
}

func mustAddrPort(t *testing.T, s string) netip.AddrPort {
	t.Helper()
	a, err := netip.ParseAddrPort(s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
