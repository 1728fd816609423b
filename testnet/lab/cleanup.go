package lab

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Cleanup removes what a previous (crashed) run with this prefix left
// behind: every namespace whose name starts with prefix + "-", after
// stopping the processes still running inside it. prefix must start with
// NamespacePrefix; nothing else is ever touched.
func Cleanup(ctx context.Context, prefix string) error {
	if err := validatePrefix(prefix); err != nil {
		return err
	}
	names, err := labNamespaces(ctx, prefix)
	if err != nil {
		return err
	}
	var errs []error
	for _, ns := range names {
		if err := removeNamespace(ctx, ns); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// ListNamespaces returns every existing namespace whose name starts with
// NamespacePrefix (labs of any run), e.g. to find leftovers of crashed runs.
func ListNamespaces(ctx context.Context) ([]string, error) {
	out, err := runCommand(ctx, "", "ip", "netns", "list")
	if err != nil {
		return nil, fmt.Errorf("lab: list namespaces: %w", err)
	}
	return matchNamespaces(string(out), strings.TrimSuffix(NamespacePrefix, "-")), nil
}

// labNamespaces lists existing namespaces named prefix + "-...".
func labNamespaces(ctx context.Context, prefix string) ([]string, error) {
	out, err := runCommand(ctx, "", "ip", "netns", "list")
	if err != nil {
		return nil, fmt.Errorf("lab: list namespaces: %w", err)
	}
	return matchNamespaces(string(out), prefix), nil
}

// matchNamespaces parses `ip netns list` output ("name (id: 3)" lines) and
// keeps the names that start with prefix + "-".
func matchNamespaces(listing, prefix string) []string {
	var out []string
	for _, line := range strings.Split(listing, "\n") {
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		if name := fields[0]; strings.HasPrefix(name, prefix+"-") && strings.HasPrefix(name, NamespacePrefix) {
			out = append(out, name)
		}
	}
	return out
}

// removeNamespace stops the processes inside lab namespace ns (SIGTERM,
// then SIGKILL, each by PID) and deletes it. A missing namespace is fine.
func removeNamespace(ctx context.Context, ns string) error {
	if !strings.HasPrefix(ns, NamespacePrefix) {
		return fmt.Errorf("lab: refusing to remove namespace %q without prefix %q", ns, NamespacePrefix)
	}
	if _, err := os.Stat(filepath.Join("/run/netns", ns)); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGKILL} {
		pids, err := namespacePIDs(ctx, ns)
		if err != nil {
			return err
		}
		if len(pids) == 0 {
			break
		}
		for _, pid := range pids {
			if err := signalPID(pid, sig); err != nil {
				return fmt.Errorf("lab: signal pid %d in %s: %w", pid, ns, err)
			}
		}
		if err := waitNoPIDs(ctx, ns, stopGrace); err != nil {
			return err
		}
	}
	if _, err := runCommand(ctx, "", "ip", "netns", "del", ns); err != nil {
		return fmt.Errorf("lab: delete namespace: %w", err)
	}
	return nil
}

// signalPID sends sig to pid; a process that is already gone is fine.
func signalPID(pid int, sig syscall.Signal) error {
	p, err := os.FindProcess(pid)
	if err != nil {
		return err
	}
	if err := p.Signal(sig); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return err
	}
	return nil
}

// namespacePIDs returns the processes running inside ns.
func namespacePIDs(ctx context.Context, ns string) ([]int, error) {
	out, err := runCommand(ctx, "", "ip", "netns", "pids", ns)
	if err != nil {
		return nil, fmt.Errorf("lab: list processes in %s: %w", ns, err)
	}
	var pids []int
	for _, f := range strings.Fields(string(out)) {
		pid, err := strconv.Atoi(f)
		if err != nil || pid <= 1 || pid == os.Getpid() {
			continue
		}
		pids = append(pids, pid)
	}
	return pids, nil
}

// waitNoPIDs polls until ns has no processes or d has passed (not an
// error: the caller escalates).
func waitNoPIDs(ctx context.Context, ns string, d time.Duration) error {
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		pids, err := namespacePIDs(ctx, ns)
		if err != nil || len(pids) == 0 {
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("lab: wait for processes in %s to exit: %w", ns, ctx.Err())
		case <-deadline.C:
			return nil
		case <-tick.C:
		}
	}
}
