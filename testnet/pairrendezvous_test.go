package testnet

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"testing/synctest"
	"time"

	"github.com/natcheck/natcheck/probe/pair"
	"github.com/natcheck/natcheck/probe/rendezvous"
)

// inProcessHTTP calls a handler directly, so signaling runs inside the
// synctest bubble with the vnet world.
type inProcessHTTP struct{ h http.Handler }

func (p inProcessHTTP) RoundTrip(r *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	p.h.ServeHTTP(rec, r)
	if err := r.Context().Err(); err != nil {
		return nil, err
	}
	return rec.Result(), nil
}

func roomClient(h http.Handler, token string) *rendezvous.Client {
	return &rendezvous.Client{BaseURL: "http://rendezvous.test", Room: "pair", Token: token,
		HTTP: &http.Client{Transport: inProcessHTTP{h}}}
}

// runViaRoom is one host: join the room, take the role it gives, run.
func runViaRoom(ctx context.Context, c *rendezvous.Client, o pair.Options) (pair.Result, error) {
	ctl, err := c.Join(ctx)
	if err != nil {
		return pair.Result{}, err
	}
	defer c.Leave(context.WithoutCancel(ctx))
	o.Controlling = ctl
	return pair.Run(ctx, o, c)
}

// TestPairRendezvous: two hosts meet in a room; the first in controls.
func TestPairRendezvous(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		o := PairWorldOptions{A: nat(natEI, natAPD), B: nat(natAPD, natAPD), TURN: true, RTT: pairRTT}
		w := newPairWorld(t, o)
		h := rendezvous.NewHandler(rendezvous.Options{Token: "tok"})
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		var b pair.Result
		var errB error
		done := make(chan struct{})
		go func() {
			defer close(done)
			time.Sleep(time.Second) // B arrives later: A controls
			b, errB = runViaRoom(ctx, roomClient(h, "tok"), pair.Options{Net: w.B, URLs: w.URLs(), NAT: o.B.Expect()})
		}()
		a, errA := runViaRoom(ctx, roomClient(h, "tok"), pair.Options{Net: w.A, URLs: w.URLs(), NAT: o.A.Expect()})
		<-done
		if errA != nil || errB != nil {
			t.Fatalf("A: %v; B: %v", errA, errB)
		}
		if a.Direct || !a.Relay || b.View != pair.ViewControlling || b.Relay != a.Relay {
			t.Errorf("A: direct=%v relay=%v; B: view %s relay=%v; want relay only, one report", a.Direct, a.Relay, b.View, b.Relay)
		}
		checkPairs(t, a, relayOnly)
	})
}

// TestPairPeerVanishes: B joins the room and disappears before sending its
// description; A gets a clear error at its deadline.
func TestPairPeerVanishes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		o := PairWorldOptions{A: nat(natEI, natEI), B: nat(natEI, natEI), RTT: pairRTT}
		w := newPairWorld(t, o)
		h := rendezvous.NewHandler(rendezvous.Options{Token: "tok"})
		const deadline = 15 * time.Second
		ctx, cancel := context.WithTimeout(context.Background(), deadline)
		defer cancel()
		a := roomClient(h, "tok")
		if _, err := a.Join(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := roomClient(h, "tok").Join(ctx); err != nil { // B: joins, then nothing
			t.Fatal(err)
		}
		start := time.Now()
		_, err := pair.Run(ctx, pair.Options{Net: w.A, URLs: w.URLs(), Controlling: true}, a)
		if !errors.Is(err, rendezvous.ErrPeerTimeout) {
			t.Errorf("got %v, want ErrPeerTimeout", err)
		}
		if took := time.Since(start); took > deadline {
			t.Errorf("took %v, past the %v deadline", took, deadline)
		}
		t.Logf("after %v: %v", time.Since(start), err)
	})
}

// TestPairPeerVanishesAfterExchange: A sends its description and is gone
// before any check; B ends with a no-path view that says nothing ever came
// from A, well within its deadline.
func TestPairPeerVanishesAfterExchange(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		o := PairWorldOptions{A: nat(natEI, natEI), B: nat(natEI, natEI), TURN: true, RTT: pairRTT}
		w := newPairWorld(t, o)
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		sa, sb := pair.MemorySignalers()
		go func() {
			s, err := pair.NewSession(pair.Options{Net: w.A, URLs: w.URLs(), Controlling: true})
			if err != nil {
				t.Error(err)
				return
			}
			defer s.Close()
			d, err := s.Gather(ctx)
			if err == nil {
				_, err = pair.Exchange(ctx, sa, d)
			}
			if err != nil {
				t.Error(err)
			}
		}()
		start := time.Now()
		b, err := pair.Run(ctx, pair.Options{Net: w.B, URLs: w.URLs()}, sb)
		if err != nil {
			t.Fatal(err)
		}
		took := time.Since(start)
		if b.Direct || b.Relay || b.View != pair.ViewControlled || len(b.Notes) != 2 {
			t.Errorf("direct=%v relay=%v view %s notes %q; want B's own no-path view, saying A was silent", b.Direct, b.Relay, b.View, b.Notes)
		}
		if took > 10*time.Second {
			t.Errorf("took %v", took)
		}
		t.Logf("after %v: %q", took, b.Notes)
	})
}
