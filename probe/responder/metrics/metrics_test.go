package metrics

import (
	"fmt"
	"net"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"github.com/natcheck/natcheck/probe/responder"
	"github.com/natcheck/natcheck/probe/stunattr"
	"github.com/pion/logging"
	"github.com/pion/stun/v3"
	"github.com/pion/transport/v4/vnet"
)

// scrape returns the exposition text of m, one line each.
func scrape(t *testing.T, m *Metrics) map[string]bool {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != 200 {
		t.Fatalf("scrape: HTTP %d", rec.Code)
	}
	lines := map[string]bool{}
	for l := range strings.Lines(rec.Body.String()) {
		lines[strings.TrimSpace(l)] = true
	}
	return lines
}

func response(t *testing.T, setters ...stun.Setter) []byte {
	t.Helper()
	m, err := stun.Build(append([]stun.Setter{stun.TransactionID}, setters...)...)
	if err != nil {
		t.Fatal(err)
	}
	return m.Raw
}

func TestResponseKind(t *testing.T) {
	ok := response(t, stun.BindingSuccess)
	p0, p1 := responder.Endpoint{}, responder.Endpoint{Port: 1}
	i1, i1p1 := responder.Endpoint{IP: 1}, responder.Endpoint{IP: 1, Port: 1}
	tests := []struct {
		name    string
		at, via responder.Endpoint
		resp    []byte
		want    string
	}{
		{"plain binding", p0, p0, ok, "binding"},
		{"plain binding on alternate", i1p1, i1p1, ok, "binding"},
		{"change port", p0, p1, ok, "change-port"},
		{"change ip", p1, i1p1, ok, "change-ip"},
		{"change both", i1, p1, ok, "change-ip-port"},
		{"400", p0, p0, response(t, stun.BindingError, stun.CodeBadRequest), "error-400"},
		{"420", p0, p0, response(t, stun.BindingError, stun.CodeUnknownAttribute), "error-420"},
		{"other code", p0, p0, response(t, stun.BindingError, stun.CodeServerError), "error"},
		{"error without code", p0, p0, response(t, stun.BindingError), "error"},
		{"garbage", p0, p0, []byte("not stun"), "error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ResponseKind(tt.at, tt.via, tt.resp); got != tt.want {
				t.Fatalf("ResponseKind = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestHooksCount drives the hooks the way the responder does and checks
// the scraped counters.
func TestHooksCount(t *testing.T) {
	m := New()
	src := &net.UDPAddr{IP: net.IPv4(198, 51, 100, 2), Port: 4000}
	allowed := 0
	var logged []error
	h := m.Hooks(func(net.Addr) bool { allowed++; return allowed <= 5 },
		responder.Hooks{Dropped: func(err error) { logged = append(logged, err) }})
	for range 7 { // 5 pass the limit, 2 are refused
		h.Allow(src)
	}
	ok := response(t, stun.BindingSuccess)
	h.Sent(responder.Endpoint{}, responder.Endpoint{}, ok)
	h.Sent(responder.Endpoint{}, responder.Endpoint{IP: 1, Port: 1}, ok)
	h.Sent(responder.Endpoint{}, responder.Endpoint{}, response(t, stun.BindingError, stun.CodeUnknownAttribute))
	h.Dropped(responder.ErrNotSTUN)
	h.Dropped(fmt.Errorf("%w: short", responder.ErrMalformed))
	h.Dropped(fmt.Errorf("send: %w", net.ErrClosed))
	m.TURNEvents().Allocated("alice")
	m.TURNEvents().Allocated("alice")
	m.TURNEvents().Released("alice")
	m.TURNEvents().AuthFailed()
	m.TURNEvents().QuotaRefused("alice")
	m.Gauge("stun_rate_limit_sources", "Sources the rate limiter remembers.", func() float64 { return 42 })

	got := scrape(t, m)
	for _, want := range []string{
		"natcheck_stun_requests_total 7",
		"natcheck_stun_rate_limited_total 2",
		`natcheck_stun_responses_total{kind="binding"} 1`,
		`natcheck_stun_responses_total{kind="change-ip-port"} 1`,
		`natcheck_stun_responses_total{kind="error-420"} 1`,
		`natcheck_stun_responses_total{kind="change-port"} 0`,
		"natcheck_stun_malformed_total 2",
		`natcheck_stun_dropped_total{reason="not-stun"} 1`,
		`natcheck_stun_dropped_total{reason="malformed"} 1`,
		`natcheck_stun_dropped_total{reason="other"} 1`,
		`natcheck_stun_dropped_total{reason="not-binding"} 0`,
		"natcheck_turn_allocations 1",
		"natcheck_turn_allocations_total 2",
		"natcheck_turn_auth_failures_total 1",
		"natcheck_turn_quota_refused_total 1",
		"natcheck_stun_rate_limit_sources 42",
	} {
		if !got[want] {
			t.Errorf("scrape lacks %q", want)
		}
	}
	if len(logged) != 3 {
		t.Errorf("next.Dropped told %d times, want 3", len(logged))
	}
	for l := range got {
		if strings.HasPrefix(l, "go_") || strings.HasPrefix(l, "process_") {
			t.Fatalf("own registry exposes %q: the default collectors leaked in", l)
		}
	}
}

func TestHooksWithoutLimit(t *testing.T) {
	m := New()
	h := m.Hooks(nil, responder.Hooks{})
	src := &net.UDPAddr{IP: net.IPv4(198, 51, 100, 2), Port: 4000}
	for i := range 3 {
		if !h.Allow(src) {
			t.Fatalf("datagram %d refused without a limit", i)
		}
	}
	h.Dropped(responder.ErrNotBinding)
	got := scrape(t, m)
	for _, want := range []string{"natcheck_stun_requests_total 3", "natcheck_stun_rate_limited_total 0",
		`natcheck_stun_dropped_total{reason="not-binding"} 1`, "natcheck_stun_malformed_total 0"} {
		if !got[want] {
			t.Errorf("scrape lacks %q", want)
		}
	}
}

// TestHooksOnResponder counts a real responder's traffic on vnet: a
// non-STUN datagram, a CHANGE-REQUEST for the other port, and a plain
// request. One socket serves them in turn and counts a response after
// sending it, so the last answer shows the first two were counted.
func TestHooksOnResponder(t *testing.T) {
	wan, err := vnet.NewRouter(&vnet.RouterConfig{CIDR: "0.0.0.0/0", LoggerFactory: logging.NewDefaultLoggerFactory()})
	if err != nil {
		t.Fatal(err)
	}
	server, err := vnet.NewNet(&vnet.NetConfig{StaticIPs: []string{"203.0.113.10", "203.0.113.11"}})
	if err != nil {
		t.Fatal(err)
	}
	client, err := vnet.NewNet(&vnet.NetConfig{StaticIPs: []string{"198.51.100.2"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []*vnet.Net{server, client} {
		if err := wan.AddNet(n); err != nil {
			t.Fatal(err)
		}
	}
	if err := wan.Start(); err != nil {
		t.Fatal(err)
	}
	defer wan.Stop()
	m := New()
	srv, err := responder.Start(server.ListenPacket, responder.Layout{Primary: netip.MustParseAddr("203.0.113.10"),
		Alternate: netip.MustParseAddr("203.0.113.11"), Port: 3478, AltPort: 3479}, m.Hooks(nil, responder.Hooks{}))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()

	conn, err := client.ListenPacket("udp4", "198.51.100.2:40000")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	to := &net.UDPAddr{IP: net.IPv4(203, 0, 113, 10), Port: 3478}
	req := response(t, stun.BindingRequest, stunattr.ChangeRequest{ChangePort: true}, stun.Fingerprint)
	for _, d := range [][]byte{[]byte("hello"), req, response(t, stun.BindingRequest)} {
		if _, err := conn.WriteTo(d, to); err != nil {
			t.Fatal(err)
		}
	}
	buf := make([]byte, 1500)
	froms := map[string]bool{}
	for range 2 {
		_, from, err := conn.ReadFrom(buf)
		if err != nil {
			t.Fatal(err)
		}
		froms[from.String()] = true
	}
	if !froms["203.0.113.10:3479"] || !froms["203.0.113.10:3478"] {
		t.Fatalf("answers from %v, want one from each port of 203.0.113.10", froms)
	}
	got := scrape(t, m)
	for _, want := range []string{"natcheck_stun_requests_total 3", `natcheck_stun_responses_total{kind="change-port"} 1`,
		"natcheck_stun_malformed_total 1", `natcheck_stun_dropped_total{reason="not-stun"} 1`} {
		if !got[want] {
			t.Errorf("scrape lacks %q", want)
		}
	}
}
