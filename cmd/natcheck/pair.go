package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/natcheck/natcheck/probe/gather"
	"github.com/natcheck/natcheck/probe/pair"
	"github.com/natcheck/natcheck/report"
	"github.com/pion/transport/v4"
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
