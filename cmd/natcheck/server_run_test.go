package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/natcheck/natcheck/probe/stunattr"
	"github.com/pion/logging"
	"github.com/pion/stun/v3"
	"github.com/pion/transport/v4/vnet"
	"github.com/pion/turn/v5"
)

// logLines is a concurrency-safe stderr that hands each JSON log line to
// whoever waits for it.
type logLines struct {
	mu    sync.Mutex
	all   bytes.Buffer
	part  []byte
	lines chan map[string]any
}

func newLogLines() *logLines { return &logLines{lines: make(chan map[string]any, 256)} }

func (l *logLines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.all.Write(p)
	l.part = append(l.part, p...)
	for {
		i := bytes.IndexByte(l.part, '\n')
		if i < 0 {
			return len(p), nil
		}
		var rec map[string]any
		if json.Unmarshal(l.part[:i], &rec) == nil {
			select {
			case l.lines <- rec:
			default: // nobody is waiting for more: keep the text only
			}
		}
		l.part = l.part[i+1:]
	}
}

func (l *logLines) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.all.String()
}

// waitFor returns the first log record with message msg, failing the test
// if the server exits first.
func (l *logLines) waitFor(t *testing.T, msg string, exited <-chan ExitCode) map[string]any {
	t.Helper()
	for {
		select {
		case rec := <-l.lines:
			if rec["msg"] == msg {
				return rec
			}
		case code := <-exited:
			t.Fatalf("server exited with %d before logging %q:\n%s", code, msg, l)
		}
	}
}

// serverWorld is a vnet internet with the server's two IPs and two clients.
type serverWorld struct {
	wan             *vnet.Router
	server, c1, c2  *vnet.Net
	primary, altern string
}

func newServerWorld(t *testing.T) *serverWorld {
	t.Helper()
	lf := logging.NewDefaultLoggerFactory()
	lf.DefaultLogLevel = logging.LogLevelDisabled
	wan, err := vnet.NewRouter(&vnet.RouterConfig{CIDR: "0.0.0.0/0", LoggerFactory: lf})
	if err != nil {
		t.Fatal(err)
	}
	w := &serverWorld{wan: wan, primary: "203.0.113.10", altern: "203.0.113.11"}
	for _, n := range []struct {
		dst **vnet.Net
		ips []string
	}{{&w.server, []string{w.primary, w.altern}}, {&w.c1, []string{"198.51.100.2"}}, {&w.c2, []string{"198.51.100.3"}}} {
		if *n.dst, err = vnet.NewNet(&vnet.NetConfig{StaticIPs: n.ips}); err != nil {
			t.Fatal(err)
		}
		if err := wan.AddNet(*n.dst); err != nil {
			t.Fatal(err)
		}
	}
	if err := wan.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = wan.Stop() })
	return w
}

// startServer runs `natcheck server args` on the world's server net and
// waits for the line that ends start-up, which it returns.
func startServer(t *testing.T, w *serverWorld, args []string, lastLine string) (*logLines, map[string]any, context.CancelFunc, <-chan ExitCode) {
	t.Helper()
	logs := newLogLines()
	f := &Factory{IO: &IOStreams{In: strings.NewReader(""), Out: io.Discard, ErrOut: logs}, Net: w.server, Version: "v9.9.9-test"}
	ctx, cancel := context.WithCancel(context.Background())
	exited := make(chan ExitCode, 1)
	go func() { exited <- runWith(ctx, append([]string{"server", "--log-format", "json"}, args...), f) }()
	t.Cleanup(cancel)
	rec := logs.waitFor(t, lastLine, exited)
	return logs, rec, cancel, exited
}

// binding sends one Binding request and returns the answer's source, or
// nil when expectReply is false (the datagram is only sent).
func binding(t *testing.T, conn net.PacketConn, to string, change stunattr.ChangeRequest, expectReply bool) (net.Addr, *stun.Message) {
	t.Helper()
	req, err := stun.Build(stun.TransactionID, stun.BindingRequest, change, stun.Fingerprint)
	if err != nil {
		t.Fatal(err)
	}
	dst, _ := net.ResolveUDPAddr("udp4", to)
	if _, err := conn.WriteTo(req.Raw, dst); err != nil {
		t.Fatal(err)
	}
	if !expectReply {
		return nil, nil
	}
	buf := make([]byte, 1500)
	n, from, err := conn.ReadFrom(buf)
	if err != nil {
		t.Fatal(err)
	}
	resp := &stun.Message{Raw: buf[:n]}
	if err := resp.Decode(); err != nil {
		t.Fatal(err)
	}
	if resp.TransactionID != req.TransactionID {
		t.Fatal("answer to another transaction")
	}
	return from, resp
}

// scrapeMetrics fetches the exposition text from the server's loopback endpoint.
func scrapeMetrics(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("scrape: HTTP %d, %v", resp.StatusCode, err)
	}
	return string(body)
}

// turnAllocate runs pion's TURN client from n and returns the error code of
// the Allocate (0 on success).
func turnAllocate(t *testing.T, n *vnet.Net, server, user, password string) stun.ErrorCode {
	t.Helper()
	conn, err := n.ListenPacket("udp4", "0.0.0.0:0")
	if err != nil {
		t.Fatal(err)
	}
	c, err := turn.NewClient(&turn.ClientConfig{STUNServerAddr: server, TURNServerAddr: server,
		Username: user, Password: password, Conn: conn, Net: n})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Listen(); err != nil {
		t.Fatal(err)
	}
	relay, err := c.Allocate()
	if err != nil {
		c.Close()
		_ = conn.Close()
		var te *stun.TurnError
		if !errors.As(err, &te) {
			t.Fatalf("Allocate: %v", err)
		}
		return te.ErrorCodeAttr.Code
	}
	t.Cleanup(func() { _ = relay.Close(); c.Close(); _ = conn.Close() })
	return 0
}

// TestServerRun runs the whole command on vnet: RFC 5780 answers, the rate
// limit, TURN with quota and bad credentials, metrics scraped over
// loopback, JSON logs without the password, and a clean stop exiting 0.
func TestServerRun(t *testing.T) {
	w := newServerWorld(t)
	logs, started, stop, exited := startServer(t, w, []string{"--primary", w.primary, "--alternate", w.altern,
		"--rate", "0.001", "--burst", "3", "--metrics-listen", "127.0.0.1:0", "--log-level", "debug",
		"--turn-user", "alice:s3cret", "--turn-tcp=false", "--relay-ports", "50000-50009", "--turn-quota", "1"},
		"metrics listening")

	c1, err := w.c1.ListenPacket("udp4", "198.51.100.2:40000")
	if err != nil {
		t.Fatal(err)
	}
	defer c1.Close()
	from, resp := binding(t, c1, w.primary+":3478", stunattr.ChangeRequest{ChangeIP: true, ChangePort: true}, true)
	if from.String() != w.altern+":3479" {
		t.Fatalf("change IP+port answered from %v, want %s:3479", from, w.altern)
	}
	var other stun.OtherAddress
	if err := other.GetFrom(resp); err != nil || other.String() != w.altern+":3479" {
		t.Fatalf("OTHER-ADDRESS %v (%v), want %s:3479", other, err, w.altern)
	}
	binding(t, c1, w.primary+":3478", stunattr.ChangeRequest{}, true)
	binding(t, c1, w.primary+":3478", stunattr.ChangeRequest{ChangePort: true}, true)
	binding(t, c1, w.primary+":3478", stunattr.ChangeRequest{}, false) // over the burst of 3: no answer
	c2, err := w.c2.ListenPacket("udp4", "198.51.100.3:40000")
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	binding(t, c2, w.primary+":3478", stunattr.ChangeRequest{}, true) // another source has its own bucket

	turnAddr := w.primary + ":3480"
	if code := turnAllocate(t, w.c1, turnAddr, "alice", "s3cret"); code != 0 {
		t.Fatalf("allocate: error %d", code)
	}
	if code := turnAllocate(t, w.c2, turnAddr, "alice", "s3cret"); code != stun.CodeAllocQuotaReached {
		t.Fatalf("allocate over quota: code %d, want 486", code)
	}
	if code := turnAllocate(t, w.c2, turnAddr, "alice", "guess"); code != stun.CodeBadRequest {
		t.Fatalf("allocate with a wrong password: code %d, want 400", code)
	}

	url, _ := started["url"].(string)
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Fatalf("metrics url %q, want one on loopback", url)
	}
	body := scrapeMetrics(t, url)
	for _, want := range []string{
		"natcheck_stun_requests_total 5", "natcheck_stun_rate_limited_total 1",
		`natcheck_stun_responses_total{kind="change-ip-port"} 1`, `natcheck_stun_responses_total{kind="change-port"} 1`,
		"natcheck_stun_rate_limit_sources 2",
		"natcheck_turn_allocations 1", "natcheck_turn_quota_refused_total 1", "natcheck_turn_auth_failures_total 1",
	} {
		if !strings.Contains(body, want+"\n") {
			t.Errorf("metrics lack %q", want)
		}
	}

	stop()
	if code := <-exited; code != ExitOK {
		t.Fatalf("exit code %d after SIGINT, want 0", code)
	}
	all := logs.String()
	for _, want := range []string{`"mode":"rfc5780"`, `"msg":"turn server listening"`, `"users":["alice"]`,
		`"msg":"shutting down"`, `"what":"stun responder"`, `"what":"turn server"`} {
		if !strings.Contains(all, want) {
			t.Errorf("logs lack %s:\n%s", want, all)
		}
	}
	if strings.Contains(all, "s3cret") {
		t.Errorf("logs show the TURN password:\n%s", all)
	}
}

// TestServerPortOnly: with one IP the server says so at start-up, omits
// OTHER-ADDRESS and refuses change-IP with 420, and still stops with 0.
func TestServerPortOnly(t *testing.T) {
	w := newServerWorld(t)
	_, started, stop, exited := startServer(t, w, []string{"--primary", w.primary, "--rate", "0"},
		"stun responder listening in port-only mode: one IP, so OTHER-ADDRESS is omitted and change-IP requests get 420")
	if started["mode"] != "port-only" || started["level"] != "WARN" {
		t.Errorf("start-up line %v: want a WARN with mode port-only", started)
	}
	c1, err := w.c1.ListenPacket("udp4", "198.51.100.2:40000")
	if err != nil {
		t.Fatal(err)
	}
	defer c1.Close()
	tests := []struct {
		name   string
		change stunattr.ChangeRequest
		from   string
		code   stun.ErrorCode
	}{
		{"plain", stunattr.ChangeRequest{}, w.primary + ":3478", 0},
		{"change port", stunattr.ChangeRequest{ChangePort: true}, w.primary + ":3479", 0},
		{"change IP", stunattr.ChangeRequest{ChangeIP: true}, w.primary + ":3478", stun.CodeUnknownAttribute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			from, resp := binding(t, c1, w.primary+":3478", tt.change, true)
			if from.String() != tt.from {
				t.Errorf("answered from %v, want %s", from, tt.from)
			}
			if resp.Contains(stun.AttrOtherAddress) {
				t.Error("port-only answer carries OTHER-ADDRESS")
			}
			var code stun.ErrorCodeAttribute
			if err := code.GetFrom(resp); (err == nil) != (tt.code != 0) || (err == nil && code.Code != tt.code) {
				t.Errorf("error code %v (%v), want %d", code.Code, err, tt.code)
			}
		})
	}
	stop()
	if code := <-exited; code != ExitOK {
		t.Fatalf("exit code %d, want 0", code)
	}
}

// TestServerStartFailure: a port already taken is a failure exit, with the
// reason printed once.
func TestServerStartFailure(t *testing.T) {
	w := newServerWorld(t)
	taken, err := w.server.ListenPacket("udp4", w.primary+":3479")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	var stderr bytes.Buffer
	f := &Factory{IO: &IOStreams{In: strings.NewReader(""), Out: io.Discard, ErrOut: &stderr}, Net: w.server, Version: "v9.9.9-test"}
	code := runWith(context.Background(), []string{"server", "--primary", w.primary}, f)
	if code != ExitFailure {
		t.Errorf("exit code %d, want %d", code, ExitFailure)
	}
	if want := "natcheck: stun responder: listen on " + w.primary + ":3479"; !strings.Contains(stderr.String(), want) {
		t.Errorf("stderr %q lacks %q", stderr.String(), want)
	}
}
