package rendezvous

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/natcheck/natcheck/probe/pair"
)

const testToken = "s3cret-token"

// inProcess calls the handler directly: no sockets, so tests run inside a
// synctest bubble and long polls cost no wall time.
type inProcess struct{ h http.Handler }

func (p inProcess) RoundTrip(r *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	p.h.ServeHTTP(rec, r)
	if err := r.Context().Err(); err != nil {
		return nil, err
	}
	return rec.Result(), nil
}

func client(h http.Handler, room, token string) *Client {
	return &Client{BaseURL: "http://rendezvous.test", Room: room, Token: token, PollWait: 5 * time.Second,
		HTTP: &http.Client{Transport: inProcess{h}}}
}

func desc(ufrag string) pair.Description {
	return pair.Description{Version: 1, Ufrag: ufrag, Pwd: "0123456789abcdef0123456789",
		Candidates: []string{"1 1 udp 2130706431 10.1.0.2 5000 typ host"}}
}

func TestExchange(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := NewHandler(Options{Token: testToken})
		a, b := client(h, "lab", testToken), client(h, "lab", testToken)
		ctx := context.Background()
		ctlA, errA := a.Join(ctx)
		ctlB, errB := b.Join(ctx)
		if errA != nil || errB != nil || !ctlA || ctlB {
			t.Fatalf("join: A controlling=%v %v; B controlling=%v %v", ctlA, errA, ctlB, errB)
		}
		got := make(chan pair.Description, 1)
		go func() { // B waits before A has sent: the long poll
			d, err := b.Receive(ctx)
			if err != nil {
				t.Error(err)
			}
			got <- d
		}()
		time.Sleep(12 * time.Second) // two long polls come back empty first
		if err := a.Send(ctx, desc("aaaa")); err != nil {
			t.Fatal(err)
		}
		if d := <-got; d.Ufrag != "aaaa" {
			t.Errorf("B got %+v", d)
		}
		if err := b.Send(ctx, desc("bbbb")); err != nil {
			t.Fatal(err)
		}
		if d, err := a.Receive(ctx); err != nil || d.Ufrag != "bbbb" {
			t.Errorf("A got %+v, %v", d, err)
		}
		if err := a.Send(ctx, desc("again")); err == nil || !strings.Contains(err.Error(), "already sent") {
			t.Errorf("second send: %v", err)
		}
		if err := a.Leave(ctx); err != nil {
			t.Fatal(err)
		}
		if n := h.Rooms(); n != 0 {
			t.Errorf("%d rooms open after leaving", n)
		}
	})
}

// TestErrors: each refusal reaches the caller as a clear, typed error
// within the deadline.
func TestErrors(t *testing.T) {
	tests := []struct {
		name    string
		opts    Options
		run     func(ctx context.Context, h *Handler) error
		want    error
		wantMsg string
	}{
		{"wrong token", Options{Token: testToken}, func(ctx context.Context, h *Handler) error {
			_, err := client(h, "lab", "guess").Join(ctx)
			return err
		}, ErrForbidden, `join room "lab": rendezvous refused the token or session (HTTP 403: wrong or missing token)`},
		{"third peer", Options{Token: testToken}, func(ctx context.Context, h *Handler) error {
			for range 2 {
				if _, err := client(h, "lab", testToken).Join(ctx); err != nil {
					return err
				}
			}
			_, err := client(h, "lab", testToken).Join(ctx)
			return err
		}, ErrRoomFull, `join room "lab": room full: two peers are already in it (HTTP 409: room full: two peers are already in it)`},
		{"peer vanishes", Options{Token: testToken}, func(ctx context.Context, h *Handler) error {
			a := client(h, "lab", testToken)
			if _, err := a.Join(ctx); err != nil {
				return err
			}
			if _, err := client(h, "lab", testToken).Join(ctx); err != nil { // B joins, then says nothing
				return err
			}
			ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
			defer cancel()
			_, err := a.Receive(ctx)
			return err
		}, ErrPeerTimeout, `room "lab": the peer sent nothing before the deadline (context deadline exceeded)`},
		{"peer leaves", Options{Token: testToken}, func(ctx context.Context, h *Handler) error {
			a, b := client(h, "lab", testToken), client(h, "lab", testToken)
			_, _ = a.Join(ctx)
			_, _ = b.Join(ctx)
			go func() { time.Sleep(time.Second); _ = b.Leave(ctx) }()
			_, err := a.Receive(ctx)
			return err
		}, ErrGone, `receive from room "lab": room expired or the peer left (HTTP 410: the peer left)`},
		{"room expires", Options{RoomTTL: 30 * time.Second}, func(ctx context.Context, h *Handler) error {
			a := client(h, "lab", "")
			_, _ = a.Join(ctx)
			_, err := a.Receive(ctx)
			return err
		}, ErrGone, `receive from room "lab": room expired or the peer left (HTTP 410: room expired)`},
		{"message too large", Options{MaxMessage: 100}, func(ctx context.Context, h *Handler) error {
			a := client(h, "lab", "")
			_, _ = a.Join(ctx)
			return a.Send(ctx, desc("aaaa"))
		}, ErrTooLarge, `send to room "lab": message too large for the rendezvous (HTTP 413: message larger than 100 bytes)`},
		{"too many rooms", Options{MaxRooms: 1}, func(ctx context.Context, h *Handler) error {
			_, _ = client(h, "one", "").Join(ctx)
			_, err := client(h, "two", "").Join(ctx)
			return err
		}, ErrTooManyRooms, `join room "two": rendezvous has too many rooms open (HTTP 503: too many rooms open, try later)`},
		{"forged session", Options{Token: testToken}, func(ctx context.Context, h *Handler) error {
			_, _ = client(h, "lab", testToken).Join(ctx)
			intruder := client(h, "lab", testToken)
			intruder.session = "0123456789abcdef0123456789abcdef"
			return intruder.Send(ctx, desc("evil"))
		}, ErrForbidden, `send to room "lab": rendezvous refused the token or session (HTTP 403: not a peer of this room)`},
		{"bad room name", Options{}, func(ctx context.Context, h *Handler) error {
			_, err := client(h, "../etc", "").Join(ctx)
			return err
		}, ErrBadRoom, `room "../etc": room names are 1-64 characters of A-Z a-z 0-9 . _ -`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				defer cancel()
				start := time.Now()
				err := tt.run(ctx, NewHandler(tt.opts))
				if !errors.Is(err, tt.want) || err.Error() != tt.wantMsg {
					t.Errorf("got %v\nwant %s", err, tt.wantMsg)
				}
				if took := time.Since(start); took > 30*time.Second {
					t.Errorf("took %v fake time", took)
				}
			})
		})
	}
}

func TestPostRejectsNonJSON(t *testing.T) {
	h := NewHandler(Options{})
	a := client(h, "lab", "")
	if _, err := a.Join(context.Background()); err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/v1/rooms/lab/messages", strings.NewReader("not json"))
	req.Header.Set(sessionHeader, a.session)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "not JSON") {
		t.Errorf("got %d %s", rec.Code, rec.Body)
	}
}

// TestLoopback runs the refusals over a real loopback HTTP server.
func TestLoopback(t *testing.T) {
	srv := httptest.NewServer(NewHandler(Options{Token: testToken}))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	mk := func(token string) *Client {
		return &Client{BaseURL: srv.URL, Room: "lab", Token: token, HTTP: srv.Client()}
	}
	if _, err := mk("wrong").Join(ctx); !errors.Is(err, ErrForbidden) {
		t.Errorf("wrong token: %v", err)
	}
	a, b := mk(testToken), mk(testToken)
	if _, err := a.Join(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Join(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := mk(testToken).Join(ctx); !errors.Is(err, ErrRoomFull) {
		t.Errorf("third peer: %v", err)
	}
	if err := a.Send(ctx, desc("aaaa")); err != nil {
		t.Fatal(err)
	}
	if d, err := b.Receive(ctx); err != nil || d.Ufrag != "aaaa" {
		t.Errorf("B got %+v, %v", d, err)
	}
}
