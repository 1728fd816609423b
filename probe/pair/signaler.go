package pair

import "context"

// Signaler carries Descriptions between the two hosts: a rendezvous server,
// a pasted token, or memory in tests. Receive returns the peer's
// description; it may block until the peer has sent it or ctx ends.
type Signaler interface {
	Send(ctx context.Context, d Description) error
	Receive(ctx context.Context) (Description, error)
}
