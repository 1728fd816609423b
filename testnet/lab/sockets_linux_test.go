//go:build linux

package lab_test

import (
	"context"
	"errors"
	"math"
	"net"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/natcheck/natcheck/testnet/lab"
)

// TestLabHairpinReplies checks hairpinning with plain sockets, including
// what natdiscovery does not look at: the reply travels back to the sender.
func TestLabHairpinReplies(t *testing.T) {
	requireLab(t, "turnserver")
	tests := []struct {
		name    string
		kind    lab.Kind
		hairpin bool
	}{
		{"full-cone", lab.KindFullCone, true},
		{"restricted-cone", lab.KindRestrictedCone, true},
		{"port-restricted-cone", lab.KindPortRestrictedCone, true},
		{"port-restricted-cone without hairpin", lab.KindPortRestrictedCone, false},
		{"double-nat", lab.KindDoubleNAT, true},
		{"symmetric", lab.KindSymmetric, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			l := buildLab(ctx, t, lab.Options{Kind: tc.kind, Hairpin: tc.hairpin})
			c, err := l.StartCoturn(ctx, lab.CoturnOptions{})
			if err != nil {
				t.Fatalf("StartCoturn: %v", err)
			}
			cli := l.Namespaces().Client
			a, err := l.ListenUDP(ctx, cli, netip.AddrPort{})
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			b, err := l.ListenUDP(ctx, cli, netip.AddrPort{})
			if err != nil {
				t.Fatal(err)
			}
			defer b.Close()
			mappedA, err := lab.BindingRequest(ctx, a, c.Primary())
			if err != nil {
				t.Fatalf("binding A: %v", err)
			}
			mappedB, err := lab.BindingRequest(ctx, b, c.Primary())
			if err != nil {
				t.Fatalf("binding B: %v", err)
			}

			want, _ := l.Expect().HairpinningKnown()
			got, from := exchange(t, b, a, mappedA, []byte("ping"))
			if got != want {
				t.Fatalf("hairpin B->A delivered=%v, want %v", got, want)
			}
			if !got {
				return
			}
			if from != mappedB {
				t.Errorf("A saw the hairpinned packet from %s, want B's mapping %s", from, mappedB)
			}
			// A answers the source it saw; B must get it from A's mapping.
			replied, replyFrom := exchange(t, a, b, from, []byte("pong"))
			if !replied {
				t.Fatalf("reply A->B via hairpin lost")
			}
			if replyFrom != mappedA {
				t.Errorf("B saw the reply from %s, want A's mapping %s", replyFrom, mappedA)
			}
		})
	}
}

// exchange sends msg from src to dst and reports whether dstConn receives
// it within a second, and from where.
func exchange(t *testing.T, src, dstConn *net.UDPConn, dst netip.AddrPort, msg []byte) (bool, netip.AddrPort) {
	t.Helper()
	if _, err := src.WriteToUDPAddrPort(msg, dst); err != nil {
		t.Fatalf("send to %s: %v", dst, err)
	}
	if err := dstConn.SetReadDeadline(time.Now().Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 1500)
	for {
		n, from, err := dstConn.ReadFromUDPAddrPort(buf)
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return false, netip.AddrPort{}
		}
		if err != nil {
			t.Fatalf("read: %v", err)
		}
		if string(buf[:n]) == string(msg) {
			return true, netip.AddrPortFrom(from.Addr().Unmap(), from.Port())
		}
	}
}

// TestLabLoss measures the loss rule in each direction with an echo server
// in the server namespace: upstream and downstream delivery must both be
// about 1 - loss.
func TestLabLoss(t *testing.T) {
	requireLab(t)
	tests := []struct {
		name string
		kind lab.Kind
		loss int
	}{
		{"no loss", lab.KindPortRestrictedCone, 0},
		{"20% full-cone", lab.KindFullCone, 20},
		{"20% open", lab.KindOpen, 20},
		{"50% double-nat", lab.KindDoubleNAT, 50},
	}
	const packets = 500
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			l := buildLab(ctx, t, lab.Options{Kind: tc.kind, LossPercent: tc.loss})
			up, down := measureLoss(ctx, t, l, packets)
			want := 1 - float64(tc.loss)/100
			// Four standard deviations of a binomial proportion.
			tol := 4*math.Sqrt(want*(1-want)/packets) + 0.01
			if math.Abs(up-want) > tol {
				t.Errorf("upstream delivery %.3f, want %.3f±%.3f", up, want, tol)
			}
			if math.Abs(down-want) > tol {
				t.Errorf("downstream delivery %.3f, want %.3f±%.3f", down, want, tol)
			}
			t.Logf("delivery up %.3f down %.3f (configured loss %d%%)", up, down, tc.loss)
		})
	}
}

// measureLoss sends n numbered datagrams from the client to an echo socket
// on ServerPrimaryIP and returns the fraction that arrived upstream and the
// fraction of those whose echo came back.
func measureLoss(ctx context.Context, t *testing.T, l *lab.Lab, n int) (up, down float64) {
	t.Helper()
	srvAddr := netip.AddrPortFrom(netip.MustParseAddr(lab.ServerPrimaryIP), 7000)
	echo, err := l.ListenUDP(ctx, l.Namespaces().Server, srvAddr)
	if err != nil {
		t.Fatal(err)
	}
	defer echo.Close()
	cli, err := l.ListenUDP(ctx, l.Namespaces().Client, netip.AddrPort{})
	if err != nil {
		t.Fatal(err)
	}
	defer cli.Close()

	var (
		wg       sync.WaitGroup
		received int
		echoed   int
	)
	wg.Add(2)
	go func() { // echo server
		defer wg.Done()
		buf := make([]byte, 64)
		for {
			_ = echo.SetReadDeadline(time.Now().Add(time.Second))
			m, from, err := echo.ReadFromUDPAddrPort(buf)
			if err != nil {
				return
			}
			received++
			_, _ = echo.WriteToUDPAddrPort(buf[:m], from)
		}
	}()
	go func() { // client receiver
		defer wg.Done()
		buf := make([]byte, 64)
		for {
			_ = cli.SetReadDeadline(time.Now().Add(time.Second))
			if _, _, err := cli.ReadFromUDPAddrPort(buf); err != nil {
				return
			}
			echoed++
		}
	}()
	for i := range n {
		if _, err := cli.WriteToUDPAddrPort([]byte{byte(i >> 8), byte(i)}, srvAddr); err != nil {
			t.Fatalf("send: %v", err)
		}
		time.Sleep(time.Millisecond) // bounded rate: 1000 packets/s
	}
	wg.Wait()
	if received == 0 {
		t.Fatalf("no packet reached the server")
	}
	return float64(received) / float64(n), float64(echoed) / float64(received)
}
