package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/natcheck/natcheck/natclass"
	"github.com/natcheck/natcheck/probe/gather"
)

// secret is planted where a careless renderer could pick it up (the Go
// error behind a TURN failure); no output may contain it.
const secret = "pw-Zq8-never-printed"

func gatherFixture() gather.Result {
	return gather.Result{
		Candidates: []gather.Candidate{
			{Type: "host", Protocol: "udp", Address: "10.1.0.2", Port: 5000, Priority: 2130706431, Foundation: "742944109"},
			{Type: "srflx", Protocol: "udp", Address: "198.51.100.2", Port: 49152, Priority: 1694498815, Foundation: "2000829230",
				RelatedAddress: "0.0.0.0", RelatedPort: 5001, Server: "stun:203.0.113.10:3478", At: 20 * time.Millisecond},
			{Type: "relay", Protocol: "udp", Address: "203.0.113.10", Port: 5500, Priority: 1023, Foundation: "2997267596",
				RelatedAddress: "0.0.0.0", RelatedPort: 5002, RelayProtocol: "udp", Server: "turn:203.0.113.10:3480?transport=udp", At: 40 * time.Millisecond},
		},
		TURN: []gather.TURNResult{
			{Server: "turn:203.0.113.10:3480?transport=udp", Transport: "udp", Address: "203.0.113.10:3480", OK: true,
				RelayedAddress: "203.0.113.10:5017", MappedAddress: "198.51.100.2:49153", Lifetime: 10 * time.Minute,
				AllocateTime: 40 * time.Millisecond, RelayData: natclass.True, RelayVia: gather.RelayViaPeer, RoundTrip: 40 * time.Millisecond},
			{Server: "turns:203.0.113.10:5349?transport=tcp", Transport: "tls", Address: "203.0.113.10:5349",
				RelayData: natclass.NotTested, Failure: gather.FailureBadCredentials, ErrorCode: 401,
				Error: "bad credentials (wrong user or password): 203.0.113.10:5349 answered 401 Unauthorized",
				Err:   fmt.Errorf("%w: user alice password %s", gather.FailureBadCredentials, secret)},
		},
		Complete: true,
	}
}

const gatherFixtureJSON = `{
  "schemaVersion": 1,
  "tool": "natcheck",
  "command": "gather",
  "version": "test",
  "time": "2026-01-02T03:04:05Z",
  "durationMs": 41.5,
  "kinds": ["host", "srflx", "relay"],
  "candidates": [
    {"type": "host", "protocol": "udp", "address": "10.1.0.2", "port": 5000, "priority": 2130706431, "foundation": "742944109",
     "relatedAddress": "", "relayProtocol": "", "server": "", "ms": 0},
    {"type": "srflx", "protocol": "udp", "address": "198.51.100.2", "port": 49152, "priority": 1694498815, "foundation": "2000829230",
     "relatedAddress": "0.0.0.0:5001", "relayProtocol": "", "server": "stun:203.0.113.10:3478", "ms": 20},
    {"type": "relay", "protocol": "udp", "address": "203.0.113.10", "port": 5500, "priority": 1023, "foundation": "2997267596",
     "relatedAddress": "0.0.0.0:5002", "relayProtocol": "udp", "server": "turn:203.0.113.10:3480?transport=udp", "ms": 40}
  ],
  "turn": [
    {"server": "turn:203.0.113.10:3480?transport=udp", "transport": "udp", "address": "203.0.113.10:3480", "ok": true,
     "relayedAddress": "203.0.113.10:5017", "mappedAddress": "198.51.100.2:49153", "lifetimeMs": 600000, "allocateMs": 40,
     "relayData": true, "relayVia": "peer", "roundTripMs": 40, "relayError": "", "failure": "", "error": "", "errorCode": 0},
    {"server": "turns:203.0.113.10:5349?transport=tcp", "transport": "tls", "address": "203.0.113.10:5349", "ok": false,
     "relayedAddress": "", "mappedAddress": "", "lifetimeMs": 0, "allocateMs": 0,
     "relayData": null, "relayVia": "", "roundTripMs": null, "relayError": "", "failure": "bad-credentials",
     "error": "bad credentials (wrong user or password): 203.0.113.10:5349 answered 401 Unauthorized", "errorCode": 401}
  ],
  "advice": "relay works via turn:203.0.113.10:3480?transport=udp: peers that cannot reach you directly can go through it.",
  "complete": true,
  "warnings": []
}`

// TestGatherJSON: the exact document, compared after compacting both.
func TestGatherJSON(t *testing.T) {
	g := NewGatherReport(FromGather(gatherFixture()), Meta{Version: "test", Time: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}, 41500*time.Microsecond)
	var got bytes.Buffer
	if err := WriteGather(&got, g, FormatJSONL); err != nil {
		t.Fatal(err)
	}
	if want := candCompactJSON(t, gatherFixtureJSON); strings.TrimSpace(got.String()) != want {
		t.Errorf("JSON:\n got %s\nwant %s", got.String(), want)
	}
}

// TestGatherEmpty: nothing gathered still gives arrays, never null.
func TestGatherEmpty(t *testing.T) {
	var got bytes.Buffer
	if err := WriteCandidates(&got, FromGather(gather.Result{}), FormatJSONL); err != nil {
		t.Fatal(err)
	}
	want := `{"kinds":[],"candidates":[],"turn":[],"advice":"no server-reflexive candidate: no STUN server answered over UDP, so peers can reach you only through a relay. no TURN server configured: peers behind symmetric NAT will not reach you (try --turn).","complete":false,"warnings":[]}`
	if strings.TrimSpace(got.String()) != want {
		t.Errorf("JSON:\n got %s\nwant %s", got.String(), want)
	}
}

func TestCandidateAdvice(t *testing.T) {
	ok := TURNDiagnosis{Server: "turn:a", OK: true, RelayData: candBool(true), RelayVia: gather.RelayViaPeer}
	viaAlloc := TURNDiagnosis{Server: "turn:a", OK: true, RelayData: candBool(true), RelayVia: gather.RelayViaAllocation}
	noData := TURNDiagnosis{Server: "turn:a", OK: true, RelayData: candBool(false), RelayError: "no probe came back"}
	failed := TURNDiagnosis{Server: "turn:b", Error: "bad credentials (wrong user or password)"}
	srflx := []string{"host", "srflx"}
	tests := []struct {
		name  string
		kinds []string
		turn  []TURNDiagnosis
		want  string
	}{
		{"relay works", []string{"host", "srflx", "relay"}, []TURNDiagnosis{failed, ok},
			"relay works via turn:a: peers that cannot reach you directly can go through it."},
		{"no TURN configured", srflx, nil,
			"no TURN server configured: peers behind symmetric NAT will not reach you (try --turn)."},
		{"TURN refused", srflx, []TURNDiagnosis{failed},
			"no working TURN server: peers behind symmetric NAT will not reach you (turn:b: bad credentials (wrong user or password))."},
		{"relay carries nothing", []string{"host", "srflx", "relay"}, []TURNDiagnosis{noData},
			"no working TURN server: peers behind symmetric NAT will not reach you (turn:a: allocation works but no data came back through the relay: no probe came back)."},
		{"UDP blocked, relay over TCP", []string{"host", "relay"}, []TURNDiagnosis{viaAlloc},
			"no server-reflexive candidate: no STUN server answered over UDP, so peers can reach you only through a relay." +
				" relay works via turn:a: peers that cannot reach you directly can go through it." +
				" This host's UDP did not reach the relayed address (a second allocation proved the relay instead):" +
				" expected if UDP is blocked here, else a firewall may be filtering the relay ports."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := candidateAdvice(Candidates{Kinds: tc.kinds, TURN: tc.turn}); got != tc.want {
				t.Errorf("advice\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}

// TestGatherRenderers: every format renders, names every candidate and
// failure, and none shows the password.
func TestGatherRenderers(t *testing.T) {
	g := NewGatherReport(FromGather(gatherFixture()), Meta{Version: "test"}, time.Second)
	for _, f := range Formats {
		t.Run(string(f), func(t *testing.T) {
			var out bytes.Buffer
			if err := WriteGather(&out, g, f); err != nil {
				t.Fatal(err)
			}
			s := out.String()
			for _, want := range []string{"10.1.0.2", "198.51.100.2", "203.0.113.10:5017", "stun:203.0.113.10:3478", "bad credentials", "relay works"} {
				if !strings.Contains(s, want) {
					t.Errorf("%s output lacks %q:\n%s", f, want, s)
				}
			}
			if strings.Contains(s, secret) {
				t.Errorf("%s output contains the password:\n%s", f, s)
			}
		})
	}
	if err := WriteGather(&bytes.Buffer{}, g, Format("yaml")); !errors.Is(err, ErrFormat) {
		t.Errorf("unknown format: %v", err)
	}
}

func TestCandidateText(t *testing.T) {
	c := FromGather(gatherFixture())
	tests := []struct {
		name, got, want string
	}{
		{"srflx", candidateText(c.Candidates[1]),
			"srflx udp 198.51.100.2 49152 priority=1694498815 foundation=2000829230 related=0.0.0.0:5001 server=stun:203.0.113.10:3478 ms=20.0"},
		{"turn ok", turnText(c.TURN[0]),
			"turn:203.0.113.10:3480?transport=udp transport=udp address=203.0.113.10:3480 ok=true relayed=203.0.113.10:5017 mapped=198.51.100.2:49153 lifetime=600s allocate=40.0ms relay-data=yes round-trip=40.0ms relay-via=peer"},
		{"turn failed", turnText(c.TURN[1]),
			`turns:203.0.113.10:5349?transport=tcp transport=tls address=203.0.113.10:5349 ok=false failure=bad-credentials code=401 error="bad credentials (wrong user or password): 203.0.113.10:5349 answered 401 Unauthorized"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("\n got %s\nwant %s", tc.got, tc.want)
			}
		})
	}
}

func candBool(b bool) *bool { return &b }

func candCompactJSON(t *testing.T, s string) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(s)); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestParseGather reads back what WriteGather writes, and refuses other
// documents.
func TestParseGather(t *testing.T) {
	g := NewGatherReport(FromGather(gatherFixture()), Meta{Version: "test"}, time.Second)
	var buf bytes.Buffer
	if err := WriteGather(&buf, g, FormatJSON); err != nil {
		t.Fatal(err)
	}
	got, err := ParseGather(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, g) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, g)
	}
	tests := []struct {
		name, doc string
		err       error
	}{
		{"check report", `{"schemaVersion":1,"tool":"natcheck","command":"check"}`, ErrNotReport},
		{"other schema", `{"schemaVersion":2,"tool":"natcheck","command":"gather"}`, ErrSchemaVersion},
		{"two documents", `{"schemaVersion":1,"tool":"natcheck","command":"gather"} {}`, ErrNotReport},
		{"not JSON", `table`, ErrNotReport},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := ParseGather(strings.NewReader(tc.doc)); !errors.Is(err, tc.err) {
				t.Errorf("ParseGather = %v, want %v", err, tc.err)
			}
		})
	}
}
