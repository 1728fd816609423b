package main

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/natcheck/natcheck/probe/rendezvous"
)

// TestServerRendezvous runs `natcheck server --rendezvous-listen` alone on
// loopback: peers with the token join a room, a wrong token is refused, a
// third peer finds the room full, the token never reaches the logs, and a
// stop exits 0.
func TestServerRendezvous(t *testing.T) {
	const token = "r00m-t0ken-never-logged"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // the server takes the port over
	t.Setenv(pairTokenEnv, token)
	logs := newLogLines()
	f := &Factory{IO: &IOStreams{In: strings.NewReader(""), Out: io.Discard, ErrOut: logs}, Version: "v9.9.9-test"}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	exited := make(chan ExitCode, 1)
	go func() {
		exited <- runWith(ctx, []string{"server", "--log-format", "json", "--rendezvous-listen", addr}, f)
	}()
	logs.waitFor(t, "rendezvous listening", exited)

	cctx, ccancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer ccancel()
	join := func(tok string) error {
		c := &rendezvous.Client{BaseURL: "http://" + addr, Room: "lab", Token: tok}
		_, err := c.Join(cctx)
		return err
	}
	if err := join("wrong"); !errors.Is(err, rendezvous.ErrForbidden) {
		t.Errorf("wrong token: %v, want ErrForbidden", err)
	}
	for i := range 2 {
		if err := join(token); err != nil {
			t.Fatalf("peer %d: %v", i+1, err)
		}
	}
	if err := join(token); !errors.Is(err, rendezvous.ErrRoomFull) {
		t.Errorf("third peer: %v, want ErrRoomFull", err)
	}
	cancel()
	select {
	case code := <-exited:
		if code != ExitOK {
			t.Errorf("exit code %d after stop, want 0", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("server did not stop")
	}
	if strings.Contains(logs.String(), token) {
		t.Error("the rendezvous token is in the logs")
	}
}
