package metrics

import (
	"errors"
	"net"

	"github.com/natcheck/natcheck/probe/responder"
	"github.com/pion/stun/v3"
)

// responseKinds are the values of stun_responses_total's kind label; the
// set is fixed so that no datagram can grow it.
var responseKinds = []string{"binding", "change-port", "change-ip", "change-ip-port", "error-400", "error-420", "error"}

// dropReasons name the responder's errors, in the order they are tested.
var dropReasons = []struct {
	err       error
	label     string
	malformed bool
}{
	{responder.ErrNotSTUN, "not-stun", true},
	{responder.ErrMalformed, "malformed", true},
	{responder.ErrFingerprint, "bad-fingerprint", true},
	{responder.ErrNotBinding, "not-binding", false},
	{responder.ErrBadSource, "bad-source", false},
	{nil, "other", false}, // a failed send, or anything new
}

// Hooks counts the responder's traffic around allow, the rate limit (nil
// allows everything). Fields of next, when set, are called after counting,
// so logging can be layered on.
func (m *Metrics) Hooks(allow func(net.Addr) bool, next responder.Hooks) responder.Hooks {
	return responder.Hooks{
		Allow: func(src net.Addr) bool {
			m.requests.Inc()
			if allow != nil && !allow(src) {
				m.rateLimited.Inc()
				return false
			}
			return next.Allow == nil || next.Allow(src)
		},
		Answered: next.Answered,
		Dropped: func(reason error) {
			m.Dropped(reason)
			if next.Dropped != nil {
				next.Dropped(reason)
			}
		},
		Sent: func(at, via responder.Endpoint, resp []byte) {
			m.responses.WithLabelValues(ResponseKind(at, via, resp)).Inc()
			if next.Sent != nil {
				next.Sent(at, via, resp)
			}
		},
	}
}

// Dropped counts a datagram that got no answer.
func (m *Metrics) Dropped(reason error) {
	for _, r := range dropReasons {
		if r.err == nil || errors.Is(reason, r.err) {
			m.dropped.WithLabelValues(r.label).Inc()
			if r.malformed {
				m.malformed.Inc()
			}
			return
		}
	}
}

// ResponseKind names a response sent from via for a request that arrived
// at at: the change it made, or its error code.
func ResponseKind(at, via responder.Endpoint, resp []byte) string {
	if len(resp) < 20 { // shorter than a STUN header
		return "error"
	}
	if resp[0] != 0x01 || resp[1] != 0x01 { // not a Binding success: decode only errors
		m := &stun.Message{Raw: resp}
		if m.Decode() != nil {
			return "error"
		}
		var code stun.ErrorCodeAttribute
		if code.GetFrom(m) == nil {
			switch code.Code {
			case stun.CodeBadRequest:
				return "error-400"
			case stun.CodeUnknownAttribute:
				return "error-420"
			}
		}
		return "error"
	}
	switch ip, port := via.IP != at.IP, via.Port != at.Port; {
	case ip && port:
		return "change-ip-port"
	case ip:
		return "change-ip"
	case port:
		return "change-port"
	}
	return "binding"
}
