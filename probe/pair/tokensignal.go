package pair

import (
	"context"
	"fmt"
)

// TokenSignaler signals by copy and paste: Send shows this side's token,
// Receive reads the peer's. The offerer shows first and then reads the
// answer; the answerer reads the offer (from its command line) first.
type TokenSignaler struct {
	Show func(ctx context.Context, token string) error
	Read func(ctx context.Context) (string, error)
}

// Send encodes d and shows it.
func (s TokenSignaler) Send(ctx context.Context, d Description) error {
	tok, err := EncodeToken(d)
	if err != nil {
		return err
	}
	return s.Show(ctx, tok)
}

// Receive reads a token and decodes it.
func (s TokenSignaler) Receive(ctx context.Context) (Description, error) {
	tok, err := s.Read(ctx)
	if err != nil {
		return Description{}, fmt.Errorf("read token: %w", err)
	}
	return DecodeToken(tok)
}

// MemoryTokenSignalers are an offerer and an answerer whose tokens go
// through strings in memory, as if pasted: for tests.
func MemoryTokenSignalers() (offer, answer TokenSignaler) {
	ab, ba := make(chan string, 1), make(chan string, 1)
	pipe := func(out chan<- string, in <-chan string) TokenSignaler {
		return TokenSignaler{
			Show: func(ctx context.Context, tok string) error {
				select {
				case out <- tok:
					return nil
				case <-ctx.Done():
					return ctx.Err()
				}
			},
			Read: func(ctx context.Context) (string, error) {
				select {
				case tok := <-in:
					return tok, nil
				case <-ctx.Done():
					return "", ctx.Err()
				}
			},
		}
	}
	return pipe(ab, ba), pipe(ba, ab)
}
