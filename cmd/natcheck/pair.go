package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/natcheck/natcheck/natclass"
	"github.com/natcheck/natcheck/probe"
	"github.com/natcheck/natcheck/probe/gather"
	"github.com/natcheck/natcheck/probe/pair"
	"github.com/natcheck/natcheck/probe/rendezvous"
	"github.com/natcheck/natcheck/report"
	"github.com/pion/transport/v4"
	"github.com/pion/transport/v4/stdnet"
	"github.com/spf13/cobra"
)

// pairTokenEnv holds the rendezvous token when --token is not given.
const pairTokenEnv = "NATCHECK_TOKEN"

// pairTimeout caps a pair test; pasting tokens by hand takes a while.
const pairTimeout = 3 * time.Minute

// pairExitHelp is pair's exit-code section.
var pairExitHelp = fmt.Sprintf(`Exit codes:
  %d  a path works (direct or relayed)
  %d  usage error: bad flags, arguments or pasted token
  %d  no path at all: neither a direct nor a relayed pair worked
  %d  natcheck failed: signaling (wrong token, full room, the peer never came), sockets
`, ExitOK, ExitUsage, ExitNoSTUN, ExitFailure)

// PairMode is how the two hosts signal.
type PairMode int

// Pair modes.
const (
	PairOffer      PairMode = iota + 1 // print a token, read the answer
	PairAnswer                         // read the offer from the command line, print the answer
	PairRendezvous                     // meet in a room of a natcheck server
)

// PairOptions are `natcheck pair`'s inputs once flags are parsed. Token
// and the TURN servers carry secrets; nothing here prints them.
type PairOptions struct {
	IO      *IOStreams
	Net     transport.Net // nil: the host's network
	HTTP    *http.Client  // for the rendezvous; nil: the default client
	Version string

	Mode         PairMode
	Offer        pair.Description // PairAnswer: the decoded --answer token
	Rendezvous   string
	Room         string
	Token        string
	Servers      []string
	TURN         []gather.TURNServer
	NoCheck      bool
	CheckTimeout time.Duration
	Format       report.Format
	Timeout      time.Duration
	Verbose      bool
}

// pairFlags are the raw flags before validation.
type pairFlags struct {
	out    outputFlags
	turn   turnFlags
	offer  bool
	answer string
}

// newPairCmd is `natcheck pair`. runF replaces the run in tests.
func newPairCmd(f *Factory, runF func(context.Context, *PairOptions) error) *cobra.Command {
	opts := &PairOptions{IO: f.IO, Net: f.Net, Version: f.Version}
	var fl pairFlags
	cmd := &cobra.Command{
		Use:   "pair (--offer | --answer TOKEN | --rendezvous URL --room NAME)",
		Short: "Test real connectivity with another host: ICE checks on every candidate pair",
		Long: `pair runs on two hosts at once. Each classifies its own NAT, gathers host,
server-reflexive and relayed candidates, and both run ICE connectivity checks (RFC 8445)
over every local×remote pair, holding the nomination back until each pair has a verdict.
Then each working path (direct, relay) gets a burst of 20 echo packets. Both hosts print
the same report: every pair's state and check RTT, the selected pair, "direct" and
"relay" yes/no, the quality of each working path, and what the two NAT classes
predicted, flagged when it disagrees.

Signaling, one of:
  --offer               prints a token; send it to the other host, which runs
                        natcheck pair --answer TOKEN and prints its own token to paste back
  --rendezvous URL --room NAME
                        both hosts meet in a room of a natcheck server
                        (natcheck server --rendezvous-listen); the first in offers.
                        The room's token comes from --token or ` + pairTokenEnv + `.

` + pairExitHelp,
		Example: `  natcheck pair --offer --turn turn:turn.example.org --turn-user alice
  natcheck pair --answer nc1.rVJNb9swDP0rgs5...
  NATCHECK_TOKEN=… natcheck pair --rendezvous http://rv.example.org:8080 --room lab --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := opts.set(&fl, f.DefaultServers); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return runPair(cmd.Context(), opts)
		},
	}
	fs := cmd.Flags()
	fs.BoolVar(&fl.offer, "offer", false, "start a pair test by copy and paste: print a token for the other host")
	fs.StringVar(&fl.answer, "answer", "", "answer the other host's offer TOKEN; prints the token to paste back")
	fs.StringVar(&opts.Rendezvous, "rendezvous", "", "URL of a natcheck server's rendezvous, e.g. http://host:8080")
	fs.StringVar(&opts.Room, "room", "", "room name shared by both hosts (with --rendezvous)")
	fs.StringVar(&opts.Token, "token", "", "the rendezvous token (prefer the "+pairTokenEnv+" environment variable)")
	fs.StringArrayVarP(&opts.Servers, "server", "s", nil, "STUN server, host[:port] or stun:host[:port]; repeatable (default: built-in public servers)")
	fl.turn.register(fs)
	fs.BoolVar(&opts.NoCheck, "no-check", false, "skip classifying this host's NAT (no prediction then)")
	fs.DurationVar(&opts.CheckTimeout, "check-timeout", defaultTimeout, "cap on classifying this host's NAT")
	fl.out.register(fs)
	fl.out.timeout = pairTimeout
	fs.Lookup("timeout").DefValue = pairTimeout.String()
	return cmd
}

// set validates the flags into o.
func (o *PairOptions) set(fl *pairFlags, defaults []string) error {
	var err error
	if o.Format, err = fl.out.resolve(o.IO); err != nil {
		return err
	}
	o.Timeout, o.Verbose = fl.out.timeout, fl.out.verbose
	if o.Mode, err = pairMode(fl.offer, fl.answer != "", o.Rendezvous != "", o.Room != ""); err != nil {
		return err
	}
	if o.Mode == PairAnswer {
		if o.Offer, err = pair.DecodeToken(fl.answer); err != nil {
			return &usageError{err: fmt.Errorf("--answer: %w", err)}
		}
		if !o.Offer.Controlling {
			return usageErrorf("--answer: that token is an answer, not an offer: paste it on the offering host")
		}
	}
	if o.Token == "" {
		o.Token = os.Getenv(pairTokenEnv)
	}
	if len(o.Servers) == 0 {
		o.Servers = defaults
	}
	if fl.turn.ca != "" {
		return usageErrorf("--turn-ca: pair cannot pin TURN certificates yet; use turn: over UDP or TCP")
	}
	if o.TURN, _, err = fl.turn.servers(); err != nil {
		return err
	}
	if _, err := pair.ICEServers(o.Servers, o.TURN); err != nil {
		return &usageError{err: err}
	}
	return nil
}

// pairMode picks the one signaling mode the flags ask for.
func pairMode(offer, answer, rv, room bool) (PairMode, error) {
	n := 0
	for _, b := range []bool{offer, answer, rv} {
		if b {
			n++
		}
	}
	switch {
	case n != 1:
		return 0, usageErrorf("give exactly one of --offer, --answer TOKEN and --rendezvous URL")
	case rv != room:
		return 0, usageErrorf("--rendezvous and --room go together")
	case offer:
		return PairOffer, nil
	case answer:
		return PairAnswer, nil
	}
	return PairRendezvous, nil
}

// runPair classifies this host's NAT, signals, runs the pair test and
// writes the report.
func runPair(ctx context.Context, o *PairOptions) error {
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	started := time.Now()
	n := o.Net
	if n == nil {
		sn, err := stdnet.NewNet()
		if err != nil {
			return withCode(ExitFailure, fmt.Errorf("network: %w", err))
		}
		n = sn
	}
	urls, err := pair.ICEServers(o.Servers, o.TURN)
	if err != nil {
		return &usageError{err: err}
	}
	popts := pair.Options{Net: n, URLs: urls, NAT: o.classify(ctx, n)}
	if o.Verbose {
		popts.Progress, popts.Logger = progressTo(o.IO.ErrOut), pionLogTo(o.redacted(o.IO.ErrOut))
	}
	sig, done, err := o.signaler(ctx, &popts)
	if err != nil {
		return withCode(ExitFailure, err)
	}
	defer done()
	res, err := pair.Run(ctx, popts, sig)
	if err != nil && !errors.Is(err, pair.ErrNoReport) {
		return withCode(ExitFailure, fmt.Errorf("pair: %w", err))
	}
	if err != nil {
		fmt.Fprintf(o.IO.ErrOut, "warning: %v: printing this host's own view\n", err)
	}
	p := report.FromPair(res, report.Meta{Version: o.Version, Time: started})
	if err := report.WritePair(o.IO.Out, p, o.Format); err != nil {
		return withCode(ExitFailure, fmt.Errorf("write report: %w", err))
	}
	if !p.Direct && !p.Relay {
		return withCode(ExitNoSTUN, nil)
	}
	return nil
}

// classify runs the main check for this host's NAT verdict; a failure
// leaves it unknown, which only costs the prediction.
func (o *PairOptions) classify(ctx context.Context, n transport.Net) natclass.Result {
	unknown := natclass.Result{Type: natclass.LabelUnknown}
	if o.NoCheck {
		unknown.TypeWhy.Reason = "the NAT check was skipped (--no-check)"
		return unknown
	}
	ctx, cancel := context.WithTimeout(ctx, o.CheckTimeout)
	defer cancel()
	po := probe.Options{Servers: o.Servers, Net: n, Family: probe.FamilyIPv4}
	if o.Verbose {
		po.Progress = progressTo(o.IO.ErrOut)
	}
	out, err := probe.Check(ctx, po)
	if err != nil || len(out.Families) == 0 {
		unknown.TypeWhy.Reason = "the NAT check found no usable STUN server"
		return unknown
	}
	return natclass.Classify(out.Families[0].Observations)
}

// signaler builds the mode's signaling and sets the role; done releases it.
func (o *PairOptions) signaler(ctx context.Context, po *pair.Options) (pair.Signaler, func(), error) {
	noop := func() {}
	switch o.Mode {
	case PairOffer:
		po.Controlling = true
		return pair.TokenSignaler{Show: o.show("Send this token to the other host, which runs: natcheck pair --answer TOKEN"),
			Read: o.readToken}, noop, nil
	case PairAnswer:
		po.PeerDelay = max(time.Until(deadlineOf(ctx))-10*time.Second, 0)
		return answerSignaler{offer: o.Offer, show: o.show("Paste this answer on the offering host:")}, noop, nil
	}
	c := &rendezvous.Client{BaseURL: o.Rendezvous, Room: o.Room, Token: o.Token, HTTP: o.HTTP}
	ctl, err := c.Join(ctx)
	if err != nil {
		return nil, nil, err
	}
	po.Controlling = ctl
	return c, func() { _ = c.Leave(context.WithoutCancel(ctx)) }, nil
}

// show prints a token for a person to copy: to stderr, since stdout
// carries the report only.
func (o *PairOptions) show(intro string) func(context.Context, string) error {
	return func(_ context.Context, tok string) error {
		_, err := fmt.Fprintf(o.IO.ErrOut, "%s\n\n%s\n\n", intro, tok)
		return err
	}
}

// readToken reads the pasted answer from stdin until ctx ends.
func (o *PairOptions) readToken(ctx context.Context) (string, error) {
	fmt.Fprintf(o.IO.ErrOut, "Paste the other host's answer, then press Enter:\n")
	line := make(chan string, 1)
	fail := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(o.IO.In)
		sc.Buffer(make([]byte, 0, 4096), pair.MaxTokenLen+2)
		for sc.Scan() {
			if s := sc.Text(); s != "" {
				line <- s
				return
			}
		}
		fail <- fmt.Errorf("no answer on stdin: %w", errors.Join(sc.Err(), errors.New("end of input")))
	}()
	select {
	case s := <-line:
		return s, nil
	case err := <-fail:
		return "", err
	case <-ctx.Done():
		return "", fmt.Errorf("waiting for the answer: %w", ctx.Err())
	}
}

// answerSignaler already holds the offer from the command line and shows
// this side's answer as a token.
type answerSignaler struct {
	offer pair.Description
	show  func(context.Context, string) error
}

func (a answerSignaler) Receive(context.Context) (pair.Description, error) { return a.offer, nil }

func (a answerSignaler) Send(ctx context.Context, d pair.Description) error {
	return pair.TokenSignaler{Show: a.show}.Send(ctx, d)
}

// redacted wraps w so that neither the TURN passwords nor the rendezvous
// token can reach it through pion's log lines.
func (o *PairOptions) redacted(w io.Writer) io.Writer {
	var secrets []string
	for _, t := range o.TURN {
		secrets = append(secrets, t.Password)
	}
	if o.Token != "" {
		secrets = append(secrets, o.Token)
	}
	return &redactWriter{w: w, secrets: secrets}
}

type redactWriter struct {
	mu      sync.Mutex
	w       io.Writer
	secrets []string
}

func (r *redactWriter) Write(p []byte) (int, error) {
	s := string(p)
	for _, secret := range r.secrets {
		s = strings.ReplaceAll(s, secret, "[redacted]")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, err := io.WriteString(r.w, s); err != nil {
		return 0, err
	}
	return len(p), nil
}

func deadlineOf(ctx context.Context) time.Time {
	d, ok := ctx.Deadline()
	if !ok {
		return time.Now().Add(pairTimeout)
	}
	return d
}
