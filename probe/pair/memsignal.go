package pair

import "context"

// memSignaler is one end of an in-memory signaling channel.
type memSignaler struct {
	out chan<- Description
	in  <-chan Description
}

// MemorySignalers returns the two ends of an in-memory channel: what one
// sends the other receives. For tests and for both sides in one process.
func MemorySignalers() (Signaler, Signaler) {
	ab, ba := make(chan Description, 1), make(chan Description, 1)
	return &memSignaler{out: ab, in: ba}, &memSignaler{out: ba, in: ab}
}

func (m *memSignaler) Send(ctx context.Context, d Description) error {
	select {
	case m.out <- d:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (m *memSignaler) Receive(ctx context.Context) (Description, error) {
	select {
	case d := <-m.in:
		return d, nil
	case <-ctx.Done():
		return Description{}, ctx.Err()
	}
}
