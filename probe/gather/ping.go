package gather

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"net"
	"time"
)

// probeInterval spaces the relay probes.
const probeInterval = 250 * time.Millisecond

// probeMagic starts every relay probe datagram.
var probeMagic = []byte("natcheck-relay-probe")

// errNoEcho: no probe came back through the relay.
var errNoEcho = errors.New("no probe came back through the relay")

// echo sends every probe that reaches the relay back to its sender, until
// the relay's read fails (deadline or close).
func echo(relay net.PacketConn) {
	buf := make([]byte, 1500)
	for {
		n, from, err := relay.ReadFrom(buf)
		if err != nil {
			return
		}
		if bytes.HasPrefix(buf[:n], probeMagic) {
			_, _ = relay.WriteTo(buf[:n], from)
		}
	}
}

// echoed is a probe that came back.
type echoed struct {
	seq uint32
	at  time.Time
}

// ping sends numbered probes to relayed until one sent after the first
// echo comes back, and returns that probe's round trip, taken when the
// permissions are in place (or the first echo's, if ctx ends in between).
func ping(ctx context.Context, peer net.PacketConn, relayed *net.UDPAddr) (time.Duration, error) {
	nonce := make([]byte, 8)
	_, _ = rand.Read(nonce)
	prefix := append(append([]byte{}, probeMagic...), nonce...)
	back := make(chan echoed, 16)
	go readEchoes(peer, relayed, prefix, back)
	var (
		sent  []time.Time
		first time.Duration
		clean = -1 // probes from this number on were sent after the first echo
		probe = make([]byte, len(prefix)+4)
		tick  = time.NewTicker(probeInterval)
	)
	defer tick.Stop()
	send := func() {
		copy(probe, prefix)
		binary.BigEndian.PutUint32(probe[len(prefix):], uint32(len(sent)))
		sent = append(sent, time.Now())
		_, _ = peer.WriteTo(probe, relayed)
	}
	send()
	for {
		select {
		case <-ctx.Done():
			if clean >= 0 {
				return first, nil
			}
			return 0, errNoEcho
		case <-tick.C:
			send()
		case b := <-back:
			if int(b.seq) >= len(sent) {
				continue
			}
			rtt := b.at.Sub(sent[b.seq])
			if clean >= 0 && int(b.seq) >= clean {
				return rtt, nil
			}
			if clean < 0 {
				first, clean = rtt, len(sent)
				send()
			}
		}
	}
}

// readEchoes passes on the probes that come back from relayed, until the
// peer socket is closed.
func readEchoes(peer net.PacketConn, relayed *net.UDPAddr, prefix []byte, out chan<- echoed) {
	buf := make([]byte, 1500)
	for {
		n, from, err := peer.ReadFrom(buf)
		if err != nil {
			return
		}
		if n != len(prefix)+4 || !bytes.HasPrefix(buf[:n], prefix) || from.String() != relayed.String() {
			continue
		}
		select {
		case out <- echoed{seq: binary.BigEndian.Uint32(buf[len(prefix):n]), at: time.Now()}:
		default:
		}
	}
}
