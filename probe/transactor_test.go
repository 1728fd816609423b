package probe

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/pion/stun/v3"
)

const rtt = 2 * linkDelay

func plain(dst netip.AddrPort) request {
	return request{dst: dst, mode: modeAnswer, accept: fromExactly(dst)}
}

// settle lets packets still in flight arrive and be counted.
func settle() {
	time.Sleep(5 * linkDelay)
	synctest.Wait()
}

// TestExchangeIgnoresJunk: whatever arrives before the real answer is
// counted by kind and ignored; the answer is still taken, its RTT exact.
func TestExchangeIgnoresJunk(t *testing.T) {
	oversized := make([]byte, 3000)
	copy(oversized, header(uint16(len(oversized)-20)))
	tests := []struct {
		name   string
		before func(s *scriptServer, req Response, to net.Addr) // sent ahead of the answer
		want   Counters
	}{
		{"foreign transaction ID", func(s *scriptServer, req Response, to net.Addr) {
			s.send(success(s.t, [12]byte{0xf0, 0xe1}, to), to, false)
		}, Counters{Sent: 1, Received: 1, Foreign: 1}},
		{"garbage and truncated datagrams", func(s *scriptServer, req Response, to net.Addr) {
			good := success(s.t, req.TxID, to)
			badFP := append([]byte(nil), good...)
			badFP[len(badFP)-1] ^= 1
			for _, b := range [][]byte{[]byte("garbage"), good[:19], good[:len(good)-4], badFP, append(good, 0, 0, 0, 0)} {
				s.send(b, to, false)
			}
		}, Counters{Sent: 1, Received: 1, Malformed: 5}},
		{"oversized datagram", func(s *scriptServer, req Response, to net.Addr) {
			s.send(oversized, to, false)
		}, Counters{Sent: 1, Received: 1, Malformed: 1}},
		{"our transaction ID from another address (spoofed)", func(s *scriptServer, req Response, to net.Addr) {
			s.send(success(s.t, req.TxID, to), to, true)
		}, Counters{Sent: 1, Received: 2, WrongSource: 1}},
		{"our own request reflected", func(s *scriptServer, req Response, to net.Addr) {
			m, _ := stun.Build(stun.NewTransactionIDSetter(req.TxID), stun.BindingRequest, stun.Fingerprint)
			s.send(m.Raw, to, false)
		}, Counters{Sent: 1, Received: 2, WrongSource: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				l := newLink(t, 0, 0)
				l.scriptServer(t, func(s *scriptServer, req Response, from net.Addr) {
					tt.before(s, req, from)
					answer(s, req, from)
				})
				tr, p := l.transactor(t), NewPacer(PacerOptions{})
				ex, err := tr.exchange(context.Background(), p, plain(serverAddr))
				if err != nil {
					t.Fatal(err)
				}
				if ex.Attempts != 1 || ex.RTT != rtt || ex.Reply.From != serverAddr || ex.Reply.Class != stun.ClassSuccessResponse {
					t.Errorf("attempts %d rtt %v from %s class %v; want 1, %v, %s, success",
						ex.Attempts, ex.RTT, ex.Reply.From, ex.Reply.Class, rtt, serverAddr)
				}
				settle()
				if got := tr.Counters(); got != tt.want {
					t.Errorf("counters %+v, want %+v", got, tt.want)
				}
				if ex2, err := tr.exchange(context.Background(), p, plain(serverAddr)); err != nil || ex2.RTT != rtt {
					t.Errorf("the socket is not usable afterwards: %v (rtt %v)", err, ex2.RTT)
				}
			})
		})
	}
}

// A reply from another address to a plain Binding is never taken: the
// exchange keeps retransmitting and in the end hears nothing.
func TestExchangeRejectsSpoofedSource(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := newLink(t, 0, 0)
		l.scriptServer(t, func(s *scriptServer, req Response, from net.Addr) {
			s.send(success(s.t, req.TxID, from), from, true)
		})
		tr, p := l.transactor(t), NewPacer(PacerOptions{})
		ex, err := tr.exchange(context.Background(), p, plain(serverAddr))
		if !errors.Is(err, ErrNoReply) {
			t.Fatalf("got %v (reply from %s), want ErrNoReply", err, ex.Reply.From)
		}
		// An answer to an attempt sent just before the verdict may come
		// after the exchange: late, not its business.
		settle()
		c := tr.Counters()
		if c.WrongSource+c.Late != int64(ex.Attempts) || c.WrongSource < int64(ex.Attempts-1) || c.Sent != int64(ex.Attempts) {
			t.Errorf("counters %+v after %d attempts: every spoofed answer in time must count as wrong source", c, ex.Attempts)
		}
	})
}

// Every answer arrives three times: each exchange takes one, the copies
// are counted and do no harm to later exchanges or to the loss estimate.
func TestExchangeDuplicatesHarmless(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := newLink(t, 0, 0)
		l.scriptServer(t, func(s *scriptServer, req Response, from net.Addr) {
			for range 3 {
				answer(s, req, from)
			}
		})
		tr, p := l.transactor(t), NewPacer(PacerOptions{})
		const n = 5
		for i := range n {
			ex, err := tr.exchange(context.Background(), p, plain(serverAddr))
			if err != nil || ex.Attempts != 1 || ex.RTT != rtt {
				t.Fatalf("exchange %d: %v, %d attempts, rtt %v", i, err, ex.Attempts, ex.RTT)
			}
		}
		settle()
		c := tr.Counters()
		if c.Sent != n || c.Received < n || c.Received+c.Late != 3*n || c.Foreign != 0 || c.Malformed != 0 || c.WrongSource != 0 {
			t.Errorf("counters %+v, want %d sent and %d copies received or late", c, n, 3*n)
		}
		if p.fails != 0 || p.trials != n {
			t.Errorf("pacer saw %d of %d attempts lost, want 0 of %d", p.fails, p.trials, n)
		}
	})
}

// Concurrent exchanges on one socket each get their own answer, even when
// the server answers them in reverse order.
func TestExchangeConcurrentRouting(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := newLink(t, 0, 0)
		const n = 8
		var mu sync.Mutex
		var held []Response
		l.scriptServer(t, func(s *scriptServer, req Response, from net.Addr) {
			mu.Lock()
			defer mu.Unlock()
			held = append(held, req)
			if len(held) < n {
				return
			}
			for i := len(held) - 1; i >= 0; i-- {
				m, _ := stun.Build(stun.NewTransactionIDSetter(held[i].TxID), stun.BindingSuccess,
					stun.NewSoftware(held[i].Software), stun.Fingerprint)
				s.send(m.Raw, from, false)
			}
		})
		tr, p := l.transactor(t), NewPacer(PacerOptions{})
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				q := plain(serverAddr)
				q.extra = []stun.Setter{stun.NewSoftware(fmt.Sprint(i))}
				ex, err := tr.exchange(context.Background(), p, q)
				if err != nil || ex.Reply.Software != fmt.Sprint(i) {
					t.Errorf("exchange %d: %v, got the answer for %q", i, err, ex.Reply.Software)
				}
			})
		}
		wg.Wait()
	})
}

// Lost attempts are retransmitted with new transaction IDs: the RTT is the
// answered attempt's, exactly, and the losses reach the Pacer.
func TestExchangeRetransmitExactRTT(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := newLink(t, 0, 0)
		seen := 0
		l.scriptServer(t, func(s *scriptServer, req Response, from net.Addr) {
			if seen++; seen > 2 {
				answer(s, req, from)
			}
		})
		tr, p := l.transactor(t), NewPacer(PacerOptions{})
		third := p.interval(modeAnswer, 1) + p.interval(modeAnswer, 2) // cold: backing off
		ex, err := tr.exchange(context.Background(), p, plain(serverAddr))
		if err != nil {
			t.Fatal(err)
		}
		if ex.Attempts != 3 || ex.RTT != rtt || ex.Elapsed != third+rtt {
			t.Errorf("attempts %d rtt %v elapsed %v; want 3, %v, %v", ex.Attempts, ex.RTT, ex.Elapsed, rtt, third+rtt)
		}
		if p.trials != 3 || p.fails != 2 {
			t.Errorf("pacer: %d of %d lost, want 2 of 3", p.fails, p.trials)
		}
	})
}

// warm returns a Pacer that has measured the link's RTT once.
func warm(t *testing.T, l *link, tr *Transactor) *Pacer {
	t.Helper()
	p := NewPacer(PacerOptions{})
	if _, err := tr.exchange(context.Background(), p, plain(serverAddr)); err != nil {
		t.Fatal(err)
	}
	return p
}

// Silence becomes ErrNoReply on the Pacer's schedule, in fake time, well
// before the caller's deadline.
func TestExchangeNoReply(t *testing.T) {
	tests := []struct {
		name string
		warm bool
		mode mode
		max  time.Duration // the verdict must come by then
	}{
		{"cold: UDP blocked", false, modeAnswer, 3 * time.Second},
		{"warm: a dead server", true, modeAnswer, DefaultDeadAfter + 2*maxPositiveInterval},
		{"warm: a filtered CHANGE-REQUEST", true, modeMaybeSilent, DefaultDeadAfter / 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				l := newLink(t, 0, 0)
				l.scriptServer(t, answer)
				tr := l.transactor(t)
				p := NewPacer(PacerOptions{})
				if tt.warm {
					p = warm(t, l, tr)
				}
				need := p.attemptsNeeded()
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				start := time.Now()
				ex, err := tr.exchange(ctx, p, request{dst: silentAddr, mode: tt.mode, accept: anyResponse})
				elapsed := time.Since(start)
				if !errors.Is(err, ErrNoReply) {
					t.Fatalf("got %v after %v, want ErrNoReply", err, elapsed)
				}
				if tt.warm && ex.Attempts < need || ex.Attempts < DefaultMinAttempts || elapsed > tt.max {
					t.Errorf("no reply after %d attempts in %v; want ≥ %d attempts within %v", ex.Attempts, elapsed, need, tt.max)
				}
				if !tt.warm && elapsed != DefaultNoAnswerAfter {
					t.Errorf("cold verdict after %v, want NoAnswerAfter (%v) of total silence", elapsed, DefaultNoAnswerAfter)
				}
				t.Logf("%d attempts, %v (fake time)", ex.Attempts, elapsed)
			})
		})
	}
}

// A maybe-silent exchange whose gate is closed never judges silence; it
// does when the gate opens, at once, and its attempts stay capped.
func TestExchangeGate(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := newLink(t, 0, 0)
		l.scriptServer(t, answer)
		tr := l.transactor(t)
		p := warm(t, l, tr)
		gate := make(chan struct{})
		const opens = 3 * time.Second
		time.AfterFunc(opens, func() { close(gate) })
		start := time.Now()
		ex, err := tr.exchange(context.Background(), p, request{dst: silentAddr, mode: modeMaybeSilent, accept: anyResponse, gate: gate})
		if elapsed := time.Since(start); !errors.Is(err, ErrNoReply) || elapsed != opens {
			t.Fatalf("got %v after %v, want ErrNoReply when the gate opens at %v", err, elapsed, opens)
		}
		if ex.Attempts > maxAttempts {
			t.Errorf("%d attempts, more than the cap %d", ex.Attempts, maxAttempts)
		}
	})
}

func TestExchangeContextEnds(t *testing.T) {
	tests := []struct {
		name string
		ctx  func() (context.Context, context.CancelFunc)
		want error
	}{
		{"cancelled", func() (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(250*time.Millisecond, cancel)
			return ctx, cancel
		}, context.Canceled},
		{"deadline", func() (context.Context, context.CancelFunc) {
			return context.WithTimeout(context.Background(), 250*time.Millisecond)
		}, context.DeadlineExceeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				l := newLink(t, 0, 0)
				tr, p := l.transactor(t), NewPacer(PacerOptions{})
				ctx, cancel := tt.ctx()
				defer cancel()
				start := time.Now()
				_, err := tr.exchange(ctx, p, plain(silentAddr))
				if elapsed := time.Since(start); !errors.Is(err, tt.want) || elapsed != 250*time.Millisecond {
					t.Fatalf("got %v after %v, want %v at 250ms", err, elapsed, tt.want)
				}
			})
		})
	}
}

// Close during an exchange ends it at once, and Close itself returns.
func TestTransactorCloseDuringExchange(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := newLink(t, 0, 0)
		tr, p := l.transactor(t), NewPacer(PacerOptions{})
		const at = 250 * time.Millisecond
		time.AfterFunc(at, func() { _ = tr.Close() })
		start := time.Now()
		_, err := tr.exchange(context.Background(), p, plain(silentAddr))
		if elapsed := time.Since(start); !errors.Is(err, ErrSocketClosed) || elapsed != at {
			t.Fatalf("got %v after %v, want ErrSocketClosed at %v", err, elapsed, at)
		}
		start = time.Now()
		if _, err := tr.exchange(context.Background(), p, plain(silentAddr)); err == nil || time.Since(start) != 0 {
			t.Fatalf("exchange on a closed socket: %v after %v, want an error at once", err, time.Since(start))
		}
	})
}
