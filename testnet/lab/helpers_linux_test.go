//go:build linux

package lab_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/natcheck/natcheck/testnet/lab"
)

// requireLab skips t unless the lab can run here (root, Linux, and the
// commands in tools besides ip/nft/conntrack).
func requireLab(t *testing.T, tools ...string) {
	t.Helper()
	if err := lab.Available(tools...); err != nil {
		t.Skipf("skipping real-kernel lab test: %v", err)
	}
}

// labSeq numbers the labs of one test binary run.
var labSeq atomic.Int64

// runPrefix is unique to this test binary run: nclab-t<pid>.
func runPrefix() string { return fmt.Sprintf("nclab-t%d", os.Getpid()) }

// uniquePrefix returns a fresh lab prefix for this run.
func uniquePrefix() string { return fmt.Sprintf("%s-%d", runPrefix(), labSeq.Add(1)) }

// buildLab builds a lab with a fresh prefix and closes it when t ends.
func buildLab(ctx context.Context, t *testing.T, opts lab.Options) *lab.Lab {
	t.Helper()
	if opts.Prefix == "" {
		opts.Prefix = uniquePrefix()
	}
	if opts.Logf == nil {
		opts.Logf = t.Logf
	}
	l, err := lab.Build(ctx, opts)
	if err != nil {
		t.Fatalf("Build(%s): %v", opts.Kind, err)
	}
	t.Cleanup(func() {
		if err := l.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return l
}

// TestMain removes the namespaces of earlier runs of this test binary whose
// process is gone (a run killed by a timeout cannot clean up after itself),
// and when the tests end the leftovers of this run (there should be none).
func TestMain(m *testing.M) {
	if lab.Available() == nil {
		cleanupDeadRuns()
	}
	code := m.Run()
	if lab.Available() == nil {
		if err := lab.Cleanup(context.Background(), runPrefix()); err != nil {
			fmt.Fprintln(os.Stderr, "lab cleanup:", err)
		}
	}
	os.Exit(code)
}

// itoa formats an int.
func itoa(i int) string { return fmt.Sprint(i) }

// cleanupDeadRuns removes namespaces named nclab-t<pid>-... whose test
// process no longer exists. Only this file's naming scheme is touched.
func cleanupDeadRuns() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	names, err := lab.ListNamespaces(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, "lab: list namespaces:", err)
		return
	}
	dead := map[string]bool{}
	for _, n := range names {
		var pid int
		if _, err := fmt.Sscanf(n, "nclab-t%d-", &pid); err != nil || pid <= 0 || pid == os.Getpid() {
			continue
		}
		if _, err := os.Stat(fmt.Sprintf("/proc/%d", pid)); errors.Is(err, os.ErrNotExist) {
			dead[fmt.Sprintf("nclab-t%d", pid)] = true
		}
	}
	for prefix := range dead {
		if err := lab.Cleanup(ctx, prefix); err != nil {
			fmt.Fprintln(os.Stderr, "lab: cleanup of dead run:", err)
		}
	}
}
