package pair

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/pion/ice/v4"
)

// Errors a session can end with.
var (
	ErrRoleConflict = errors.New("both sides claim the same ICE role")
	ErrGather       = errors.New("candidate gathering did not finish")
)

// minPairCap is the fewest pairs that count as a peer-reflexive storm.
const minPairCap = 256

// Session is one side of a pair test: NewSession, Gather, Connect, Close.
type Session struct {
	o      Options
	agent  *ice.Agent
	window time.Duration

	gatherOnce sync.Once
	gathered   chan struct{}
	mu         sync.Mutex
	locals     []ice.Candidate

	conn    *ice.Conn
	wire    *wire
	start   time.Time
	pairCap int // more pairs than this is a peer-reflexive storm
}

// NewSession builds this side's agent; Close releases it.
func NewSession(o Options) (*Session, error) {
	if o.Net == nil {
		return nil, errors.New("pair: Options.Net is nil")
	}
	o = o.withDefaults()
	s := &Session{o: o, gathered: make(chan struct{})}
	s.window = o.Window
	if s.window <= 0 {
		s.window = CheckWindow(o.CheckInterval, o.checkRounds(), o.RTTAllowance, expectedPairs(o.URLs))
	}
	s.window = min(s.window, maxWindow)
	var err error
	if s.agent, err = newAgent(o, s.window); err != nil {
		return nil, err
	}
	if err = s.agent.OnCandidate(s.onCandidate); err != nil {
		_ = s.agent.Close()
		return nil, fmt.Errorf("ice agent: %w", err)
	}
	return s, nil
}

func (s *Session) onCandidate(c ice.Candidate) {
	if c == nil {
		s.gatherOnce.Do(func() { close(s.gathered) })
		return
	}
	s.mu.Lock()
	s.locals = append(s.locals, c)
	s.mu.Unlock()
}

// Gather collects this side's candidates and returns the description to
// send to the peer.
func (s *Session) Gather(ctx context.Context) (Description, error) {
	s.o.progress("gathering candidates")
	if err := s.agent.GatherCandidates(); err != nil {
		return Description{}, fmt.Errorf("%w: %w", ErrGather, err)
	}
	select {
	case <-s.gathered:
	case <-ctx.Done():
		return Description{}, fmt.Errorf("%w: %w", ErrGather, ctx.Err())
	}
	ufrag, pwd, err := s.agent.GetLocalUserCredentials()
	if err != nil {
		return Description{}, fmt.Errorf("ice credentials: %w", err)
	}
	d := Description{Version: descriptionVersion, Controlling: s.o.Controlling, Ufrag: ufrag, Pwd: pwd, NAT: VerdictOf(s.o.NAT)}
	if s.o.Controlling {
		d.WindowMs = s.window.Milliseconds()
	}
	s.mu.Lock()
	for _, c := range s.locals {
		d.Candidates = append(d.Candidates, c.Marshal())
	}
	s.mu.Unlock()
	s.o.progress("gathered %d candidates", len(d.Candidates))
	return d, nil
}

// Connect runs the checks against the peer's description and, on the
// controlling side, measures the working paths and hands the result to the
// peer. The controlled side returns the controlling side's result when it
// arrives, or its own view when it does not.
func (s *Session) Connect(ctx context.Context, peer Description) (Result, error) {
	if err := peer.Validate(); err != nil {
		return Result{}, err
	}
	if peer.Controlling == s.o.Controlling {
		return Result{}, fmt.Errorf("%w: both are controlling=%v", ErrRoleConflict, peer.Controlling)
	}
	for _, line := range peer.Candidates {
		c, err := ice.UnmarshalCandidate(line)
		if err != nil {
			return Result{}, fmt.Errorf("%w: %w", ErrBadDescription, err)
		}
		if err = s.agent.AddRemoteCandidate(c); err != nil {
			return Result{}, fmt.Errorf("add remote candidate: %w", err)
		}
	}
	s.mu.Lock()
	s.pairCap = max(minPairCap, 4*len(s.locals)*len(peer.Candidates))
	s.mu.Unlock()
	s.start = time.Now()
	var err error
	if s.o.Controlling {
		s.conn, err = s.agent.StartDial(peer.Ufrag, peer.Pwd)
	} else {
		s.conn, err = s.agent.StartAccept(peer.Ufrag, peer.Pwd)
	}
	if err != nil {
		return Result{}, fmt.Errorf("start checks: %w", err)
	}
	s.wire = startWire(s.conn)
	s.o.progress("checking %d remote candidates", len(peer.Candidates))
	if s.o.Controlling {
		return s.lead(ctx, peer)
	}
	return s.follow(ctx, peer)
}

// Close stops the agent and waits for its goroutines.
func (s *Session) Close() error {
	err := s.agent.GracefulClose()
	if s.wire != nil {
		s.wire.wait()
	}
	return err
}

// Run is a whole pair test over sig: gather, exchange descriptions (the
// controlling side sends first), connect.
func Run(ctx context.Context, o Options, sig Signaler) (Result, error) {
	s, err := NewSession(o)
	if err != nil {
		return Result{}, err
	}
	defer s.Close()
	local, err := s.Gather(ctx)
	if err != nil {
		return Result{}, err
	}
	peer, err := Exchange(ctx, sig, local)
	if err != nil {
		return Result{}, err
	}
	return s.Connect(ctx, peer)
}

// Exchange sends local and receives the peer's description over sig; the
// controlling side (the offerer) sends first.
func Exchange(ctx context.Context, sig Signaler, local Description) (Description, error) {
	if local.Controlling {
		if err := sig.Send(ctx, local); err != nil {
			return Description{}, fmt.Errorf("signaling: send: %w", err)
		}
	}
	peer, err := sig.Receive(ctx)
	if err != nil {
		return Description{}, fmt.Errorf("signaling: receive: %w", err)
	}
	if !local.Controlling {
		if err := sig.Send(ctx, local); err != nil {
			return Description{}, fmt.Errorf("signaling: send: %w", err)
		}
	}
	return peer, nil
}
