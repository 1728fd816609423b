package gather

import (
	"encoding/binary"
	"net"
	"sync"
	"time"

	"github.com/pion/stun/v3"
)

// allocTap wraps the TURN client's socket and reads the Allocate answers as
// they pass (RFC 8656 §7.3). pion's client keeps LIFETIME and
// XOR-MAPPED-ADDRESS to itself, and loses the ERROR-CODE of an answer that
// lacks NONCE and REALM.
type allocTap struct {
	net.PacketConn

	mu         sync.Mutex
	answers    int  // STUN messages received at all
	challenged bool // the 401 challenge (with NONCE) came: credentials were sent
	code       int  // ERROR-CODE of the last Allocate error answer
	reason     string
	lifetime   time.Duration
	mapped     *net.UDPAddr
}

// ReadFrom reads as the client would and observes STUN answers.
func (t *allocTap) ReadFrom(p []byte) (int, net.Addr, error) {
	n, from, err := t.PacketConn.ReadFrom(p)
	if err == nil && stun.IsMessage(p[:n]) {
		t.observe(p[:n])
	}
	return n, from, err
}

func (t *allocTap) observe(b []byte) {
	m := &stun.Message{Raw: append([]byte(nil), b...)}
	if m.Decode() != nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.answers++
	if m.Type.Method != stun.MethodAllocate {
		return
	}
	switch m.Type.Class {
	case stun.ClassErrorResponse:
		var ec stun.ErrorCodeAttribute
		if ec.GetFrom(m) != nil {
			return
		}
		if ec.Code == stun.CodeUnauthorized && !t.challenged && m.Contains(stun.AttrNonce) {
			t.challenged = true // the expected challenge, not a failure
			return
		}
		t.code, t.reason = int(ec.Code), string(ec.Reason)
	case stun.ClassSuccessResponse:
		if v, err := m.Get(stun.AttrLifetime); err == nil && len(v) == 4 {
			t.lifetime = time.Duration(binary.BigEndian.Uint32(v)) * time.Second
		}
		var xm stun.XORMappedAddress
		if xm.GetFrom(m) == nil {
			t.mapped = &net.UDPAddr{IP: xm.IP, Port: xm.Port}
		}
	}
}

// tapView is what the tap saw, copied out under its lock.
type tapView struct {
	answers    int
	challenged bool
	code       int
	reason     string
	lifetime   time.Duration
	mapped     *net.UDPAddr
}

func (t *allocTap) view() tapView {
	t.mu.Lock()
	defer t.mu.Unlock()
	return tapView{t.answers, t.challenged, t.code, t.reason, t.lifetime, t.mapped}
}
