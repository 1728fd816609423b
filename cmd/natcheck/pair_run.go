package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/natcheck/natcheck/natclass"
	"github.com/natcheck/natcheck/probe"
	"github.com/natcheck/natcheck/probe/pair"
	"github.com/natcheck/natcheck/probe/rendezvous"
	"github.com/natcheck/natcheck/report"
	"github.com/pion/transport/v4"
	"github.com/pion/transport/v4/stdnet"
)

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
