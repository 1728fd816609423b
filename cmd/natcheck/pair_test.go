package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/natcheck/natcheck/natclass"
	"github.com/natcheck/natcheck/probe/gather"
	"github.com/natcheck/natcheck/probe/pair"
	"github.com/natcheck/natcheck/probe/rendezvous"
	"github.com/natcheck/natcheck/report"
	"github.com/natcheck/natcheck/testnet"
	"github.com/pion/transport/v4/vnet"
	"github.com/spf13/cobra"
)

func offerToken(t *testing.T, controlling bool) string {
	t.Helper()
	tok, err := pair.EncodeToken(pair.Description{Version: 1, Controlling: controlling, Ufrag: "abcd", Pwd: "0123456789abcdef0123456789",
		Candidates: []string{"1 1 udp 2130706431 10.1.0.2 5000 typ host"}})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// TestPairFlags parses pair's flags without running it.
func TestPairFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     string
		want    func(*PairOptions) bool
		wantErr string
	}{
		{"offer", []string{"--offer"}, "", func(o *PairOptions) bool {
			return o.Mode == PairOffer && o.Timeout == pairTimeout && o.Servers[0] == "default.invalid:3478"
		}, ""},
		{"answer", []string{"--answer", offerToken(t, true)}, "", func(o *PairOptions) bool { return o.Mode == PairAnswer && o.Offer.Ufrag == "abcd" }, ""},
		{"rendezvous, token from env", []string{"--rendezvous", "http://127.0.0.1:1", "--room", "lab"}, "envtok",
			func(o *PairOptions) bool { return o.Mode == PairRendezvous && o.Token == "envtok" && o.Room == "lab" }, ""},
		{"flag token wins", []string{"--rendezvous", "http://127.0.0.1:1", "--room", "lab", "--token", "flag"}, "envtok",
			func(o *PairOptions) bool { return o.Token == "flag" }, ""},
		{"no mode", nil, "", nil, "give exactly one of --offer, --answer TOKEN and --rendezvous URL"},
		{"two modes", []string{"--offer", "--answer", "x"}, "", nil, "give exactly one of --offer, --answer TOKEN and --rendezvous URL"},
		{"rendezvous without room", []string{"--rendezvous", "http://127.0.0.1:1"}, "", nil, "--rendezvous and --room go together"},
		{"room without rendezvous", []string{"--offer", "--room", "lab"}, "", nil, "--rendezvous and --room go together"},
		{"garbage answer", []string{"--answer", "hello"}, "", nil, `--answer: bad pair token: it does not start with "nc1."`},
		{"answer to an answer", []string{"--answer", offerToken(t, false)}, "", nil, "--answer: that token is an answer, not an offer"},
		{"turn without user", []string{"--offer", "--turn", "turn:203.0.113.20"}, "", nil, "--turn needs --turn-user"},
		{"bad format", []string{"--offer", "--format", "xml"}, "", nil, `unknown format "xml"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(pairTokenEnv, tt.env)
			f, _, _ := testFactory(t)
			var got *PairOptions
			cmd := newPairCmd(f, func(_ context.Context, o *PairOptions) error { got = o; return nil })
			cmd.SetArgs(tt.args)
			cmd.SetOut(io.Discard)
			cmd.SetErr(io.Discard)
			err := cmd.Execute()
			if tt.wantErr != "" {
				var ue *usageError
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.As(err, &ue) {
					t.Fatalf("got %v, want usage error %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got == nil || !tt.want(got) {
				t.Fatalf("err %v, options %+v", err, got)
			}
		})
	}
}

// inProcessHTTP calls the rendezvous handler directly, inside the bubble.
type inProcessHTTP struct{ h http.Handler }

func (p inProcessHTTP) RoundTrip(r *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	p.h.ServeHTTP(rec, r)
	if err := r.Context().Err(); err != nil {
		return nil, err
	}
	return rec.Result(), nil
}

// pairHost is one host's natcheck, with the rendezvous reached in-process.
func pairHost(f *Factory, hc *http.Client) *cobra.Command {
	root := newRootCmd(f)
	for _, c := range root.Commands() {
		if c.Name() == "pair" {
			root.RemoveCommand(c)
		}
	}
	root.AddCommand(newPairCmd(f, func(ctx context.Context, o *PairOptions) error { o.HTTP = hc; return runPair(ctx, o) }))
	return root
}

type hostRun struct {
	code        ExitCode
	out, errOut string
}

// pairWorldArgs are the flags that reach the pair world's servers.
func pairWorldArgs(w *testnet.PairWorld) []string {
	args := []string{"--server", testnet.PrimaryIP + ":3478", "--format", "json"}
	for _, u := range w.URLs() {
		if u.Username != "" {
			args = append(args, "--turn", "turn:"+u.Host+":3478", "--turn-user", u.Username, "--turn-password", u.Password)
		}
	}
	return args
}

// TestPairCommandRendezvous runs `natcheck pair --rendezvous` on two hosts
// of a two-NAT world: both print the same JSON document, with both NAT
// verdicts, and the TURN password appears nowhere.
func TestPairCommandRendezvous(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		o := testnet.PairWorldOptions{TURN: true, RTT: 20 * time.Millisecond,
			A: testnet.NATSpec{Kind: testnet.KindNAT, Mapping: natclass.MappingEndpointIndependent, Filtering: natclass.FilteringAddressAndPortDependent},
			B: testnet.NATSpec{Kind: testnet.KindNAT, Mapping: natclass.MappingAddressAndPortDependent, Filtering: natclass.FilteringAddressAndPortDependent}}
		w, err := testnet.NewPairWorld(o)
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()
		hc := &http.Client{Transport: inProcessHTTP{rendezvous.NewHandler(rendezvous.Options{Token: "room-secret"})}}
		args := append([]string{"pair", "--verbose", "--rendezvous", "http://rendezvous.test", "--room", "lab", "--token", "room-secret"}, pairWorldArgs(w)...)
		runs := make([]hostRun, 2)
		var wg sync.WaitGroup
		for i, n := range []*vnet.Net{w.A, w.B} {
			f, out, errOut := testFactory(t) // vnet.NewNet is not safe for concurrent use
			f.Net = n
			wg.Go(func() {
				time.Sleep(time.Duration(i) * 10 * time.Second) // A classifies and joins first
				runs[i].code = execute(context.Background(), pairHost(f, hc), args, f.IO)
				runs[i].out, runs[i].errOut = out.String(), errOut.String()
			})
		}
		wg.Wait()
		var docs [2]report.PairReport
		for i, r := range runs {
			if r.code != ExitOK {
				t.Fatalf("host %d: exit %d\n%s", i, r.code, r.errOut)
			}
			if strings.Contains(r.out+r.errOut, w.URLs()[1].Password) || strings.Contains(r.out+r.errOut, "room-secret") {
				t.Errorf("host %d printed a secret", i)
			}
			if !strings.Contains(r.errOut, "natcheck: checking") {
				t.Errorf("host %d: no progress on stderr with --verbose:\n%s", i, r.errOut)
			}
			if docs[i], err = report.ParsePair(strings.NewReader(r.out)); err != nil {
				t.Fatalf("host %d: %v\n%s", i, err, r.out)
			}
		}
		a, b := docs[0], docs[1]
		if a.Direct || !a.Relay || a.A.NAT.Type != "port-restricted-cone" || a.B.NAT.Type != "symmetric" ||
			a.Prediction.Outcome != "relay-required" || a.Agree == nil || !*a.Agree {
			t.Errorf("A's report: direct=%v relay=%v A=%s B=%s prediction %s agree %v", a.Direct, a.Relay, a.A.NAT.Type, a.B.NAT.Type, a.Prediction.Outcome, a.Agree)
		}
		a.Time, b.Time = "", ""
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		if !bytes.Equal(ja, jb) {
			t.Errorf("the hosts printed different reports:\n%s\n%s", ja, jb)
		}
	})
}

// tokenTap passes a token printed on one host's stderr to act, once.
type tokenTap struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	done bool
	act  func(tok string)
}

func (t *tokenTap) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf.Write(p)
	if !t.done {
		for _, line := range strings.Split(t.buf.String(), "\n") {
			if strings.HasPrefix(line, "nc1.") {
				t.done = true
				go t.act(line)
				break
			}
		}
	}
	return len(p), nil
}

// TestPairCommandTokens runs `natcheck pair --offer` and `--answer` as two
// people would: the offer token goes into the answerer's command line, the
// answer token into the offerer's stdin.
func TestPairCommandTokens(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		o := testnet.PairWorldOptions{TURN: true, RTT: 20 * time.Millisecond,
			A: testnet.NATSpec{Kind: testnet.KindNAT, Mapping: natclass.MappingEndpointIndependent, Filtering: natclass.FilteringAddressAndPortDependent},
			B: testnet.NATSpec{Kind: testnet.KindNAT, Mapping: natclass.MappingEndpointIndependent, Filtering: natclass.FilteringAddressAndPortDependent}}
		w, err := testnet.NewPairWorld(o)
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()
		common := pairWorldArgs(w)
		stdinR, stdinW := io.Pipe()
		fa, outA, _ := testFactory(t)
		fa.Net, fa.IO.In = w.A, stdinR
		var answerer hostRun
		answered := make(chan struct{})
		fb, outB, errB := testFactory(t)
		fb.Net = w.B
		fa.IO.ErrOut = &tokenTap{act: func(offer string) { // the offer reaches B's command line
			defer close(answered)
			fb.IO.ErrOut = io.MultiWriter(errB, &tokenTap{act: func(answer string) { // the answer is pasted on A
				_, _ = io.WriteString(stdinW, answer+"\n")
			}})
			answerer.code = runWith(context.Background(), append([]string{"pair", "--answer", offer}, common...), fb)
			answerer.out, answerer.errOut = outB.String(), errB.String()
		}}
		code := runWith(context.Background(), append([]string{"pair", "--offer"}, common...), fa)
		<-answered
		_ = stdinW.Close()
		if code != ExitOK || answerer.code != ExitOK {
			t.Fatalf("offerer exit %d; answerer exit %d\n%s", code, answerer.code, answerer.errOut)
		}
		a, err := report.ParsePair(strings.NewReader(outA.String()))
		if err != nil {
			t.Fatal(err)
		}
		b, err := report.ParsePair(strings.NewReader(answerer.out))
		if err != nil {
			t.Fatal(err)
		}
		if !a.Direct || !a.Relay || a.Prediction.Outcome != "hole-punching" || b.Verdict != a.Verdict || len(b.Pairs) != len(a.Pairs) {
			t.Errorf("A: direct=%v relay=%v %s %q; B: %q", a.Direct, a.Relay, a.Prediction.Outcome, a.Verdict, b.Verdict)
		}
	})
}

func TestPairRedactsSecrets(t *testing.T) {
	var b bytes.Buffer
	o := &PairOptions{Token: "room-secret", TURN: []gather.TURNServer{{URL: "turn:x", User: "u", Password: "turn-pw"}}}
	w := o.redacted(&b)
	if _, err := io.WriteString(w, "ice INFO: user u password turn-pw, token room-secret\n"); err != nil {
		t.Fatal(err)
	}
	if got, want := b.String(), "ice INFO: user u password [redacted], token [redacted]\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
