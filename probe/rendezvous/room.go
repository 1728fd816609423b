package rendezvous

import (
	"crypto/subtle"
	"sync"
	"time"
)

// room holds at most two peers; seat 0 joined first and controls. Each
// seat has one message, readable once ready is closed.
type room struct {
	session [2]string
	taken   [2]bool
	msg     [2][]byte
	ready   [2]chan struct{}
	expires time.Time
	closed  chan struct{} // closed when a peer leaves
	once    sync.Once
}

func newRoom(expires time.Time) *room {
	return &room{expires: expires, closed: make(chan struct{}),
		ready: [2]chan struct{}{make(chan struct{}), make(chan struct{})}}
}

// join takes the first free seat.
func (r *room) join(session string) (int, bool) {
	for i := range r.taken {
		if !r.taken[i] {
			r.taken[i], r.session[i] = true, session
			return i, true
		}
	}
	return 0, false
}

// seatOf finds the seat holding session, comparing in constant time.
func (r *room) seatOf(session string) (int, bool) {
	found, idx := 0, 0
	for i := range r.taken {
		if r.taken[i] && subtle.ConstantTimeCompare([]byte(r.session[i]), []byte(session)) == 1 {
			found, idx = 1, i
		}
	}
	return idx, found == 1
}

// post stores seat i's message; false if it already sent one.
func (r *room) post(i int, msg []byte) bool {
	if r.msg[i] != nil {
		return false
	}
	r.msg[i] = msg
	close(r.ready[i])
	return true
}

func (r *room) close() { r.once.Do(func() { close(r.closed) }) }

func (r *room) left() bool {
	select {
	case <-r.closed:
		return true
	default:
		return false
	}
}

// expired: a room is gone from its expiry instant on.
func (r *room) expired(now time.Time) bool { return !now.Before(r.expires) }
