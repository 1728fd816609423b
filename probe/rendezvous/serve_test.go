package rendezvous

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"
)

// TestServe runs the rendezvous on a loopback listener and stops it.
func TestServe(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, ln, Options{Token: testToken}) }()
	cctx, ccancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer ccancel()
	c := &Client{BaseURL: "http://" + ln.Addr().String(), Room: "lab", Token: testToken}
	if ctl, err := c.Join(cctx); err != nil || !ctl {
		t.Fatalf("join: %v %v", ctl, err)
	}
	if _, err := (&Client{BaseURL: c.BaseURL, Room: "lab", Token: "nope"}).Join(cctx); !errors.Is(err, ErrForbidden) {
		t.Errorf("wrong token: %v", err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Serve: %v", err)
	}
}
