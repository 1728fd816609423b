package main

import (
	"github.com/pion/transport/v4"
)

// Factory holds what every command depends on; tests build their own.
type Factory struct {
	IO *IOStreams
	// Net is the network the probes use; nil is the host's own network.
	// Tests inject a testnet (vnet) world's client here.
	Net transport.Net
	// DefaultServers are used when no --server is given.
	DefaultServers []string
	// Version is the natcheck version printed by `version` and in reports.
	Version string
}

// NewFactory is the production factory on the given streams.
func NewFactory(io *IOStreams) *Factory {
	return &Factory{IO: io, DefaultServers: DefaultServers, Version: buildVersion()}
}
