//go:build linux

package lab

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"golang.org/x/sys/unix"
)

// netnsDir is where `ip netns` keeps its namespace handles.
const netnsDir = "/run/netns"

// inNetns runs fn on an OS thread that has joined network namespace name.
// Sockets fn creates stay in that namespace for their whole life. fn runs on
// a dedicated goroutine; if the thread cannot be switched back it is left
// locked, so the Go runtime discards it instead of reusing it.
func inNetns(ctx context.Context, name string, fn func() error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	target, err := os.Open(filepath.Join(netnsDir, name))
	if err != nil {
		return fmt.Errorf("lab: open namespace %s: %w", name, err)
	}
	defer target.Close()

	done := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		orig, err := os.Open("/proc/thread-self/ns/net")
		if err != nil {
			runtime.UnlockOSThread()
			done <- fmt.Errorf("lab: open current namespace: %w", err)
			return
		}
		defer orig.Close()
		if err := unix.Setns(int(target.Fd()), unix.CLONE_NEWNET); err != nil {
			runtime.UnlockOSThread()
			done <- fmt.Errorf("lab: enter namespace %s: %w", name, err)
			return
		}
		fnErr := fn()
		if err := unix.Setns(int(orig.Fd()), unix.CLONE_NEWNET); err != nil {
			// Keep the thread locked: it dies with this goroutine.
			done <- errors.Join(fnErr, fmt.Errorf("lab: leave namespace %s: %w", name, err))
			return
		}
		runtime.UnlockOSThread()
		done <- fnErr
	}()
	return <-done
}

// listenUDP opens a UDP socket bound to laddr inside namespace ns.
func listenUDP(ctx context.Context, ns string, laddr netip.AddrPort) (*net.UDPConn, error) {
	var conn *net.UDPConn
	err := inNetns(ctx, ns, func() error {
		c, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(laddr))
		if err != nil {
			return fmt.Errorf("lab: listen udp %s in %s: %w", laddr, ns, err)
		}
		conn = c
		return nil
	})
	return conn, err
}

// writeSysctl writes value to /proc/sys/<key with dots as slashes> inside
// namespace ns (net.* keys are per namespace).
func writeSysctl(ctx context.Context, ns, key, value string) error {
	path := filepath.Join("/proc/sys", strings.ReplaceAll(key, ".", "/"))
	return inNetns(ctx, ns, func() error {
		if err := os.WriteFile(path, []byte(value), 0o644); err != nil {
			return fmt.Errorf("lab: sysctl %s=%s in %s: %w", key, value, ns, err)
		}
		return nil
	})
}

// dialTCP connects to raddr from inside namespace ns.
func dialTCP(ctx context.Context, ns string, raddr netip.AddrPort) (net.Conn, error) {
	var conn net.Conn
	err := inNetns(ctx, ns, func() error {
		var d net.Dialer
		c, err := d.DialContext(ctx, "tcp", raddr.String())
		if err != nil {
			return fmt.Errorf("lab: dial tcp %s from %s: %w", raddr, ns, err)
		}
		conn = c
		return nil
	})
	return conn, err
}
