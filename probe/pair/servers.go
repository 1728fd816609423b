package pair

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/natcheck/natcheck/probe/gather"
	"github.com/pion/stun/v3"
)

// ICEServers turns the command line's STUN servers (stun:host[:port] or
// host[:port]) and TURN servers (RFC 7065 URLs with credentials) into the
// agent's URLs, with gather's validation and error messages.
func ICEServers(stunServers []string, turn []gather.TURNServer) ([]*stun.URI, error) {
	if err := (gather.Options{STUN: stunServers, TURN: turn}).Validate(); err != nil {
		return nil, err
	}
	var out []*stun.URI
	for _, s := range stunServers {
		in := strings.TrimSpace(s)
		if !strings.HasPrefix(strings.ToLower(in), "stun:") {
			if a, err := netip.ParseAddr(in); err == nil && a.Is6() {
				in = "[" + in + "]"
			}
			in = "stun:" + in
		}
		u, err := stun.ParseURI(in)
		if err != nil {
			return nil, fmt.Errorf("%w: %q: %w", gather.ErrBadURL, s, err)
		}
		out = append(out, u)
	}
	for _, t := range turn {
		u, err := stun.ParseURI(strings.TrimSpace(t.URL))
		if err != nil {
			return nil, fmt.Errorf("%w: %q: %w", gather.ErrBadURL, t.URL, err)
		}
		u.Username, u.Password = t.User, t.Password
		out = append(out, u)
	}
	return out, nil
}
