package lab

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"
)

// commandWaitDelay bounds how long a command may linger after its context
// is done before it is killed.
const commandWaitDelay = 2 * time.Second

// maxErrorOutput caps how much command output an error message carries.
const maxErrorOutput = 2048

// command is a prepared short-lived command whose combined output goes to
// an unlinked temporary file rather than a pipe, so that the result never
// depends on a copying goroutine keeping up or on no other process holding
// a pipe end.
type command struct {
	argv []string
	cmd  *exec.Cmd
	out  *os.File
}

// newCommand prepares argv (with stdin when non-empty).
func newCommand(ctx context.Context, stdin string, argv ...string) (*command, error) {
	if len(argv) == 0 {
		return nil, fmt.Errorf("lab: empty command")
	}
	f, err := os.CreateTemp("", "nclab-cmd-")
	if err != nil {
		return nil, fmt.Errorf("lab: output file: %w", err)
	}
	if err := os.Remove(f.Name()); err != nil {
		f.Close()
		return nil, fmt.Errorf("lab: output file: %w", err)
	}
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.WaitDelay = commandWaitDelay
	if stdin != "" {
		cmd.Stdin = strings.NewReader(stdin)
	}
	cmd.Stdout = f
	cmd.Stderr = f
	cmd.SysProcAttr = childSysProcAttr()
	return &command{argv: argv, cmd: cmd, out: f}, nil
}

// start starts the command; on error the output file is released.
func (c *command) start() error {
	if err := c.cmd.Start(); err != nil {
		c.out.Close()
		return fmt.Errorf("%s: %w", shortArgv(c.argv), err)
	}
	return nil
}

// wait waits for the started command and returns its output. A non-zero
// exit becomes an error that names the command and carries the tail of its
// output.
func (c *command) wait(ctx context.Context) ([]byte, error) {
	defer c.out.Close()
	runErr := c.cmd.Wait()
	out, readErr := readAll(c.out)
	if runErr != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			runErr = fmt.Errorf("%w (%w)", ctxErr, runErr)
		}
		return out, fmt.Errorf("%s: %w: %s", shortArgv(c.argv), runErr, tail(out, maxErrorOutput))
	}
	if readErr != nil {
		return out, fmt.Errorf("%s: read output: %w", shortArgv(c.argv), readErr)
	}
	return out, nil
}

// runCommand runs argv to completion (with stdin when non-empty) and returns
// its combined output.
func runCommand(ctx context.Context, stdin string, argv ...string) ([]byte, error) {
	c, err := newCommand(ctx, stdin, argv...)
	if err != nil {
		return nil, err
	}
	if err := c.start(); err != nil {
		return nil, err
	}
	return c.wait(ctx)
}

// runInNetns is runCommand for a program forked from an OS thread that has
// joined namespace ns. It is much cheaper than `ip netns exec` (no mount
// namespace, no sysfs remount), which matters when dozens of short probes
// run at once; the program sees the namespace's network but the host's /sys.
func runInNetns(ctx context.Context, ns string, argv ...string) ([]byte, error) {
	c, err := newCommand(ctx, "", argv...)
	if err != nil {
		return nil, err
	}
	if err := inNetns(ctx, ns, c.start); err != nil {
		return nil, err
	}
	return c.wait(ctx)
}

// readAll reads f from its start.
func readAll(f *os.File) ([]byte, error) {
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	return io.ReadAll(f)
}

// nsArgv wraps argv so that it runs inside namespace ns.
func nsArgv(ns string, argv ...string) []string {
	return append([]string{"ip", "netns", "exec", ns}, argv...)
}

// shortArgv renders argv for error messages, eliding long arguments.
func shortArgv(argv []string) string {
	parts := make([]string, len(argv))
	for i, a := range argv {
		if len(a) > 80 {
			a = a[:77] + "..."
		}
		parts[i] = a
	}
	return strings.Join(parts, " ")
}

// tail returns at most n trailing bytes of b as trimmed text.
func tail(b []byte, n int) string {
	s := strings.TrimSpace(string(b))
	if len(s) > n {
		s = "..." + s[len(s)-n:]
	}
	return s
}
