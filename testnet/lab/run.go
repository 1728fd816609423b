package lab

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"
	"time"
)

// commandWaitDelay bounds how long a command may linger after its context
// is done before it is killed.
const commandWaitDelay = 2 * time.Second

// maxErrorOutput caps how much command output an error message carries.
const maxErrorOutput = 2048

// runCommand runs argv to completion (with stdin when non-empty) and returns
// its combined output. A non-zero exit becomes an error that names the
// command and carries the tail of its output.
func runCommand(ctx context.Context, stdin string, argv ...string) ([]byte, error) {
	if len(argv) == 0 {
		return nil, fmt.Errorf("lab: empty command")
	}
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.WaitDelay = commandWaitDelay
	if stdin != "" {
		cmd.Stdin = strings.NewReader(stdin)
	}
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	if err := cmd.Run(); err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			err = fmt.Errorf("%w (%w)", ctxErr, err)
		}
		return out.Bytes(), fmt.Errorf("%s: %w: %s", shortArgv(argv), err, tail(out.Bytes(), maxErrorOutput))
	}
	return out.Bytes(), nil
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
