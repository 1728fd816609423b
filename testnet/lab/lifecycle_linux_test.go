//go:build linux

package lab_test

import (
	"context"
	"net/netip"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/natcheck/natcheck/testnet/lab"
)

// nsExists reports whether a namespace handle exists.
func nsExists(name string) bool {
	_, err := os.Stat("/run/netns/" + name)
	return err == nil
}

func TestLabLifecycle(t *testing.T) {
	requireLab(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	prefix := uniquePrefix()
	l, err := lab.Build(ctx, lab.Options{Kind: lab.KindDoubleNAT, Prefix: prefix, Logf: t.Logf})
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	ns := l.Namespaces()
	for _, n := range ns.All() {
		if !nsExists(n) {
			t.Errorf("namespace %s missing after Build", n)
		}
	}
	if _, err := lab.Build(ctx, lab.Options{Kind: lab.KindOpen, Prefix: prefix}); err == nil {
		t.Errorf("second Build with the same prefix succeeded, want an error")
	}
	if _, err := l.Exec(ctx, "not-a-lab-ns", "true"); err == nil {
		t.Errorf("Exec in a foreign namespace succeeded")
	}
	p, err := l.Start(ctx, ns.Client, "sleep", "300")
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	if err := l.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	select {
	case <-p.Done():
	case <-time.After(5 * time.Second):
		t.Errorf("process %d still running after Close", p.PID)
	}
	for _, n := range ns.All() {
		if nsExists(n) {
			t.Errorf("namespace %s still there after Close", n)
		}
	}
	if err := l.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}

	// A crashed run: build, start a process, never Close; Cleanup must
	// remove it all and a new Build with the same prefix must work.
	crashed, err := lab.Build(ctx, lab.Options{Kind: lab.KindPortRestrictedCone, Prefix: prefix})
	if err != nil {
		t.Fatalf("Build after Close: %v", err)
	}
	orphan, err := crashed.Start(context.Background(), crashed.Namespaces().Server, "sleep", "300")
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	if err := lab.Cleanup(ctx, prefix); err != nil {
		t.Fatalf("Cleanup: %v", err)
	}
	select {
	case <-orphan.Done():
	case <-time.After(5 * time.Second):
		t.Errorf("orphan %d still running after Cleanup", orphan.PID)
	}
	for _, n := range crashed.Namespaces().All() {
		if nsExists(n) {
			t.Errorf("namespace %s still there after Cleanup", n)
		}
	}
	again := buildLab(ctx, t, lab.Options{Kind: lab.KindPortRestrictedCone, Prefix: prefix})
	if _, err := again.Exec(ctx, again.Namespaces().Client, "ip", "route"); err != nil {
		t.Errorf("Exec after rebuild: %v", err)
	}
}

func TestCleanupRefusesForeignPrefix(t *testing.T) {
	tests := []struct {
		name, prefix string
	}{
		{"empty", ""},
		{"bare prefix", "nclab-"},
		{"foreign", "netns-1"},
		{"uppercase", "nclab-ABC"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := lab.Cleanup(context.Background(), tc.prefix); err == nil {
				t.Errorf("Cleanup(%q) succeeded, want an error", tc.prefix)
			}
		})
	}
}

func TestLabRoutingAndSTUN(t *testing.T) {
	requireLab(t, "turnserver")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	l := buildLab(ctx, t, lab.Options{Kind: lab.KindPortRestrictedCone})
	c, err := l.StartCoturn(ctx, lab.CoturnOptions{})
	if err != nil {
		t.Fatalf("StartCoturn: %v", err)
	}
	pid, err := os.ReadFile(c.Dir + "/turnserver.pid")
	if err != nil {
		t.Fatalf("pid file: %v", err)
	}
	if got := strings.TrimSpace(string(pid)); got != itoa(c.PID) {
		t.Errorf("coturn pid file says %s, lab recorded %d", got, c.PID)
	}
	mapped, err := l.STUNBinding(ctx, l.Namespaces().Client, c.Primary())
	if err != nil {
		t.Fatalf("STUNBinding: %v", err)
	}
	if mapped.Addr() != netip.MustParseAddr(lab.NATPublicIP) {
		t.Errorf("mapped address %s, want %s", mapped, lab.NATPublicIP)
	}
}
