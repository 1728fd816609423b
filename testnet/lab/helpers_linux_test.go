//go:build linux

package lab_test

import (
	"context"
	"fmt"
	"os"
	"sync/atomic"
	"testing"

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

// TestMain removes leftovers of this run (there should be none) when the
// tests end, even if one of them called t.Fatal midway.
func TestMain(m *testing.M) {
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
