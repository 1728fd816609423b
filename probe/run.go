package probe

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"sync"

	"github.com/natcheck/natcheck/natclass"
	"github.com/natcheck/natcheck/probe/stunattr"
	"github.com/pion/stun/v3"
	"github.com/pion/transport/v4"
)

// run is one family's check: the survey socket, a hairpin socket and one
// filtering socket per server, all working at once.
type run struct {
	net     transport.Net
	network string
	opts    Options
	pacer   *Pacer
	servers []target
	local   []netip.Addr

	mu      sync.Mutex
	sockets []*Transactor
}

func (r *run) progress(format string, args ...any) {
	if r.opts.Progress != nil {
		r.opts.Progress(r.network + ": " + fmt.Sprintf(format, args...))
	}
}

// open makes a fresh socket; port 0 picks any.
func (r *run) open(port uint16) (*Transactor, error) {
	host := "0.0.0.0"
	if r.network == "udp6" {
		host = "::"
	}
	if r.opts.BindAddress.IsValid() {
		host = r.opts.BindAddress.String()
	}
	c, err := r.net.ListenPacket(r.network, net.JoinHostPort(host, strconv.Itoa(int(port))))
	if err != nil {
		return nil, fmt.Errorf("open %s socket: %w", r.network, err)
	}
	t := NewTransactor(c)
	r.mu.Lock()
	r.sockets = append(r.sockets, t)
	r.mu.Unlock()
	return t, nil
}

// sockets are one run's fresh sockets, opened before the first send in a
// fixed order so that the port samples come in the order the NAT saw them.
type sockets struct {
	survey  *Transactor
	hairpin *Transactor   // nil if it could not be opened
	filter  []*Transactor // per server; nil where it could not be opened
}

func (r *run) openSockets() (sockets, error) {
	var s sockets
	var err error
	if s.survey, err = r.open(r.opts.BindPort); err != nil {
		return s, err
	}
	s.hairpin, _ = r.open(0)
	s.filter = make([]*Transactor, len(r.servers))
	for i := range r.servers {
		s.filter[i], _ = r.open(0)
	}
	return s, nil
}

// results collect what the concurrent tests found, one slot per test, so
// that no test waits on another to record its answer.
type results struct {
	servers   []natclass.ServerObs
	mapping   []*natclass.MappingObs
	filtering []natclass.FilteringObs
	hairpin   natclass.HairpinObs
	ports     []natclass.PortSample // survey, filtering sockets, hairpin
}

func (r *run) do(ctx context.Context, fr *FamilyResult) {
	n := len(r.servers)
	res := results{servers: make([]natclass.ServerObs, n), mapping: make([]*natclass.MappingObs, n),
		filtering: make([]natclass.FilteringObs, n), ports: make([]natclass.PortSample, n+2)}
	socks, err := r.openSockets()
	if err != nil {
		for i, s := range r.servers {
			res.servers[i] = natclass.ServerObs{Name: s.name, Address: s.addr, Error: err.Error()}
		}
	} else {
		r.launch(ctx, socks, &res)
	}
	fr.Observations = r.observations(socks, res)
	for _, t := range r.sockets {
		_ = t.Close()
		fr.Counters = fr.Counters.Add(t.Counters())
	}
	fr.RTTMin, fr.RTTMax = r.pacer.RTT()
	fr.Loss = r.pacer.MeasuredLoss()
}

// launch runs every test at once and waits for all of them.
func (r *run) launch(ctx context.Context, socks sockets, res *results) {
	var wg sync.WaitGroup
	for i, s := range r.servers {
		wg.Go(func() { res.servers[i], res.mapping[i] = r.surveyOne(ctx, socks.survey, s) })
		if socks.filter[i] != nil {
			wg.Go(func() { res.filtering[i], res.ports[1+i] = r.filtering(ctx, socks.filter[i], s) })
		}
	}
	if socks.hairpin != nil {
		wg.Go(func() { res.hairpin, res.ports[len(res.ports)-1] = r.hairpin(ctx, socks.hairpin) })
	}
	wg.Wait()
}

// observations turns the results into natclass's input.
func (r *run) observations(socks sockets, res results) natclass.Observations {
	obs := natclass.Observations{LocalAddrs: r.local, Servers: res.servers, Filtering: res.filtering, Hairpin: res.hairpin}
	if socks.survey == nil {
		return obs
	}
	obs.Survey = socks.survey.LocalAddr()
	for _, so := range res.servers {
		if so.Answered && so.Mapped.IsValid() {
			res.ports[0] = natclass.PortSample{Local: obs.Survey, Mapped: so.Mapped}
			break
		}
	}
	for _, p := range res.ports {
		if p.Mapped.IsValid() {
			obs.Ports = append(obs.Ports, p)
		}
	}
	for _, m := range res.mapping {
		if m != nil {
			obs.Mapping = append(obs.Mapping, *m)
		}
	}
	return obs
}

// surveyOne asks one server for our mapping on the survey socket and, when
// it is RFC 5780 capable, runs mapping tests II and III there (§4.3).
func (r *run) surveyOne(ctx context.Context, t *Transactor, s target) (natclass.ServerObs, *natclass.MappingObs) {
	so := natclass.ServerObs{Name: s.name, Address: s.addr}
	ex, err := t.exchange(ctx, r.pacer, request{dst: s.addr, mode: modeAnswer, accept: fromExactly(s.addr)})
	if err != nil {
		so.Error, so.Silent = describe(err), errors.Is(err, ErrNoReply)
		r.progress("%s: %s", s.name, so.Error)
		return so, nil
	}
	rep := ex.Reply
	so.Answered, so.RTT = true, ex.RTT
	so.Mapped, so.Other, so.Origin, so.Software = rep.MappedAddr(), rep.Other, rep.Origin, rep.Software
	if rep.Class == stun.ClassErrorResponse {
		so.Error = fmt.Sprintf("error response %d %s", rep.ErrorCode, rep.ErrReason)
	} else if !so.Mapped.IsValid() {
		so.Error = "response has no mapped address"
	}
	r.progress("%s answered in %v: mapped %s, other %s", s.name, ex.RTT, so.Mapped, so.Other)
	if !so.RFC5780() || !so.Mapped.IsValid() {
		return so, nil
	}
	mo := &natclass.MappingObs{Server: s.addr, Other: so.Other, Primary: so.Mapped}
	alt := netip.AddrPortFrom(so.Other.Addr(), s.addr.Port())
	var wg sync.WaitGroup
	var notes [2]string
	for i, dst := range []netip.AddrPort{alt, so.Other} {
		wg.Go(func() {
			ex, err := t.exchange(ctx, r.pacer, request{dst: dst, mode: modeAnswer, accept: fromExactly(dst)})
			if err != nil {
				notes[i] = fmt.Sprintf("%s: %s", dst, describe(err))
				return
			}
			if i == 0 {
				mo.AltIP = ex.Reply.MappedAddr()
			} else {
				mo.AltIPPort = ex.Reply.MappedAddr()
			}
		})
	}
	wg.Wait()
	mo.Note = joinNotes(notes[:])
	return so, mo
}

// filtering runs RFC 5780 §4.4 against one server on a fresh socket: test I
// and both CHANGE-REQUEST tests start together; silence is judged only once
// test I has answered with a usable OTHER-ADDRESS.
func (r *run) filtering(ctx context.Context, t *Transactor, s target) (natclass.FilteringObs, natclass.PortSample) {
	fo := natclass.FilteringObs{Server: s.addr}
	var sample natclass.PortSample
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ready := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		ex, err := t.exchange(cctx, r.pacer, request{dst: s.addr, mode: modeAnswer, accept: fromExactly(s.addr)})
		if err != nil || ex.Reply.Class != stun.ClassSuccessResponse {
			cancel() // silence proves nothing without a live server
			return
		}
		fo.Baseline, fo.Other = true, ex.Reply.Other
		sample = natclass.PortSample{Local: t.LocalAddr(), Mapped: ex.Reply.MappedAddr()}
		if !(natclass.ServerObs{Address: s.addr, Other: fo.Other}).RFC5780() {
			cancel() // not RFC 5780: CHANGE-REQUEST means nothing here
			return
		}
		close(ready)
	})
	change := func(cr stunattr.ChangeRequest) natclass.ChangeObs {
		ex, err := t.exchange(cctx, r.pacer, request{dst: s.addr, mode: modeMaybeSilent, accept: anyResponse,
			gate: ready, extra: []stun.Setter{cr}})
		return changeObs(ex, err)
	}
	wg.Go(func() { fo.ChangeIPPort = change(stunattr.ChangeRequest{ChangeIP: true, ChangePort: true}) })
	wg.Go(func() { fo.ChangePort = change(stunattr.ChangeRequest{ChangePort: true}) })
	wg.Wait()
	r.progress("%s filtering: change IP+port %s, change port %s", s.name, fo.ChangeIPPort.Outcome, fo.ChangePort.Outcome)
	return fo, sample
}

func changeObs(ex Exchange, err error) natclass.ChangeObs {
	c := natclass.ChangeObs{Attempts: ex.Attempts}
	switch {
	case err == nil && ex.Reply.Class == stun.ClassErrorResponse:
		c.Outcome, c.ErrorCode, c.From = natclass.ErrorReply, ex.Reply.ErrorCode, ex.Reply.From
	case err == nil:
		c.Outcome, c.From = natclass.Replied, ex.Reply.From
	case errors.Is(err, ErrNoReply):
		c.Outcome = natclass.NoReply
	default:
		c.Outcome = natclass.Inconclusive
	}
	return c
}

// hairpin runs RFC 5780 §4.5: learn socket t's mapping from the first
// server that answers, then send Binding requests to that mapping from a
// second fresh socket and see whether they arrive at t — as a second host
// behind the same NAT would reach this one through its public address.
func (r *run) hairpin(ctx context.Context, t *Transactor) (natclass.HairpinObs, natclass.PortSample) {
	var h natclass.HairpinObs
	ex, err := r.firstAnswer(ctx, t)
	if err != nil {
		if ctx.Err() != nil {
			h.Outcome = natclass.Inconclusive
		}
		return h, natclass.PortSample{}
	}
	h.Mapped = ex.Reply.MappedAddr()
	sample := natclass.PortSample{Local: t.LocalAddr(), Mapped: h.Mapped}
	if !h.Mapped.IsValid() {
		return h, sample
	}
	from, err := r.open(0)
	if err != nil {
		return h, sample
	}
	hx, err := from.exchange(ctx, r.pacer, request{dst: h.Mapped, mode: modeMaybeSilent, accept: ownRequest, local: true, also: t})
	h.Attempts = hx.Attempts
	switch {
	case err == nil:
		h.Outcome = natclass.Replied
	case errors.Is(err, ErrNoReply):
		h.Outcome = natclass.NoReply
	default:
		h.Outcome = natclass.Inconclusive
	}
	r.progress("hairpin to %s: %s", h.Mapped, h.Outcome)
	return h, sample
}

// firstAnswer asks every server at once and returns the first success.
func (r *run) firstAnswer(ctx context.Context, t *Transactor) (Exchange, error) {
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type res struct {
		ex  Exchange
		err error
	}
	ch := make(chan res, len(r.servers))
	for _, s := range r.servers {
		go func() {
			ex, err := t.exchange(cctx, r.pacer, request{dst: s.addr, mode: modeAnswer, accept: fromExactly(s.addr)})
			if err == nil && ex.Reply.Class != stun.ClassSuccessResponse {
				err = fmt.Errorf("error response %d", ex.Reply.ErrorCode)
			}
			ch <- res{ex, err}
		}()
	}
	var last error = ErrNoReply
	for range r.servers {
		got := <-ch
		if got.err == nil {
			cancel()
			return got.ex, nil
		}
		last = got.err
	}
	return Exchange{}, last
}

// describe turns an exchange error into report words.
func describe(err error) string {
	switch {
	case errors.Is(err, ErrNoReply):
		return "no reply"
	case errors.Is(err, context.DeadlineExceeded):
		return "no reply before the deadline"
	case errors.Is(err, context.Canceled):
		return "no reply before the check ended"
	}
	return err.Error()
}

func joinNotes(ns []string) string {
	out := ""
	for _, n := range ns {
		if n == "" {
			continue
		}
		if out != "" {
			out += "; "
		}
		out += n
	}
	return out
}
