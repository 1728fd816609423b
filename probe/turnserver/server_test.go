package turnserver

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sync/atomic"
	"testing"

	"github.com/natcheck/natcheck/natclass"
	"github.com/natcheck/natcheck/testnet"
	"github.com/pion/stun/v3"
	"github.com/pion/turn/v5"
)

const relayMin, relayMax = 50000, 50009

// counts tallies Events.
type counts struct {
	authFailed, quotaRefused, allocated atomic.Int64
	released                            chan string
}

func (c *counts) events() Events {
	return Events{
		AuthFailed:   func() { c.authFailed.Add(1) },
		QuotaRefused: func(string) { c.quotaRefused.Add(1) },
		Allocated:    func(string) { c.allocated.Add(1) },
		Released:     func(u string) { c.released <- u },
	}
}

// startWorld runs a TURN server on the world's primary IP, port 3480.
func startWorld(t *testing.T, quota int) (*testnet.World, *Server, *counts) {
	t.Helper()
	w, err := testnet.NewWorld(testnet.WorldOptions{Kind: testnet.KindNAT,
		Mapping: natclass.MappingEndpointIndependent, Filtering: natclass.FilteringAddressAndPortDependent})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = w.Close() })
	c := &counts{released: make(chan string, 16)}
	s, err := Start(Options{Net: w.ServerNet, IP: netip.MustParseAddr(testnet.PrimaryIP), Port: DefaultPort,
		Users: []User{{"alice", "s3cret"}, {"bob", "hunter2"}}, Quota: quota,
		RelayMin: relayMin, RelayMax: relayMax, Events: c.events()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return w, s, c
}

// allocate runs pion's TURN client from the world's client (behind its
// NAT) and returns the relay address or the error.
func allocate(t *testing.T, w *testnet.World, user, password string) (*net.UDPAddr, error) {
	t.Helper()
	conn, err := w.Client.ListenPacket("udp4", "0.0.0.0:0")
	if err != nil {
		t.Fatal(err)
	}
	server := fmt.Sprintf("%s:%d", testnet.PrimaryIP, DefaultPort)
	c, err := turn.NewClient(&turn.ClientConfig{STUNServerAddr: server, TURNServerAddr: server,
		Username: user, Password: password, Conn: conn, Net: w.Client})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Listen(); err != nil {
		t.Fatal(err)
	}
	relay, err := c.Allocate()
	if err != nil {
		c.Close()
		_ = conn.Close()
		return nil, err
	}
	t.Cleanup(func() { _ = relay.Close(); c.Close(); _ = conn.Close() })
	return relay.LocalAddr().(*net.UDPAddr), nil
}

// turnCode is the error code of a TURN error response, or 0.
func turnCode(err error) stun.ErrorCode {
	var te *stun.TurnError
	if errors.As(err, &te) {
		return te.ErrorCodeAttr.Code
	}
	return 0
}

func TestAllocateCredentials(t *testing.T) {
	w, _, c := startWorld(t, 2)
	tests := []struct {
		name, user, password string
		code                 stun.ErrorCode // 0: allocation succeeds
	}{
		{"right password", "alice", "s3cret", 0},
		{"second user", "bob", "hunter2", 0},
		{"wrong password", "alice", "guess", stun.CodeBadRequest},
		{"unknown user", "mallory", "s3cret", stun.CodeBadRequest},
		{"another user's password", "bob", "s3cret", stun.CodeBadRequest},
	}
	failures := int64(0)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			relay, err := allocate(t, w, tt.user, tt.password)
			if tt.code != 0 {
				failures++
				if got := turnCode(err); got != tt.code {
					t.Fatalf("Allocate: %v (code %d), want code %d", err, got, tt.code)
				}
				return
			}
			if err != nil {
				t.Fatalf("Allocate: %v", err)
			}
			if relay.IP.String() != testnet.PrimaryIP || relay.Port < relayMin || relay.Port > relayMax {
				t.Fatalf("relay %v: want %s port %d-%d", relay, testnet.PrimaryIP, relayMin, relayMax)
			}
		})
	}
	if got := c.authFailed.Load(); got != failures {
		t.Errorf("AuthFailed told %d times, want %d", got, failures)
	}
	if got := c.allocated.Load(); got != 2 {
		t.Errorf("Allocated told %d times, want 2", got)
	}
}

func TestAllocateQuota(t *testing.T) {
	w, s, c := startWorld(t, 2)
	steps := []struct {
		name, user string
		code       stun.ErrorCode
	}{
		{"alice first", "alice", 0},
		{"alice second", "alice", 0},
		{"alice over quota", "alice", stun.CodeAllocQuotaReached},
		{"bob has his own quota", "bob", 0},
		{"alice still over quota", "alice", stun.CodeAllocQuotaReached},
	}
	for _, st := range steps {
		_, err := allocate(t, w, st.user, map[string]string{"alice": "s3cret", "bob": "hunter2"}[st.user])
		if got := turnCode(err); got != st.code || (st.code == 0 && err != nil) {
			t.Fatalf("%s: Allocate: %v (code %d), want code %d", st.name, err, got, st.code)
		}
	}
	if got := c.quotaRefused.Load(); got != 2 {
		t.Errorf("QuotaRefused told %d times, want 2", got)
	}
	if got := s.Allocations(); got != 3 {
		t.Errorf("Allocations() = %d, want 3", got)
	}
}

func TestQuotaFreedOnRelease(t *testing.T) {
	w, s, c := startWorld(t, 1)
	conn, err := w.Client.ListenPacket("udp4", "0.0.0.0:0")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	server := fmt.Sprintf("%s:%d", testnet.PrimaryIP, DefaultPort)
	cl, err := turn.NewClient(&turn.ClientConfig{STUNServerAddr: server, TURNServerAddr: server,
		Username: "alice", Password: "s3cret", Conn: conn, Net: w.Client})
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if err := cl.Listen(); err != nil {
		t.Fatal(err)
	}
	relay, err := cl.Allocate()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := allocate(t, w, "alice", "s3cret"); turnCode(err) != stun.CodeAllocQuotaReached {
		t.Fatalf("second allocation with quota 1: %v, want 486", err)
	}
	if err := relay.Close(); err != nil { // Refresh with lifetime 0
		t.Fatal(err)
	}
	if u := <-c.released; u != "alice" {
		t.Fatalf("released allocation of %q, want alice", u)
	}
	if got := s.Allocations(); got != 0 {
		t.Fatalf("Allocations() = %d after release, want 0", got)
	}
	if _, err := allocate(t, w, "alice", "s3cret"); err != nil {
		t.Fatalf("allocation after release: %v", err)
	}
}
