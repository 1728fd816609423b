package probe

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/stun/v3"
)

// Errors of an exchange.
var (
	// ErrNoReply: enough attempts went unanswered, each long past the
	// measured RTT, that silence is the answer.
	ErrNoReply = errors.New("no reply")
	// ErrSocketClosed: the transactor was closed during the exchange.
	ErrSocketClosed = errors.New("socket closed")
)

const (
	maxAttempts = 64   // hard cap on the attempts of one exchange
	maxRetired  = 4096 // finished transaction IDs remembered per socket
	// maxReadErrors read errors in a row end a socket's read loop.
	maxReadErrors = 64
)

type txID = [stun.TransactionIDSize]byte

// Reply is one STUN message received for one of our transaction IDs.
type Reply struct {
	Response
	From netip.AddrPort // source address of the datagram, as our socket saw it
	At   time.Time
}

// Counters are a socket's tallies of what it sent and what it ignored.
type Counters struct {
	Sent        int64 `json:"sent"`
	Received    int64 `json:"received"`
	Malformed   int64 `json:"malformed"`   // not STUN, undecodable, bad FINGERPRINT
	Foreign     int64 `json:"foreign"`     // a transaction ID we never used
	WrongSource int64 `json:"wrongSource"` // our ID, but from an address the test rejects
	Late        int64 `json:"late"`        // our ID, after its exchange had its answer (a duplicate)
}

// Add returns the sum of two tallies.
func (c Counters) Add(o Counters) Counters {
	return Counters{c.Sent + o.Sent, c.Received + o.Received, c.Malformed + o.Malformed,
		c.Foreign + o.Foreign, c.WrongSource + o.WrongSource, c.Late + o.Late}
}

// Transactor runs STUN transactions on one unconnected socket it owns: one
// goroutine reads, and replies reach their exchange by transaction ID. Each
// attempt has its own transaction ID, so every answer says which send it
// answers and the RTT is exact (no Karn ambiguity).
type Transactor struct {
	conn  net.PacketConn
	local netip.AddrPort
	mu    sync.Mutex
	wait  map[txID]chan Reply
	// retired remembers the IDs of finished exchanges (bounded), so that a
	// late duplicate answer is told from a foreign one.
	retired map[txID]struct{}
	done    chan struct{}

	sent, received, malformed, foreign, wrongSource, late atomic.Int64
}

// NewTransactor takes ownership of conn and starts reading it.
func NewTransactor(conn net.PacketConn) *Transactor {
	t := &Transactor{conn: conn, local: udpAddrPort(conn.LocalAddr()),
		wait: map[txID]chan Reply{}, retired: map[txID]struct{}{}, done: make(chan struct{})}
	go t.readLoop()
	return t
}

// LocalAddr is the socket's local address.
func (t *Transactor) LocalAddr() netip.AddrPort { return t.local }

// Counters returns the socket's tallies so far.
func (t *Transactor) Counters() Counters {
	return Counters{t.sent.Load(), t.received.Load(), t.malformed.Load(), t.foreign.Load(), t.wrongSource.Load(), t.late.Load()}
}

// Close closes the socket and waits for the reader to stop.
func (t *Transactor) Close() error {
	err := t.conn.Close()
	<-t.done
	return err
}

func (t *Transactor) readLoop() {
	defer close(t.done)
	buf := make([]byte, 2048)
	errRun := 0
	for {
		n, from, err := t.conn.ReadFrom(buf)
		if errors.Is(err, io.ErrShortBuffer) {
			// An oversized datagram (vnet says so; a kernel socket
			// truncates it): junk like any other, not the socket's end.
			t.malformed.Add(1)
			continue
		}
		if err != nil {
			// Only a closed socket, or one that fails again and again,
			// ends the loop: a passing error (an ICMP port unreachable
			// that Windows reports on unconnected sockets) must not.
			if errRun++; errors.Is(err, net.ErrClosed) || errRun >= maxReadErrors {
				return
			}
			continue
		}
		errRun = 0
		at := time.Now()
		resp, err := ParseMessage(buf[:n])
		if err != nil {
			t.malformed.Add(1)
			continue
		}
		t.mu.Lock()
		ch := t.wait[resp.TxID]
		_, wasOurs := t.retired[resp.TxID]
		t.mu.Unlock()
		if ch == nil {
			if wasOurs {
				t.late.Add(1)
			} else {
				t.foreign.Add(1)
			}
			continue
		}
		t.received.Add(1)
		select {
		case ch <- Reply{Response: resp, From: udpAddrPort(from), At: at}:
		default: // the exchange has more than it can use
		}
	}
}

// attempt is one send of an exchange.
type attempt struct {
	id txID
	at time.Time
}

// Exchange is the result of one request, sent as often as needed.
type Exchange struct {
	Dst      netip.AddrPort
	Reply    Reply
	Attempts int           // sends made
	RTT      time.Duration // of the answered attempt: exact
	Elapsed  time.Duration // first send to answer
}

// request is what an exchange sends and what it will take as the answer.
type request struct {
	dst    netip.AddrPort
	mode   mode
	accept func(Reply) bool
	gate   <-chan struct{} // silence is judged only once gate is closed; nil: always
	extra  []stun.Setter
	// local: the answer does not cross the path to the servers (a hairpin
	// comes back from the NAT), so its RTT must not feed the Pacer.
	local bool
	// also: another socket whose arrivals count for this exchange too (the
	// hairpin test sends from one socket and listens on another).
	also *Transactor
}

// exchange sends a Binding request to q.dst, each attempt with a new
// transaction ID, until q.accept takes a reply, the Pacer judges the silence
// final (ErrNoReply), or ctx ends.
func (t *Transactor) exchange(ctx context.Context, p *Pacer, q request) (Exchange, error) {
	dst, m := q.dst, q.mode
	ch := make(chan Reply, 8)
	var sent []attempt
	defer func() {
		t.retire(sent)
		if q.also != nil {
			q.also.retire(sent)
		}
	}()
	ex := Exchange{Dst: dst}
	next := time.Now()
	for {
		now := time.Now()
		if !now.Before(next) && len(sent) < maxAttempts {
			a, err := t.send(dst, ch, q.extra, q.also)
			if err != nil {
				return ex, err
			}
			sent = append(sent, a)
			ex.Attempts = len(sent)
			next = now.Add(p.interval(m, len(sent)))
		}
		verdictAt, silent := silence(p, m, sent, now)
		if !gateOpen(q.gate) {
			verdictAt, silent = time.Time{}, false
		}
		if silent {
			return ex, ErrNoReply
		}
		wake := next
		if len(sent) >= maxAttempts || (!verdictAt.IsZero() && verdictAt.Before(wake)) {
			wake = verdictAt
		}
		if wake.IsZero() {
			wake = now.Add(p.opts.Initial)
		}
		timer := time.NewTimer(max(time.Until(wake), 0))
		select {
		case r := <-ch:
			timer.Stop()
			if !q.accept(r) {
				t.wrongSource.Add(1)
				continue
			}
			return t.answered(p, ex, sent, r, !q.local), nil
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
			return ex, ctx.Err()
		case <-t.done:
			timer.Stop()
			return ex, ErrSocketClosed
		case <-gateSignal(q.gate, verdictAt):
			timer.Stop()
		}
	}
}

// answered completes ex with reply r and feeds the Pacer.
func (t *Transactor) answered(p *Pacer, ex Exchange, sent []attempt, r Reply, feed bool) Exchange {
	for _, a := range sent {
		if a.id == r.TxID {
			ex.RTT = r.At.Sub(a.at)
			break
		}
	}
	// Every earlier attempt is unanswered, and was overtaken by a later one:
	// lost. Waiting until it is older than a window instead would leave out
	// exactly the attempts just before the answer, the ones most surely lost,
	// and halve the estimate. Were one merely slow, counting it is the safe
	// error: more attempts before silence becomes a verdict.
	lost := 0
	for _, a := range sent {
		if a.id == r.TxID {
			break
		}
		lost++
	}
	ex.Reply, ex.Elapsed = r, r.At.Sub(sent[0].at)
	if feed {
		p.observe(ex.RTT, lost)
	}
	return ex
}

// silence decides whether the attempts so far, unanswered, are a verdict; if
// not yet, verdictAt is the earliest time the next decision could change.
func silence(p *Pacer, m mode, sent []attempt, now time.Time) (verdictAt time.Time, silent bool) {
	if len(sent) == 0 {
		return time.Time{}, false
	}
	win, ok := p.window(m)
	if !ok && m == modeAnswer {
		// Nothing has answered at all yet, so there is no RTT to judge by:
		// after NoAnswerAfter, silence is the verdict (UDP blocked).
		at := sent[0].at.Add(p.opts.NoAnswerAfter)
		return at, !at.After(now) && len(sent) >= p.opts.MinAttempts
	}
	if !ok {
		return time.Time{}, false
	}
	need := p.attemptsNeeded()
	expired := 0
	for _, a := range sent {
		if !a.at.Add(win).After(now) {
			expired++
		}
	}
	oldEnough := m == modeMaybeSilent || !sent[0].at.Add(p.opts.DeadAfter).After(now)
	if expired >= need && oldEnough {
		return now, true
	}
	if expired < len(sent) {
		verdictAt = sent[expired].at.Add(win)
	}
	if m == modeAnswer && !oldEnough {
		if d := sent[0].at.Add(p.opts.DeadAfter); verdictAt.IsZero() || d.After(verdictAt) {
			verdictAt = d
		}
	}
	return verdictAt, false
}

// send writes one attempt with a fresh transaction ID, registered to ch on
// this socket and, when also is set, on that one too.
func (t *Transactor) send(dst netip.AddrPort, ch chan Reply, extra []stun.Setter, also *Transactor) (attempt, error) {
	setters := append([]stun.Setter{stun.TransactionID, stun.BindingRequest}, extra...)
	setters = append(setters, stun.Fingerprint)
	req, err := stun.Build(setters...)
	if err != nil {
		return attempt{}, fmt.Errorf("build request: %w", err)
	}
	a := attempt{id: req.TransactionID, at: time.Now()}
	t.register(a.id, ch)
	if also != nil {
		also.register(a.id, ch)
	}
	if _, err := t.conn.WriteTo(req.Raw, net.UDPAddrFromAddrPort(dst)); err != nil {
		t.retire([]attempt{a})
		if also != nil {
			also.retire([]attempt{a})
		}
		return a, fmt.Errorf("send to %s: %w", dst, err)
	}
	t.sent.Add(1)
	return a, nil
}

func (t *Transactor) register(id txID, ch chan Reply) {
	t.mu.Lock()
	t.wait[id] = ch
	t.mu.Unlock()
}

// retire forgets the attempts' IDs, remembering them (bounded) so that a
// late answer is told from a foreign one.
func (t *Transactor) retire(sent []attempt) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, a := range sent {
		delete(t.wait, a.id)
		if len(t.retired) < maxRetired {
			t.retired[a.id] = struct{}{}
		}
	}
}

func gateOpen(g <-chan struct{}) bool {
	if g == nil {
		return true
	}
	select {
	case <-g:
		return true
	default:
		return false
	}
}

// gateSignal wakes the exchange when its gate opens, if it is still closed.
func gateSignal(g <-chan struct{}, _ time.Time) <-chan struct{} {
	if g == nil || gateOpen(g) {
		return nil
	}
	return g
}

// fromExactly accepts responses that come from dst itself.
func fromExactly(dst netip.AddrPort) func(Reply) bool {
	return func(r Reply) bool {
		return isResponse(r) && r.From.Addr().Unmap() == dst.Addr().Unmap() && r.From.Port() == dst.Port()
	}
}

// anyResponse accepts responses from any source: the test judges the source.
func anyResponse(r Reply) bool { return isResponse(r) }

// ownRequest accepts our own Binding request coming back (hairpinning).
func ownRequest(r Reply) bool { return r.Class == stun.ClassRequest && r.Method == stun.MethodBinding }

func isResponse(r Reply) bool {
	return r.Method == stun.MethodBinding && (r.Class == stun.ClassSuccessResponse || r.Class == stun.ClassErrorResponse)
}
