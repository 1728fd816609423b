package report

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/natcheck/natcheck/natclass"
	"github.com/natcheck/natcheck/probe/pair"
)

// samplePair is a relay-only result between a port-restricted cone (A) and
// a symmetric NAT (B), as pair.Result carries it.
func samplePair() pair.Result {
	host := pair.Candidate{Type: "host", Address: "10.1.0.2", Port: 5000}
	relayB := pair.Candidate{Type: "relay", Address: "203.0.113.20", Port: 5930}
	srflxB := pair.Candidate{Type: "srflx", Address: "198.51.100.3", Port: 49153}
	r := pair.Result{
		View:        pair.ViewControlling,
		Controlling: pair.NATVerdict{Type: natclass.LabelPortRestrictedCone, Mapping: "endpoint-independent", Filtering: "address-and-port-dependent"},
		Controlled:  pair.NATVerdict{Type: natclass.LabelSymmetric, Mapping: "address-and-port-dependent", Filtering: "address-and-port-dependent"},
		Pairs: []pair.PairResult{
			{Local: host, Remote: srflxB, State: pair.StateFailed, Requests: 8},
			{Local: host, Remote: relayB, State: pair.StateSucceeded, CheckRTT: 40 * time.Millisecond, Nominated: true, Selected: true,
				Requests: 8, Responses: 7, PeerChecks: 3},
		},
		Quality: []pair.Quality{{Path: pair.PathRelay, Local: host, Remote: relayB, Sent: 20, Received: 19,
			RTTMin: 40 * time.Millisecond, RTTMedian: 41 * time.Millisecond, RTTMax: 45 * time.Millisecond, Jitter: 1500 * time.Microsecond}},
		Window:   1340 * time.Millisecond,
		Duration: 1840 * time.Millisecond,
		Relay:    true,
	}
	r.Selected = &r.Pairs[1]
	r.Prediction = natclass.Predict(r.Controlling.Result(), r.Controlled.Result())
	r.Agree = natclass.True
	return r
}

var pairMeta = Meta{Version: "test", Time: time.Date(2026, 11, 22, 4, 0, 0, 0, time.UTC)}

func TestPairJSON(t *testing.T) {
	var b bytes.Buffer
	if err := WritePair(&b, FromPair(samplePair(), pairMeta), FormatJSONL); err != nil {
		t.Fatal(err)
	}
	want := `{"schemaVersion":1,"tool":"natcheck","command":"pair","version":"test","time":"2026-11-22T04:00:00Z","durationMs":1840,"view":"a",` +
		`"a":{"role":"controlling","nat":{"type":"port-restricted-cone","label":"Port Restricted Cone","mapping":"endpoint-independent","filtering":"address-and-port-dependent"}},` +
		`"b":{"role":"controlled","nat":{"type":"symmetric","label":"Symmetric","mapping":"address-and-port-dependent","filtering":"address-and-port-dependent"}},` +
		`"direct":false,"relay":true,` +
		`"selected":{"local":{"type":"host","address":"10.1.0.2","port":5000},"remote":{"type":"relay","address":"203.0.113.20","port":5930}},` +
		`"pairs":[{"local":{"type":"host","address":"10.1.0.2","port":5000},"remote":{"type":"srflx","address":"198.51.100.3","port":49153},"path":"direct","state":"failed","rttMs":null,"nominated":false,"selected":false,"requests":8,"responses":0,"peerChecks":0},` +
		`{"local":{"type":"host","address":"10.1.0.2","port":5000},"remote":{"type":"relay","address":"203.0.113.20","port":5930},"path":"relay","state":"succeeded","rttMs":40,"nominated":true,"selected":true,"requests":8,"responses":7,"peerChecks":3}],` +
		`"quality":[{"path":"relay","local":{"type":"host","address":"10.1.0.2","port":5000},"remote":{"type":"relay","address":"203.0.113.20","port":5930},"sent":20,"received":19,"loss":0.05,"rttMinMs":40,"rttMedianMs":41,"rttMaxMs":45,"jitterMs":1.5,"note":""}],` +
		`"prediction":{"outcome":"relay-required","reason":"B (symmetric: address-and-port-dependent mapping, address-and-port-dependent filtering) opens a new port for each destination, so its checks reach A from a port A never sent to, and A (port-restricted-cone: endpoint-independent mapping, address-and-port-dependent filtering) admits only the exact address and port it sent to"},` +
		`"agree":true,"windowMs":1340,"verdict":"Direct path: no: only the relay (TURN) connects these hosts. As predicted (relay-required).","notes":[]}` + "\n"
	if got := b.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestPairVerdict(t *testing.T) {
	yes, no := true, false
	tests := []struct {
		name          string
		direct, relay bool
		agree         *bool
		want          string
	}{
		{"both, agree", true, true, &yes, "Direct path: yes. Relay path: yes. As predicted (hole-punching)."},
		{"direct only, disagree", true, false, &no, "Direct path: yes. Relay path: no. NOT as predicted (hole-punching): because"},
		{"nothing, unknown", false, false, nil, "No path at all: neither a direct nor a relayed pair worked. The NAT classes could not predict this."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := PairReport{Direct: tt.direct, Relay: tt.relay, Agree: tt.agree, Prediction: PairPrediction{Outcome: "hole-punching", Reason: "because"}}
			if got := pairVerdict(p); got != tt.want {
				t.Errorf("got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestPairText(t *testing.T) {
	var b bytes.Buffer
	if err := WritePair(&b, FromPair(samplePair(), pairMeta), FormatText); err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{
		"direct: no\n",
		"relay: yes\n",
		"a: controlling, Port Restricted Cone (mapping endpoint-independent, filtering address-and-port-dependent)\n",
		"selected: host 10.1.0.2:5000 -> relay 203.0.113.20:5930\n",
		"pair: host 10.1.0.2:5000 -> srflx 198.51.100.3:49153 direct failed rtt=-\n",
		"pair: host 10.1.0.2:5000 -> relay 203.0.113.20:5930 relay succeeded rtt=40.0ms\n",
		"quality relay: host 10.1.0.2:5000 -> relay 203.0.113.20:5930: 19/20 back, loss 5%, rtt min 40.0ms median 41.0ms max 45.0ms, jitter 1.5ms\n",
		"agree: yes\n",
	} {
		if !strings.Contains(b.String(), line) {
			t.Errorf("missing %q in\n%s", line, b.String())
		}
	}
}

func TestPairTableAndParse(t *testing.T) {
	p := FromPair(samplePair(), pairMeta)
	var tb bytes.Buffer
	if err := WritePair(&tb, p, FormatTable); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"Direct path: no: only the relay", "Local (A)", "selected", "2 pairs in 1840ms"} {
		if !strings.Contains(tb.String(), s) {
			t.Errorf("table lacks %q:\n%s", s, tb.String())
		}
	}
	var jb bytes.Buffer
	if err := WritePair(&jb, p, FormatJSON); err != nil {
		t.Fatal(err)
	}
	back, err := ParsePair(&jb)
	if err != nil || back.Verdict != p.Verdict || len(back.Pairs) != 2 || back.Selected == nil || *back.Agree != true {
		t.Errorf("ParsePair: %+v, %v", back, err)
	}
	if _, err := ParsePair(strings.NewReader(`{"schemaVersion":1,"tool":"natcheck","command":"check"}`)); !errors.Is(err, ErrNotReport) {
		t.Errorf("a check report read as a pair report: %v", err)
	}
	if err := WritePair(&jb, p, "yaml"); !errors.Is(err, ErrFormat) {
		t.Errorf("unknown format: %v", err)
	}
}

func TestCompare(t *testing.T) {
	nat := func(typ, m, f string) Report {
		return Report{Time: "2026-11-22T04:00:00Z", NAT: NAT{Type: typ, Mapping: m, Filtering: f}}
	}
	tests := []struct {
		name    string
		a, b    Report
		outcome string
		verdict string
	}{
		{"port-restricted vs symmetric", nat("port-restricted-cone", "endpoint-independent", "address-and-port-dependent"),
			nat("symmetric", "address-and-port-dependent", "address-and-port-dependent"), "relay-required",
			"Expected: only a relay (TURN) will connect these hosts."},
		{"restricted vs symmetric", nat("restricted-cone", "endpoint-independent", "address-dependent"),
			nat("symmetric", "address-and-port-dependent", "address-and-port-dependent"), "hole-punching",
			"Expected: a direct connection by hole punching."},
		{"open vs anything", nat("open-internet", "none", "none"), nat("symmetric", "address-dependent", "endpoint-independent"),
			"direct", "Expected: a direct connection."},
		{"inconclusive", Report{NAT: NAT{Type: "unknown", Mapping: "unknown", Filtering: "unknown", Verdict: "Inconclusive: no RFC 5780 server reachable"}},
			nat("full-cone", "endpoint-independent", "endpoint-independent"), "unknown",
			"No prediction: A's NAT behaviour is unknown: no RFC 5780 server reachable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := FromCompare(tt.a, tt.b, "a.json", "b.json", pairMeta)
			if c.Prediction.Outcome != tt.outcome || c.Verdict != tt.verdict || c.Command != CommandCompare {
				t.Errorf("got %s %q", c.Prediction.Outcome, c.Verdict)
			}
			for _, f := range Formats {
				var b bytes.Buffer
				if err := WriteCompare(&b, c, f); err != nil || !strings.Contains(b.String(), tt.outcome) {
					t.Errorf("%s: %v\n%s", f, err, b.String())
				}
			}
		})
	}
}
