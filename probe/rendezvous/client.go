package rendezvous

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/natcheck/natcheck/probe/pair"
)

// Client is one peer of a room: Join, then use it as a pair.Signaler,
// then Leave.
type Client struct {
	BaseURL  string       // e.g. http://host:port
	Room     string       // shared with the peer
	Token    string       // shared secret; never logged
	HTTP     *http.Client // nil: a client without a global timeout (ctx bounds every call)
	PollWait time.Duration

	session     string
	controlling bool
}

// Join takes a seat: the first peer in the room controls (it offers).
func (c *Client) Join(ctx context.Context) (controlling bool, err error) {
	if !roomName.MatchString(c.Room) {
		return false, fmt.Errorf("room %q: %w", c.Room, ErrBadRoom)
	}
	var rep joinReply
	if err := c.do(ctx, http.MethodPost, "/join", nil, nil, &rep); err != nil {
		return false, fmt.Errorf("join room %q: %w", c.Room, err)
	}
	c.session, c.controlling = rep.Session, rep.Controlling
	return rep.Controlling, nil
}

// Send posts this side's description.
func (c *Client) Send(ctx context.Context, d pair.Description) error {
	body, err := json.Marshal(d)
	if err != nil {
		return err
	}
	if err := c.do(ctx, http.MethodPost, "/messages", nil, body, nil); err != nil {
		return fmt.Errorf("send to room %q: %w", c.Room, err)
	}
	return nil
}

// Receive long-polls for the peer's description until ctx ends.
func (c *Client) Receive(ctx context.Context) (pair.Description, error) {
	wait := c.PollWait
	if wait <= 0 {
		wait = DefaultPollWait
	}
	wait = max(wait, time.Second) // the API counts whole seconds
	q := url.Values{"wait": {strconv.Itoa(int(wait / time.Second))}}
	for {
		var d pair.Description
		err := c.do(ctx, http.MethodGet, "/messages", q, nil, &d)
		switch {
		case errors.Is(err, errNotYet):
			continue
		case err != nil && ctx.Err() != nil:
			return pair.Description{}, fmt.Errorf("room %q: %w (%w)", c.Room, ErrPeerTimeout, ctx.Err())
		case err != nil:
			return pair.Description{}, fmt.Errorf("receive from room %q: %w", c.Room, err)
		}
		if err := d.Validate(); err != nil {
			return pair.Description{}, err
		}
		return d, nil
	}
}

// Leave gives the seat up and closes the room for the peer.
func (c *Client) Leave(ctx context.Context) error {
	if c.session == "" {
		return nil
	}
	return c.do(ctx, http.MethodDelete, "", nil, nil, nil)
}

var errNotYet = errors.New("no message yet")

// do makes one call; out, if set, receives a 200's JSON body.
func (c *Client) do(ctx context.Context, method, suffix string, q url.Values, body []byte, out any) error {
	u := c.BaseURL + apiPrefix + url.PathEscape(c.Room) + suffix
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, u, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.Token)
	if c.session != "" {
		req.Header.Set(sessionHeader, c.session)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("rendezvous: %w", err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, DefaultMaxMessage*4))
	if err != nil {
		return fmt.Errorf("rendezvous: %w", err)
	}
	return decodeReply(resp.StatusCode, data, out)
}

// decodeReply maps a status to an error, naming the server's reason.
func decodeReply(status int, data []byte, out any) error {
	switch status {
	case http.StatusOK:
		if out == nil {
			return nil
		}
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("rendezvous: undecodable answer: %w", err)
		}
		return nil
	case http.StatusNoContent:
		if out != nil {
			return errNotYet
		}
		return nil
	}
	var rep errorReply
	_ = json.Unmarshal(data, &rep)
	var kind error
	switch status {
	case http.StatusForbidden:
		kind = ErrForbidden
	case http.StatusConflict:
		kind = ErrRoomFull
		if rep.Error == "this peer has already sent its message" {
			kind = errors.New("already sent")
		}
	case http.StatusGone, http.StatusNotFound:
		kind = ErrGone
	case http.StatusRequestEntityTooLarge:
		kind = ErrTooLarge
	case http.StatusServiceUnavailable:
		kind = ErrTooManyRooms
	default:
		kind = errors.New(http.StatusText(status))
	}
	if rep.Error == "" {
		return fmt.Errorf("%w (HTTP %d)", kind, status)
	}
	return fmt.Errorf("%w (HTTP %d: %s)", kind, status, rep.Error)
}
