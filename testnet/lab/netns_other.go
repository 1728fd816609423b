//go:build !linux

package lab

import (
	"context"
	"errors"
	"net"
	"net/netip"
)

// notLinux is returned by everything that needs network namespaces.
func notLinux() error { return errors.New("lab: network namespaces need Linux") }

func inNetns(context.Context, string, func() error) error { return notLinux() }

func listenUDP(context.Context, string, netip.AddrPort) (*net.UDPConn, error) {
	return nil, notLinux()
}

func writeSysctl(context.Context, string, string, string) error { return notLinux() }

func dialTCP(context.Context, string, netip.AddrPort) (net.Conn, error) { return nil, notLinux() }
