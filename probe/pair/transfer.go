package pair

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// ErrNoReport: the checks ran, but the controlling side's report never
// arrived: it vanished, or the path broke after the checks.
var ErrNoReport = errors.New("the peer's report never arrived")

// handOver sends the result to the controlled side in chunks over the
// connection and resends until it acknowledges or the allowance runs out.
func (s *Session) handOver(ctx context.Context, r Result) error {
	data, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("encode report: %w", err)
	}
	chunks := splitChunks(data)
	if len(chunks) > maxChunks {
		return fmt.Errorf("report of %d bytes is too large to send", len(data))
	}
	resend := time.NewTicker(max(4*s.o.BurstInterval, 100*time.Millisecond))
	defer resend.Stop()
	give := time.NewTimer(4 * s.o.RTTAllowance)
	defer give.Stop()
	for {
		for i, c := range chunks {
			_, _ = s.conn.Write(encodeChunk(i, len(chunks), c))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-give.C:
			return errors.New("no acknowledgement")
		case m := <-s.wire.in:
			if m.kind == kindAck {
				return nil
			}
		case <-resend.C:
		}
	}
}

func splitChunks(data []byte) [][]byte {
	var out [][]byte
	for len(data) > maxChunk {
		out = append(out, data[:maxChunk])
		data = data[maxChunk:]
	}
	return append(out, data)
}

// assembler collects the chunks of one report.
type assembler struct {
	parts [][]byte
	have  int
}

// add stores a chunk and returns the whole report once every chunk is in.
func (a *assembler) add(m message) ([]byte, bool) {
	if a.parts == nil {
		a.parts = make([][]byte, m.total)
	}
	if m.total != len(a.parts) || a.parts[m.idx] != nil {
		return nil, false
	}
	a.parts[m.idx] = m.data
	if a.have++; a.have < len(a.parts) {
		return nil, false
	}
	var out []byte
	for _, p := range a.parts {
		out = append(out, p...)
	}
	return out, true
}
