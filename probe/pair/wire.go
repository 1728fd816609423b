package pair

import (
	"encoding/binary"
	"errors"
	"sync"

	"github.com/pion/ice/v4"
)

// The pair test's own packets over the ICE connection. The first byte is
// never a STUN message's (its top two bits are 01), so pion passes them.
const (
	wireMagic = 'n'

	kindPing   = 'p' // magic kind path seq(2): echo this
	kindEcho   = 'e' // magic kind path seq(2): the echo, path = the kind it went back on
	kindChunk  = 'r' // magic kind idx(2) total(2) data: a piece of the result
	kindAck    = 'a' // magic kind: the whole result arrived
	maxChunk   = 1000
	maxChunks  = 1024
	wireBuffer = 256
)

var errShortPacket = errors.New("short packet")

// message is one decoded packet.
type message struct {
	kind  byte
	path  Path
	seq   uint16
	idx   int
	total int
	data  []byte
}

func pathByte(p Path) byte {
	if p == PathRelay {
		return 'R'
	}
	return 'D'
}

func pathOf(b byte) Path {
	if b == 'R' {
		return PathRelay
	}
	return PathDirect
}

func encodeProbe(kind byte, p Path, seq uint16) []byte {
	return binary.BigEndian.AppendUint16([]byte{wireMagic, kind, pathByte(p)}, seq)
}

func encodeChunk(idx, total int, data []byte) []byte {
	b := binary.BigEndian.AppendUint16([]byte{wireMagic, kindChunk}, uint16(idx))
	b = binary.BigEndian.AppendUint16(b, uint16(total))
	return append(b, data...)
}

func decode(b []byte) (message, error) {
	if len(b) < 2 || b[0] != wireMagic {
		return message{}, errShortPacket
	}
	m := message{kind: b[1]}
	switch m.kind {
	case kindPing, kindEcho:
		if len(b) < 5 {
			return message{}, errShortPacket
		}
		m.path, m.seq = pathOf(b[2]), binary.BigEndian.Uint16(b[3:5])
	case kindChunk:
		if len(b) < 6 {
			return message{}, errShortPacket
		}
		m.idx, m.total = int(binary.BigEndian.Uint16(b[2:4])), int(binary.BigEndian.Uint16(b[4:6]))
		if m.total == 0 || m.total > maxChunks || m.idx >= m.total {
			return message{}, errShortPacket
		}
		m.data = append([]byte(nil), b[6:]...)
	case kindAck:
	default:
		return message{}, errShortPacket
	}
	return m, nil
}

// wire reads the connection in one goroutine until the agent closes and
// hands decoded messages to in; a full queue drops, as the network would.
type wire struct {
	conn *ice.Conn
	in   chan message
	done sync.WaitGroup
}

func startWire(c *ice.Conn) *wire {
	w := &wire{conn: c, in: make(chan message, wireBuffer)}
	w.done.Add(1)
	go w.read()
	return w
}

func (w *wire) read() {
	defer w.done.Done()
	buf := make([]byte, 1500)
	for {
		n, err := w.conn.Read(buf)
		if err != nil {
			return
		}
		m, err := decode(buf[:n])
		if err != nil {
			continue
		}
		select {
		case w.in <- m:
		default:
		}
	}
}

func (w *wire) wait() { w.done.Wait() }
