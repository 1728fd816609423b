package lab

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"
)

// stopGrace is how long a process gets between SIGTERM and SIGKILL.
const stopGrace = 3 * time.Second

// maxProcessOutput caps the output a Process keeps (the newest bytes win).
const maxProcessOutput = 256 << 10

// Process is a background program running inside a lab namespace.
type Process struct {
	// Namespace is where the process runs.
	Namespace string
	// Argv is the program and its arguments (without the ip netns wrapper).
	Argv []string
	// PID is the process id; `ip netns exec` execs the program, so this is
	// the program's own PID.
	PID int

	cmd  *exec.Cmd
	out  *ringBuffer
	done chan struct{}
	err  error // exit status, valid once done is closed
}

// start launches argv in namespace ns. The process is killed when ctx is
// done; the caller records it for Close.
func startProcess(ctx context.Context, ns string, argv []string) (*Process, error) {
	if len(argv) == 0 {
		return nil, fmt.Errorf("lab: start in %s: empty command", ns)
	}
	full := nsArgv(ns, argv...)
	cmd := exec.CommandContext(ctx, full[0], full[1:]...)
	p := &Process{
		Namespace: ns,
		Argv:      append([]string(nil), argv...),
		cmd:       cmd,
		out:       &ringBuffer{max: maxProcessOutput},
		done:      make(chan struct{}),
	}
	cmd.Stdout = p.out
	cmd.Stderr = p.out
	cmd.SysProcAttr = childSysProcAttr()
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = stopGrace
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("lab: start %s in %s: %w", shortArgv(argv), ns, err)
	}
	p.PID = cmd.Process.Pid
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// Done is closed when the process has exited.
func (p *Process) Done() <-chan struct{} { return p.done }

// Err returns the process's exit error once Done is closed (nil before).
func (p *Process) Err() error {
	select {
	case <-p.done:
		return p.err
	default:
		return nil
	}
}

// Running reports whether the process has not exited yet.
func (p *Process) Running() bool {
	select {
	case <-p.done:
		return false
	default:
		return true
	}
}

// Output returns the newest output (stdout and stderr interleaved) of the
// process, at most 256 KiB.
func (p *Process) Output() string { return p.out.String() }

// Wait blocks until the process exits or ctx is done.
func (p *Process) Wait(ctx context.Context) error {
	select {
	case <-p.done:
		return p.err
	case <-ctx.Done():
		return fmt.Errorf("lab: wait for %s: %w", shortArgv(p.Argv), ctx.Err())
	}
}

// Stop sends SIGTERM to the process's PID, waits up to three seconds (or
// until ctx is done) and then sends SIGKILL. Stopping an exited process is a
// no-op. The exit status caused by the signal is not an error.
func (p *Process) Stop(ctx context.Context) error {
	if !p.Running() {
		return nil
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("lab: stop pid %d: %w", p.PID, err)
	}
	grace := time.NewTimer(stopGrace)
	defer grace.Stop()
	select {
	case <-p.done:
		return nil
	case <-grace.C:
	case <-ctx.Done():
	}
	if err := p.cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("lab: kill pid %d: %w", p.PID, err)
	}
	select {
	case <-p.done:
		return nil
	case <-time.After(stopGrace):
		return fmt.Errorf("lab: pid %d did not exit after SIGKILL", p.PID)
	}
}

// ringBuffer is an io.Writer that keeps the newest max bytes written to it.
type ringBuffer struct {
	mu  sync.Mutex
	max int
	buf []byte
}

// Write implements io.Writer; it never fails.
func (r *ringBuffer) Write(b []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.buf = append(r.buf, b...)
	if over := len(r.buf) - r.max; over > 0 {
		r.buf = append(r.buf[:0], r.buf[over:]...)
	}
	return len(b), nil
}

// String returns the buffered text.
func (r *ringBuffer) String() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Clone(string(r.buf))
}
