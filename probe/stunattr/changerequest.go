// Package stunattr holds STUN attributes pion/stun has no typed helper for,
// in pion's Setter/Getter shape: CHANGE-REQUEST of RFC 5780 §7.2.
package stunattr

import (
	"fmt"

	"github.com/pion/stun/v3"
)

// Flag bits of CHANGE-REQUEST (RFC 5780 §7.2).
const (
	flagChangeIP   = 0x04
	flagChangePort = 0x02
)

// ChangeRequest is the RFC 5780 §7.2 CHANGE-REQUEST attribute: it asks the
// server to send its response from its alternate IP, alternate port, or both.
type ChangeRequest struct {
	ChangeIP   bool
	ChangePort bool
}

// AddTo adds CHANGE-REQUEST to m.
func (c ChangeRequest) AddTo(m *stun.Message) error {
	v := []byte{0, 0, 0, 0}
	if c.ChangeIP {
		v[3] |= flagChangeIP
	}
	if c.ChangePort {
		v[3] |= flagChangePort
	}
	m.Add(stun.AttrChangeRequest, v)
	return nil
}

// GetFrom decodes CHANGE-REQUEST from m; stun.ErrAttributeNotFound when absent.
func (c *ChangeRequest) GetFrom(m *stun.Message) error {
	v, err := m.Get(stun.AttrChangeRequest)
	if err != nil {
		return err
	}
	if err := stun.CheckSize(stun.AttrChangeRequest, len(v), 4); err != nil {
		return fmt.Errorf("change-request: %w", err)
	}
	c.ChangeIP, c.ChangePort = v[3]&flagChangeIP != 0, v[3]&flagChangePort != 0
	return nil
}

// String names the change asked for, as used in evidence lines.
func (c ChangeRequest) String() string {
	switch {
	case c.ChangeIP && c.ChangePort:
		return "change IP+port"
	case c.ChangeIP:
		return "change IP"
	case c.ChangePort:
		return "change port"
	}
	return "no change"
}
