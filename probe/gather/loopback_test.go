package gather_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/natcheck/natcheck/natclass"
	"github.com/natcheck/natcheck/probe/gather"
	"github.com/natcheck/natcheck/testnet"
	"github.com/pion/transport/v4/stdnet"
)

// loopbackTURN runs a pion TURN server on 127.0.0.1 over UDP, TCP and TLS:
// vnet has no TCP, so TURN over TCP and TLS is tested on the host's
// loopback. No packet leaves 127.0.0.1.
func loopbackTURN(t *testing.T) (*testnet.TURNServer, *x509.CertPool) {
	t.Helper()
	n, err := stdnet.NewNet()
	if err != nil {
		t.Fatal(err)
	}
	cert, roots, err := testnet.SelfSignedTLS("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	s, err := testnet.StartTURNServer(testnet.TURNOptions{Net: n, UDP: "127.0.0.1:0", TCP: "127.0.0.1:0", TLS: "127.0.0.1:0",
		Cert: cert, RelayIP: "127.0.0.1", Users: map[string]string{turnUser: turnPassword}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s, roots
}

// closedPort is a loopback TCP port nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return addr
}

// TestRunLoopback: TURN over UDP, TCP and TLS, and the ways each fails to
// connect, against a TURN server on 127.0.0.1, each within a deadline.
func TestRunLoopback(t *testing.T) {
	s, roots := loopbackTURN(t)
	_, otherRoots, err := testnet.SelfSignedTLS("127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		url       string
		password  string
		tls       *tls.Config
		failure   gather.Failure
		relayProt string // of the relay candidate ice must find; "" none
	}{
		{name: "udp", url: "turn:" + s.UDPAddr, relayProt: "udp"},
		{name: "tcp", url: "turn:" + s.TCPAddr + "?transport=tcp", relayProt: "tcp"},
		{name: "tls", url: "turns:" + s.TLSAddr, tls: &tls.Config{RootCAs: roots}, relayProt: "tls"},
		{name: "tcp wrong password", url: "turn:" + s.TCPAddr + "?transport=tcp", password: wrongPassword, failure: gather.FailureBadCredentials},
		{name: "tls untrusted certificate", url: "turns:" + s.TLSAddr, tls: &tls.Config{RootCAs: otherRoots}, failure: gather.FailureCertificate},
		{name: "tls wrong name", url: "turns:" + s.TLSAddr, tls: &tls.Config{RootCAs: roots, ServerName: "turn.example.org"}, failure: gather.FailureCertificate},
		{name: "tls to a plain TCP port", url: "turns:" + s.TCPAddr, tls: &tls.Config{RootCAs: roots}, failure: gather.FailureTLS},
		{name: "tcp refused", url: "turn:" + closedPort(t) + "?transport=tcp", failure: gather.FailureRefused},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pw := turnPassword
			if tc.password != "" {
				pw = tc.password
			}
			ctx, cancel := context.WithTimeout(context.Background(), deadline)
			defer cancel()
			start := time.Now()
			res, err := gather.Run(ctx, gather.Options{
				TURN:     []gather.TURNServer{{URL: tc.url, User: turnUser, Password: pw}},
				Networks: []gather.Network{gather.UDP4, gather.TCP4}, TLS: tc.tls,
				IPFilter: func(ip net.IP) bool { return ip.IsLoopback() }, IncludeLoopback: true,
			})
			if err != nil {
				t.Fatal(err)
			}
			if took := time.Since(start); took > deadline {
				t.Errorf("took %v", took)
			}
			r := res.TURN[0]
			if r.Failure != tc.failure || (tc.failure != "" && !errors.Is(r.Err, tc.failure)) {
				t.Errorf("failure %q (%s), want %q", string(r.Failure), r.Error, string(tc.failure))
			}
			if tc.failure == "" && (r.RelayData != natclass.True || r.RoundTrip <= 0) {
				t.Errorf("relay data %s (%s), want a round trip", r.RelayData, r.RelayError)
			}
			checkRelayCandidate(t, res, tc.url, tc.relayProt)
			noSecrets(t, fmt.Sprintf("%+v", res), turnPassword, wrongPassword)
		})
	}
}

// checkRelayCandidate wants one relay candidate over prot, or none if
// prot is "".
func checkRelayCandidate(t *testing.T, res gather.Result, url, prot string) {
	t.Helper()
	var got []string
	for _, c := range res.Candidates {
		if c.Type == gather.TypeRelay {
			got = append(got, c.RelayProtocol)
		}
	}
	if (prot == "" && len(got) != 0) || (prot != "" && (len(got) != 1 || got[0] != prot)) {
		t.Errorf("relay candidates over %v from %s, want %q; warnings %q", got, url, prot, res.Warnings)
	}
}

// TestRunLoopbackIPv6: a TURN allocation and relay round trip over IPv6
// (RFC 6156) on ::1, and no IPv4 candidate when only udp6 is enabled. ice
// v4.4.1 gathers no candidate on ::1 (its first 12 bytes are zero, which
// it takes for a deprecated IPv4-compatible address) and skips TURN over
// IPv6: IPv6 candidates are for the netns lab.
func TestRunLoopbackIPv6(t *testing.T) {
	n, err := stdnet.NewNet()
	if err != nil {
		t.Fatal(err)
	}
	s, err := testnet.StartTURNServer(testnet.TURNOptions{Net: n, UDP: "[::1]:0", RelayIP: "::1",
		Users: map[string]string{turnUser: turnPassword}})
	if err != nil {
		t.Skipf("no IPv6 loopback: %v", err)
	}
	defer s.Close()
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	res, err := gather.Run(ctx, gather.Options{
		STUN:     []string{"stun:" + s.UDPAddr}, // pion's TURN server answers Binding requests
		TURN:     []gather.TURNServer{{URL: "turn:" + s.UDPAddr, User: turnUser, Password: turnPassword}},
		Networks: []gather.Network{gather.UDP6},
		IPFilter: func(ip net.IP) bool { return ip.IsLoopback() }, IncludeLoopback: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range res.Candidates {
		if net.ParseIP(c.Address).To4() != nil {
			t.Errorf("IPv4 candidate %+v with udp6 only", c)
		}
	}
	r := res.TURN[0]
	if !r.OK || r.RelayData != natclass.True || !strings.HasPrefix(r.RelayedAddress, "[::1]:") || !strings.HasPrefix(r.Address, "[::1]:") {
		t.Errorf("TURN over IPv6: %+v", r)
	}
}
