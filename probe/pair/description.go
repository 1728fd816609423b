package pair

import (
	"errors"
	"fmt"

	"github.com/natcheck/natcheck/natclass"
	"github.com/pion/ice/v4"
)

// Limits on a Description from the network.
const (
	MaxCandidates      = 64
	maxCandidateLen    = 256
	maxCredentialLen   = 256
	descriptionVersion = 1
)

// ErrBadDescription: the peer's description is malformed or too large.
var ErrBadDescription = errors.New("bad peer description")

// Description is what one side tells the other before the checks: its ICE
// credentials and candidates (RFC 8445 §5.3), its NAT verdict, and, from the
// controlling side, how long it holds nomination back.
type Description struct {
	Version     int        `json:"v"`
	Controlling bool       `json:"ctl,omitempty"`
	Ufrag       string     `json:"u"`
	Pwd         string     `json:"p"`
	Candidates  []string   `json:"c"`
	NAT         NATVerdict `json:"n"`
	WindowMs    int64      `json:"w,omitempty"` // controlling side's check window
}

// NATVerdict is one side's classification, as much as Predict needs.
type NATVerdict struct {
	Type      natclass.Label `json:"t,omitempty"`
	Mapping   string         `json:"m,omitempty"`
	Filtering string         `json:"f,omitempty"`
}

// VerdictOf summarises a classification.
func VerdictOf(r natclass.Result) NATVerdict {
	return NATVerdict{Type: r.Type, Mapping: r.Mapping.String(), Filtering: r.Filtering.String()}
}

// Result turns the summary back into a classification for natclass.Predict.
// Unparsable behaviours read as unknown.
func (v NATVerdict) Result() natclass.Result {
	r := natclass.Result{Type: v.Type}
	if r.Type == "" {
		r.Type = natclass.LabelUnknown
		r.TypeWhy.Reason = "the NAT check did not run"
	}
	r.Mapping, _ = natclass.ParseMapping(v.Mapping)
	r.Filtering, _ = natclass.ParseFiltering(v.Filtering)
	r.UDPBlocked = r.Type == natclass.LabelUDPBlocked
	return r
}

// Validate checks a peer's description: version, sizes, and that every
// candidate parses.
func (d Description) Validate() error {
	switch {
	case d.Version != descriptionVersion:
		return fmt.Errorf("%w: version %d, this natcheck speaks %d", ErrBadDescription, d.Version, descriptionVersion)
	case d.Ufrag == "" || d.Pwd == "":
		return fmt.Errorf("%w: no ICE credentials", ErrBadDescription)
	case len(d.Ufrag) > maxCredentialLen || len(d.Pwd) > maxCredentialLen:
		return fmt.Errorf("%w: ICE credentials longer than %d bytes", ErrBadDescription, maxCredentialLen)
	case len(d.Candidates) > MaxCandidates:
		return fmt.Errorf("%w: %d candidates, at most %d", ErrBadDescription, len(d.Candidates), MaxCandidates)
	case d.WindowMs < 0 || d.WindowMs > maxWindow.Milliseconds():
		return fmt.Errorf("%w: check window %d ms out of range", ErrBadDescription, d.WindowMs)
	}
	for i, c := range d.Candidates {
		if len(c) > maxCandidateLen {
			return fmt.Errorf("%w: candidate %d longer than %d bytes", ErrBadDescription, i, maxCandidateLen)
		}
		if _, err := ice.UnmarshalCandidate(c); err != nil {
			return fmt.Errorf("%w: candidate %d: %w", ErrBadDescription, i, err)
		}
	}
	return nil
}
