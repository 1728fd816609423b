package main

import (
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"

	"github.com/natcheck/natcheck/probe/responder"
	"github.com/natcheck/natcheck/probe/turnserver"
	"github.com/spf13/cobra"
)

// turnOnlyFlags need --turn-user.
var turnOnlyFlags = []string{"turn-realm", "turn-port", "turn-tcp", "relay-ports", "turn-quota", "turn-max-conns"}

// resolve validates the flags into o; envPassword is the password for
// --turn-user names given without one. No error quotes a --turn-user value.
func (o *ServerOptions) resolve(cmd *cobra.Command, fl *serverFlags, envPassword string) error {
	if fl.primary == "" && cmd.Flags().Changed("rendezvous-listen") {
		// The rendezvous alone: no STUN, so no TURN beside it either.
		if len(fl.turnUsers) > 0 {
			return usageErrorf("--turn-user needs --primary")
		}
		return o.resolveLogs(fl)
	}
	if err := o.resolveLayout(fl); err != nil {
		return err
	}
	if o.Limit.Rate < 0 {
		return usageErrorf("--rate %g: must not be negative (0 turns the limit off)", o.Limit.Rate)
	}
	if o.Limit.Burst < 1 || o.Limit.MaxSources < 1 {
		return usageErrorf("--burst and --max-sources must be positive")
	}
	if err := o.resolveLogs(fl); err != nil {
		return err
	}
	return o.resolveTURN(cmd, fl, envPassword)
}

// resolveLogs reads the log and metrics flags.
func (o *ServerOptions) resolveLogs(fl *serverFlags) error {
	if fl.logFormat != "text" && fl.logFormat != "json" {
		return usageErrorf("--log-format %q: want text or json", fl.logFormat)
	}
	o.LogJSON = fl.logFormat == "json"
	if err := o.LogLevel.UnmarshalText([]byte(fl.logLevel)); err != nil {
		return usageErrorf("--log-level %q: want debug, info, warn or error", fl.logLevel)
	}
	if o.MetricsListen != "" {
		if _, _, err := net.SplitHostPort(o.MetricsListen); err != nil {
			return usageErrorf("--metrics-listen %q: want HOST:PORT", o.MetricsListen)
		}
	}
	return nil
}

// resolveRendezvous checks the rendezvous flags; envToken is NATCHECK_TOKEN.
// No error quotes the token.
func (o *ServerOptions) resolveRendezvous(fl *serverFlags, envToken string) error {
	if o.Rendezvous.Listen == "" {
		if fl.rendezvousToken != "" {
			return usageErrorf("--rendezvous-token needs --rendezvous-listen")
		}
		return nil
	}
	if _, _, err := net.SplitHostPort(o.Rendezvous.Listen); err != nil {
		return usageErrorf("--rendezvous-listen %q: want HOST:PORT", o.Rendezvous.Listen)
	}
	o.Rendezvous.Token = fl.rendezvousToken
	if o.Rendezvous.Token == "" {
		o.Rendezvous.Token = envToken
	}
	if o.Rendezvous.Token == "" {
		return usageErrorf("--rendezvous-listen needs a shared token: set %s or --rendezvous-token", pairTokenEnv)
	}
	return nil
}

func (o *ServerOptions) resolveLayout(fl *serverFlags) error {
	if fl.primary == "" {
		return usageErrorf("--primary is required (or --rendezvous-listen alone)")
	}
	var err error
	if o.Layout.Primary, err = netip.ParseAddr(fl.primary); err != nil {
		return usageErrorf("--primary %q: not an IP address", fl.primary)
	}
	if fl.alternate != "" {
		if o.Layout.Alternate, err = netip.ParseAddr(fl.alternate); err != nil {
			return usageErrorf("--alternate %q: not an IP address", fl.alternate)
		}
	}
	if err := o.Layout.Validate(); err != nil {
		return &usageError{err: err}
	}
	return nil
}

func (o *ServerOptions) resolveTURN(cmd *cobra.Command, fl *serverFlags, envPassword string) error {
	if len(fl.turnUsers) == 0 {
		for _, name := range turnOnlyFlags {
			if cmd.Flags().Changed(name) {
				return usageErrorf("--%s needs --turn-user", name)
			}
		}
		return nil
	}
	t := fl.turn
	t.Net, t.IP, t.TCP = o.Net, o.Layout.Primary, fl.turnTCP
	for i, spec := range fl.turnUsers {
		u, err := turnserver.ParseUser(spec, envPassword)
		if err != nil {
			return usageErrorf("--turn-user #%d: %w (give NAME:PASSWORD, or NAME and %s)", i+1, err, turnPasswordEnv)
		}
		t.Users = append(t.Users, u)
	}
	var err error
	if t.RelayMin, t.RelayMax, err = parsePortRange(fl.relayPorts); err != nil {
		return usageErrorf("--relay-ports %q: %w", fl.relayPorts, err)
	}
	if t.Quota < 1 || t.MaxTCPConns < 1 || t.Realm == "" || t.Port == 0 {
		return usageErrorf("--turn-quota and --turn-max-conns must be positive, --turn-realm and --turn-port set")
	}
	if err := checkPorts(o.Layout, t); err != nil {
		return err
	}
	o.TURN = &t
	return nil
}

// checkPorts refuses a TURN port or relay range that collides with the
// RFC 5780 sockets on the primary IP.
func checkPorts(l responder.Layout, t turnserver.Options) error {
	for _, p := range []uint16{l.Port, l.AltPort} {
		if t.Port == p {
			return usageErrorf("--turn-port %d is taken by the STUN responder", p)
		}
		if p >= t.RelayMin && p <= t.RelayMax {
			return usageErrorf("--relay-ports %d-%d contains the STUN port %d", t.RelayMin, t.RelayMax, p)
		}
	}
	if t.Port >= t.RelayMin && t.Port <= t.RelayMax {
		return usageErrorf("--relay-ports %d-%d contains --turn-port %d", t.RelayMin, t.RelayMax, t.Port)
	}
	return nil
}

// parsePortRange reads "MIN-MAX".
func parsePortRange(s string) (lo, hi uint16, err error) {
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return 0, 0, fmt.Errorf("want MIN-MAX")
	}
	l, errL := strconv.ParseUint(a, 10, 16)
	h, errH := strconv.ParseUint(b, 10, 16)
	if errL != nil || errH != nil || l == 0 || l > h {
		return 0, 0, fmt.Errorf("want MIN-MAX with 1 <= MIN <= MAX <= 65535")
	}
	return uint16(l), uint16(h), nil
}
