package main

import (
	"bytes"
	"testing"

	"github.com/pion/transport/v4/vnet"
)

// testFactory is a factory on buffers whose network is an unconnected vnet,
// so that no test can reach a real server even by mistake.
func testFactory(t testing.TB) (*Factory, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	n, err := vnet.NewNet(&vnet.NetConfig{})
	if err != nil {
		t.Fatal(err)
	}
	io, _, out, errOut := TestIO()
	return &Factory{IO: io, Net: n, DefaultServers: []string{"default.invalid:3478"}, Version: "v9.9.9-test"}, out, errOut
}
