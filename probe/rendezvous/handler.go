package rendezvous

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Options configure the rendezvous. The zero value of every field is a
// sensible default; an empty Token lets anyone in.
type Options struct {
	Token      string        // shared secret: "Authorization: Bearer TOKEN"
	RoomTTL    time.Duration // a room expires this long after it opens
	MaxRooms   int           // rooms open at once
	MaxMessage int64         // bytes in one description
}

// Handler serves the rendezvous API (see protocol.go).
type Handler struct {
	o     Options
	token [sha256.Size]byte
	mux   *http.ServeMux

	mu    sync.Mutex
	rooms map[string]*room
}

// NewHandler returns a rendezvous with no rooms.
func NewHandler(o Options) *Handler {
	if o.RoomTTL <= 0 {
		o.RoomTTL = DefaultRoomTTL
	}
	if o.MaxRooms <= 0 {
		o.MaxRooms = DefaultMaxRooms
	}
	if o.MaxMessage <= 0 {
		o.MaxMessage = DefaultMaxMessage
	}
	h := &Handler{o: o, token: sha256.Sum256([]byte(o.Token)), mux: http.NewServeMux(), rooms: map[string]*room{}}
	h.mux.HandleFunc("POST "+apiPrefix+"{room}/join", h.join)
	h.mux.HandleFunc("POST "+apiPrefix+"{room}/messages", h.post)
	h.mux.HandleFunc("GET "+apiPrefix+"{room}/messages", h.get)
	h.mux.HandleFunc("DELETE "+apiPrefix+"{room}", h.leave)
	return h
}

// ServeHTTP checks the token, then routes.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !h.authorized(r) {
		fail(w, http.StatusForbidden, "wrong or missing token")
		return
	}
	h.mux.ServeHTTP(w, r)
}

// authorized compares the bearer token in constant time (hashes of equal
// length, so not even the length leaks).
func (h *Handler) authorized(r *http.Request) bool {
	if h.o.Token == "" {
		return true
	}
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	sum := sha256.Sum256([]byte(got))
	return subtle.ConstantTimeCompare(sum[:], h.token[:]) == 1 && ok
}

func (h *Handler) join(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("room")
	if !roomName.MatchString(name) {
		fail(w, http.StatusBadRequest, ErrBadRoom.Error())
		return
	}
	session := newSession()
	h.mu.Lock()
	h.sweep()
	rm, ok := h.rooms[name]
	if !ok {
		if len(h.rooms) >= h.o.MaxRooms {
			h.mu.Unlock()
			fail(w, http.StatusServiceUnavailable, "too many rooms open, try later")
			return
		}
		rm = newRoom(time.Now().Add(h.o.RoomTTL))
		h.rooms[name] = rm
	}
	seat, ok := rm.join(session)
	h.mu.Unlock()
	if !ok {
		fail(w, http.StatusConflict, "room full: two peers are already in it")
		return
	}
	writeJSON(w, http.StatusOK, joinReply{Peer: string(rune('a' + seat)), Controlling: seat == 0, Session: session})
}

// sweep drops expired rooms; the caller holds mu.
func (h *Handler) sweep() {
	now := time.Now()
	for name, rm := range h.rooms {
		if rm.expired(now) || rm.left() {
			rm.close()
			delete(h.rooms, name)
		}
	}
}

// seat finds the caller's room and seat, or writes the error.
func (h *Handler) seat(w http.ResponseWriter, r *http.Request) (*room, int, bool) {
	h.mu.Lock()
	rm, ok := h.rooms[r.PathValue("room")]
	h.mu.Unlock()
	switch {
	case !ok:
		fail(w, http.StatusNotFound, "no such room: never opened, expired, or the peer left")
		return nil, 0, false
	case rm.expired(time.Now()) || rm.left():
		fail(w, http.StatusGone, "room expired or the peer left")
		return nil, 0, false
	}
	h.mu.Lock()
	i, ok := rm.seatOf(r.Header.Get(sessionHeader))
	h.mu.Unlock()
	if !ok {
		fail(w, http.StatusForbidden, "not a peer of this room")
		return nil, 0, false
	}
	return rm, i, true
}

func (h *Handler) post(w http.ResponseWriter, r *http.Request) {
	rm, i, ok := h.seat(w, r)
	if !ok {
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.o.MaxMessage))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		fail(w, http.StatusRequestEntityTooLarge, "message larger than "+strconv.FormatInt(h.o.MaxMessage, 10)+" bytes")
		return
	case err != nil:
		fail(w, http.StatusBadRequest, "reading the message: "+err.Error())
		return
	case !json.Valid(body):
		fail(w, http.StatusBadRequest, "the message is not JSON")
		return
	}
	h.mu.Lock()
	ok = rm.post(i, body)
	h.mu.Unlock()
	if !ok {
		fail(w, http.StatusConflict, "this peer has already sent its message")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// get long-polls for the other peer's message.
func (h *Handler) get(w http.ResponseWriter, r *http.Request) {
	rm, i, ok := h.seat(w, r)
	if !ok {
		return
	}
	wait := DefaultPollWait
	if s := r.URL.Query().Get("wait"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			fail(w, http.StatusBadRequest, "wait is a number of seconds")
			return
		}
		wait = min(time.Duration(n)*time.Second, maxPollWait)
	}
	poll := time.NewTimer(min(wait, time.Until(rm.expires)))
	defer poll.Stop()
	select {
	case <-rm.ready[1-i]:
		h.mu.Lock()
		msg := rm.msg[1-i]
		h.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(msg)
	case <-rm.closed:
		fail(w, http.StatusGone, "the peer left")
	case <-poll.C:
		if rm.expired(time.Now()) {
			fail(w, http.StatusGone, "room expired")
			return
		}
		w.WriteHeader(http.StatusNoContent)
	case <-r.Context().Done():
	}
}

func (h *Handler) leave(w http.ResponseWriter, r *http.Request) {
	rm, _, ok := h.seat(w, r)
	if !ok {
		return
	}
	h.mu.Lock()
	rm.close()
	delete(h.rooms, r.PathValue("room"))
	h.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// Rooms is how many rooms are open, for metrics and tests.
func (h *Handler) Rooms() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.sweep()
	return len(h.rooms)
}

func newSession() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func fail(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, errorReply{Error: msg})
}
