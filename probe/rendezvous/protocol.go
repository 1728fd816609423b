package rendezvous

import (
	"errors"
	"regexp"
	"time"
)

// The HTTP API, under a base URL:
//
//	POST   /v1/rooms/{room}/join      → 200 {"peer","controlling","session"}; 409 room full
//	POST   /v1/rooms/{room}/messages  body: the description → 204; 409 already sent
//	GET    /v1/rooms/{room}/messages?wait=SECONDS → 200 the peer's description; 204 not yet
//	DELETE /v1/rooms/{room}           → 204: leave
//
// Every request carries "Authorization: Bearer TOKEN"; all but join carry
// the session from join in the Natcheck-Session header. Errors are JSON
// {"error": "..."}: 400 bad request, 403 wrong token or session, 404 no such
// room, 409 room full or already sent, 410 room expired or peer left,
// 413 message too large, 503 too many rooms.
const (
	sessionHeader = "Natcheck-Session"
	apiPrefix     = "/v1/rooms/"
)

// Defaults.
const (
	DefaultRoomTTL    = 10 * time.Minute
	DefaultMaxRooms   = 1024
	DefaultMaxMessage = 16 << 10
	DefaultPollWait   = 25 * time.Second
	maxPollWait       = 60 * time.Second
)

var roomName = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// Errors the client returns, from the server's status codes.
var (
	ErrForbidden    = errors.New("rendezvous refused the token or session")
	ErrRoomFull     = errors.New("room full: two peers are already in it")
	ErrGone         = errors.New("room expired or the peer left")
	ErrTooLarge     = errors.New("message too large for the rendezvous")
	ErrTooManyRooms = errors.New("rendezvous has too many rooms open")
	ErrPeerTimeout  = errors.New("the peer sent nothing before the deadline")
	ErrBadRoom      = errors.New("room names are 1-64 characters of A-Z a-z 0-9 . _ -")
)

// joinReply is the answer to join.
type joinReply struct {
	Peer        string `json:"peer"` // "a" (first in, controlling) or "b"
	Controlling bool   `json:"controlling"`
	Session     string `json:"session"`
}

type errorReply struct {
	Error string `json:"error"`
}
