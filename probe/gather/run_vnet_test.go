package gather_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/natcheck/natcheck/natclass"
	"github.com/natcheck/natcheck/probe/gather"
	"github.com/natcheck/natcheck/testnet"
	"github.com/pion/logging"
	"github.com/pion/transport/v4/vnet"
)

// The TURN user of the tests. The passwords are distinctive so that a
// leak is found by a plain substring search.
const (
	turnUser      = "alice"
	turnPassword  = "pw-Zq8-never-printed"
	wrongPassword = "pw-wrong-Kx3-never-printed"
)

// deadline bounds every vnet run (fake time under synctest).
const deadline = 5 * time.Second

// settle outlasts the retransmissions pion may still run after Run: its
// TURN client takes no context, so an allocation ice started on a silent
// server goes on for 7.8 s (fake time). The bubble must outlive it.
const settle = 10 * time.Second

var (
	cone      = testnet.WorldOptions{Kind: testnet.KindNAT, Mapping: natclass.MappingEndpointIndependent, Filtering: natclass.FilteringEndpointIndependent}
	symmetric = testnet.WorldOptions{Kind: testnet.KindNAT, Mapping: natclass.MappingAddressAndPortDependent, Filtering: natclass.FilteringAddressAndPortDependent}
	open      = testnet.WorldOptions{Kind: testnet.KindOpen}
	blocked   = testnet.WorldOptions{Kind: testnet.KindUDPBlocked}
)

// vnetCase is one world, one TURN server and what gathering must find.
type vnetCase struct {
	name     string
	world    testnet.WorldOptions
	turn     testnet.TURNOptions
	url      string // default: the world's TURN server
	password string // default: the right one
	user     string // default: turnUser

	kinds     []string // candidate types that must be found, the rest must not
	srflx     string   // the public IP srflx candidates must show
	failure   gather.Failure
	code      int
	relayData natclass.Tri
	relayVia  string
	complete  bool
	impair    func(w *testnet.World) // e.g. a WAN filter, before the run
	within    time.Duration          // the run must end this soon; 0: by the deadline
}

func vnetCases() []vnetCase {
	all := []string{gather.TypeHost, gather.TypeSrflx, gather.TypeRelay}
	return []vnetCase{
		{name: "cone NAT: relay works", world: cone, kinds: all, srflx: testnet.NATPublicIP, relayData: natclass.True, relayVia: gather.RelayViaPeer, complete: true},
		{name: "symmetric NAT: relay works", world: symmetric, kinds: all, srflx: testnet.NATPublicIP, relayData: natclass.True, relayVia: gather.RelayViaPeer, complete: true},
		{name: "open internet: relay works", world: open, kinds: all, srflx: testnet.OpenHostIP, relayData: natclass.True, relayVia: gather.RelayViaPeer, complete: true},
		{name: "relay ports filtered from here: a second allocation proves the relay", world: cone, impair: filterRelayPorts,
			kinds: all, srflx: testnet.NATPublicIP, relayData: natclass.True, relayVia: gather.RelayViaAllocation, complete: true},
		{name: "wrong password", world: cone, password: wrongPassword, kinds: []string{gather.TypeHost, gather.TypeSrflx},
			srflx: testnet.NATPublicIP, failure: gather.FailureBadCredentials, code: 400, complete: true},
		{name: "unknown user", world: cone, user: "mallory", kinds: []string{gather.TypeHost, gather.TypeSrflx},
			srflx: testnet.NATPublicIP, failure: gather.FailureBadCredentials, code: 400, complete: true},
		{name: "quota reached", world: cone, turn: testnet.TURNOptions{Quota: func(string) bool { return false }},
			kinds: []string{gather.TypeHost, gather.TypeSrflx}, srflx: testnet.NATPublicIP, failure: gather.FailureQuota, code: 486, complete: true},
		{name: "no capacity", world: cone, turn: testnet.TURNOptions{MaxAllocations: -1},
			kinds: []string{gather.TypeHost, gather.TypeSrflx}, srflx: testnet.NATPublicIP, failure: gather.FailureCapacity, code: 508, complete: true},
		// Silence is judged after NoAnswerAfter, not at the deadline.
		{name: "unreachable server", world: cone, url: fmt.Sprintf("turn:%s:3499", testnet.PrimaryIP),
			kinds: []string{gather.TypeHost, gather.TypeSrflx}, srflx: testnet.NATPublicIP, failure: gather.FailureTimeout,
			within: gather.NoAnswerAfter + 100*time.Millisecond},
		{name: "UDP blocked", world: blocked, kinds: []string{gather.TypeHost}, failure: gather.FailureTimeout,
			within: gather.NoAnswerAfter + 100*time.Millisecond},
	}
}

// TestRunVnet gathers in simulated worlds with a pion TURN server, under
// synctest: every run must end within its deadline, name its TURN failure,
// and never show the password.
func TestRunVnet(t *testing.T) {
	for _, tc := range vnetCases() {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				w := newWorld(t, tc.world)
				addr := startTURN(t, w, tc.turn)
				if tc.impair != nil {
					tc.impair(w)
				}
				ts := gather.TURNServer{URL: tc.url, User: tc.user, Password: tc.password}
				if ts.URL == "" {
					ts.URL = "turn:" + addr
				}
				if ts.User == "" {
					ts.User = turnUser
				}
				if ts.Password == "" {
					ts.Password = turnPassword
				}
				res, took := run(t, w, gather.Options{STUN: w.Servers(), TURN: []gather.TURNServer{ts}})
				checkCase(t, tc, ts, res)
				if tc.within > 0 && took > tc.within {
					t.Errorf("Run took %v, want at most %v", took, tc.within)
				}
				noSecrets(t, fmt.Sprintf("%+v %#v", res, res), turnPassword, wrongPassword)
			})
		})
	}
}

func checkCase(t *testing.T, tc vnetCase, ts gather.TURNServer, res gather.Result) {
	t.Helper()
	if got := kinds(res); !slices.Equal(got, tc.kinds) {
		t.Errorf("candidate kinds %v, want %v", got, tc.kinds)
	}
	for _, c := range res.Candidates {
		if c.Type == gather.TypeSrflx && c.Address != tc.srflx {
			t.Errorf("srflx %s:%d, want address %s", c.Address, c.Port, tc.srflx)
		}
		if (c.Type == gather.TypeHost) != (c.Server == "") {
			t.Errorf("%s candidate with server %q", c.Type, c.Server)
		}
		if c.Type == gather.TypeRelay && (c.Server != ts.URL+"?transport=udp" || c.Address != testnet.PrimaryIP || c.RelayProtocol != "udp") {
			t.Errorf("relay candidate %+v: want from %s, at %s, over udp", c, ts.URL, testnet.PrimaryIP)
		}
	}
	if res.Complete != tc.complete {
		t.Errorf("Complete = %v, want %v", res.Complete, tc.complete)
	}
	if len(res.TURN) != 1 {
		t.Fatalf("%d TURN results, want 1", len(res.TURN))
	}
	checkTURN(t, tc, res.TURN[0])
}

func checkTURN(t *testing.T, tc vnetCase, r gather.TURNResult) {
	t.Helper()
	if r.Failure != tc.failure || r.ErrorCode != tc.code || r.OK != (tc.failure == "") {
		t.Errorf("TURN: ok=%v failure=%q code=%d (%s); want failure=%q code=%d", r.OK, r.Failure, r.ErrorCode, r.Error, tc.failure, tc.code)
	}
	if tc.failure != "" && !errors.Is(r.Err, tc.failure) {
		t.Errorf("TURN: errors.Is(%v, %q) = false", r.Err, tc.failure)
	}
	if r.RelayData != tc.relayData || r.RelayVia != tc.relayVia {
		t.Errorf("TURN: relay data %s via %q (%s), want %s via %q", r.RelayData, r.RelayVia, r.RelayError, tc.relayData, tc.relayVia)
	}
	if !r.OK {
		return
	}
	if r.Lifetime != 10*time.Minute || r.RelayedAddress == "" || !strings.HasPrefix(r.MappedAddress, tc.srflx+":") {
		t.Errorf("TURN: lifetime %v relayed %q mapped %q; want 10m, an address, %s", r.Lifetime, r.RelayedAddress, r.MappedAddress, tc.srflx)
	}
	// One-way trips of 10 ms: four from a peer (peer→relay→us→relay→peer),
	// six from a second allocation (its client→its relay→our relay→us and
	// back: vnet routes relay to relay through the WAN router too).
	want := 40 * time.Millisecond
	if r.RelayVia == gather.RelayViaAllocation {
		want = 60 * time.Millisecond
	}
	if r.RoundTrip != want {
		t.Errorf("TURN: round trip %v via %s, want %v", r.RoundTrip, r.RelayVia, want)
	}
	if (r.RelayVia == gather.RelayViaAllocation) != (r.RelayError != "") {
		t.Errorf("TURN: via %q with relay error %q", r.RelayVia, r.RelayError)
	}
}

// filterRelayPorts drops UDP from the client's NAT to the TURN server's
// IP on any port but the STUN and TURN ones, as a firewall in front of the
// relay ports would.
func filterRelayPorts(w *testnet.World) {
	w.WAN.AddChunkFilter(func(c vnet.Chunk) bool {
		src, dst := c.SourceAddr().(*net.UDPAddr), c.DestinationAddr().(*net.UDPAddr)
		if src == nil || dst == nil || src.IP.String() != testnet.NATPublicIP || dst.IP.String() != testnet.PrimaryIP {
			return true
		}
		return dst.Port == testnet.STUNPort || dst.Port == testnet.AltPort || dst.Port == testnet.WorldTURNPort
	})
}

// kinds lists the candidate types found, in host, srflx, relay order.
func kinds(res gather.Result) []string {
	var out []string
	for _, k := range []string{gather.TypeHost, gather.TypeSrflx, gather.TypePrflx, gather.TypeRelay} {
		if slices.ContainsFunc(res.Candidates, func(c gather.Candidate) bool { return c.Type == k }) {
			out = append(out, k)
		}
	}
	return out
}

// noSecrets fails if s contains any secret.
func noSecrets(t *testing.T, s string, secrets ...string) {
	t.Helper()
	for _, secret := range secrets {
		if strings.Contains(s, secret) {
			t.Errorf("output contains the password %q", secret)
		}
	}
}

// TestRunVnetDeadline: a silent TURN server, a silent STUN server and a
// short deadline; Run returns at the deadline with what it has.
func TestRunVnetDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newWorld(t, cone)
		ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
		defer cancel()
		start := time.Now()
		res, err := gather.Run(ctx, gather.Options{Net: w.Client, Networks: []gather.Network{gather.UDP4},
			STUN: []string{testnet.PrimaryIP + ":3497"},
			TURN: []gather.TURNServer{{URL: "turn:" + testnet.PrimaryIP + ":3499", User: turnUser, Password: turnPassword}}})
		took := time.Since(start)
		time.Sleep(settle)
		if err != nil {
			t.Fatal(err)
		}
		if took != 1500*time.Millisecond || res.Complete {
			t.Errorf("took %v complete=%v; want 1.5s, incomplete", took, res.Complete)
		}
		if got := kinds(res); !slices.Equal(got, []string{gather.TypeHost}) || res.TURN[0].Failure != gather.FailureTimeout {
			t.Errorf("kinds %v, TURN %q; want [host], timeout", got, res.TURN[0].Failure)
		}
	})
}

// TestRunVnetServers: several servers at once; each candidate names the
// server that produced it; pion's logs, even at TRACE, show no password.
func TestRunVnetServers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w := newWorld(t, cone)
		addr := startTURN(t, w, testnet.TURNOptions{})
		turnURL := "turn:" + addr + "?transport=udp"
		var logs bytes.Buffer // pion's every line, at TRACE
		lf := logging.NewDefaultLoggerFactory()
		lf.Writer, lf.DefaultLogLevel = &logs, logging.LogLevelTrace
		res, _ := run(t, w, gather.Options{STUN: w.Servers(), Logger: lf, TURN: []gather.TURNServer{
			{URL: "turn:" + addr, User: turnUser, Password: turnPassword},
			{URL: "turn:" + addr, User: turnUser, Password: wrongPassword},
		}})
		if !strings.Contains(logs.String(), "turnc") {
			t.Errorf("no TURN client log line at TRACE:\n%s", logs.String())
		}
		noSecrets(t, logs.String(), turnPassword, wrongPassword)
		got := map[string][]string{}
		for _, c := range res.Candidates {
			got[c.Type] = append(got[c.Type], c.Server)
		}
		want := map[string][]string{
			gather.TypeHost:  {""},
			gather.TypeSrflx: {"stun:" + testnet.PrimaryIP + ":3478", "stun:" + testnet.PlainIP + ":3478", turnURL, turnURL},
			gather.TypeRelay: {turnURL},
		}
		for k := range want {
			slices.Sort(got[k])
			slices.Sort(want[k])
			if !slices.Equal(got[k], want[k]) {
				t.Errorf("%s from %q, want %q", k, got[k], want[k])
			}
		}
		if !res.TURN[0].OK || res.TURN[1].Failure != gather.FailureBadCredentials {
			t.Errorf("TURN results %+v; want ok, then bad credentials", res.TURN)
		}
		noSecrets(t, fmt.Sprintf("%+v", res), turnPassword, wrongPassword)
	})
}

func newWorld(t *testing.T, o testnet.WorldOptions) *testnet.World {
	t.Helper()
	o.RTT = 20 * time.Millisecond
	w, err := testnet.NewWorld(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = w.Close() })
	return w
}

func startTURN(t *testing.T, w *testnet.World, o testnet.TURNOptions) string {
	t.Helper()
	if o.Users == nil {
		o.Users = map[string]string{turnUser: turnPassword}
	}
	s, err := w.StartTURNWith(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s.UDPAddr
}

// run gathers in w under the deadline, checks that it returned within it,
// and lets pion's leftovers finish.
func run(t *testing.T, w *testnet.World, o gather.Options) (gather.Result, time.Duration) {
	t.Helper()
	o.Net = w.Client
	o.Networks = []gather.Network{gather.UDP4}
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	start := time.Now()
	res, err := gather.Run(ctx, o)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	took := time.Since(start)
	if took > deadline {
		t.Errorf("Run took %v, beyond the %v deadline", took, deadline)
	}
	time.Sleep(settle)
	return res, took
}
