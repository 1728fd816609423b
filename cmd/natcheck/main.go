// Command natcheck diagnoses NAT traversal: which NAT this host is behind,
// with the evidence, and what that means for peer-to-peer connections.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], SystemIO())
	stop()
	os.Exit(int(code))
}
