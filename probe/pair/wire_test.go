package pair

import (
	"bytes"
	"errors"
	"testing"
)

func TestWireRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		b    []byte
		want message
	}{
		{"ping direct", encodeProbe(kindPing, PathDirect, 7), message{kind: kindPing, path: PathDirect, seq: 7}},
		{"echo relay", encodeProbe(kindEcho, PathRelay, 65535), message{kind: kindEcho, path: PathRelay, seq: 65535}},
		{"chunk", encodeChunk(2, 3, []byte("abc")), message{kind: kindChunk, idx: 2, total: 3, data: []byte("abc")}},
		{"ack", []byte{wireMagic, kindAck}, message{kind: kindAck}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decode(tt.b)
			if err != nil {
				t.Fatal(err)
			}
			if got.kind != tt.want.kind || got.path != tt.want.path || got.seq != tt.want.seq ||
				got.idx != tt.want.idx || got.total != tt.want.total || !bytes.Equal(got.data, tt.want.data) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestWireRejects(t *testing.T) {
	tests := []struct {
		name string
		b    []byte
	}{
		{"empty", nil},
		{"other magic", []byte{'x', kindAck}},
		{"short ping", []byte{wireMagic, kindPing, 'D', 0}},
		{"chunk index past total", encodeChunk(3, 3, nil)},
		{"chunk total zero", encodeChunk(0, 0, nil)},
		{"chunk total too big", encodeChunk(0, maxChunks+1, nil)},
		{"unknown kind", []byte{wireMagic, 'z'}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := decode(tt.b); !errors.Is(err, errShortPacket) {
				t.Errorf("decode(%v) = %v, want errShortPacket", tt.b, err)
			}
		})
	}
}

func TestAssembler(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789"), 250) // 2500 bytes: 3 chunks
	chunks := splitChunks(data)
	if len(chunks) != 3 {
		t.Fatalf("%d chunks, want 3", len(chunks))
	}
	var a assembler
	order := []int{2, 0, 2, 1} // out of order, one duplicate
	for i, idx := range order {
		m, err := decode(encodeChunk(idx, len(chunks), chunks[idx]))
		if err != nil {
			t.Fatal(err)
		}
		got, done := a.add(m)
		if done != (i == len(order)-1) {
			t.Fatalf("after chunk %d: done=%v", idx, done)
		}
		if done && !bytes.Equal(got, data) {
			t.Errorf("reassembled %d bytes, not the original", len(got))
		}
	}
}
