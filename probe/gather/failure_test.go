package gather

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"testing"
)

func TestCodeFailure(t *testing.T) {
	tests := []struct {
		name       string
		code       int
		challenged bool
		want       Failure
	}{
		{"coturn wrong password", 401, true, FailureBadCredentials},
		{"pion wrong password", 400, true, FailureBadCredentials},
		{"400 before any challenge", 400, false, FailureServerError},
		{"wrong credentials", 441, true, FailureBadCredentials},
		{"forbidden", 403, true, FailureForbidden},
		{"mismatch", 437, true, FailureAllocationMismatch},
		{"unsupported transport", 442, true, FailureUnsupportedTransport},
		{"quota", 486, true, FailureQuota},
		{"capacity", 508, true, FailureCapacity},
		{"stale nonce", 438, true, FailureServerError},
		{"server error", 500, true, FailureServerError},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := codeFailure(tc.code, tc.challenged); got != tc.want {
				t.Errorf("codeFailure(%d, %v) = %s, want %s", tc.code, tc.challenged, string(got), string(tc.want))
			}
		})
	}
}

func TestConnectFailure(t *testing.T) {
	opErr := func(err error) error { return &net.OpError{Op: "dial", Net: "tcp", Err: err} }
	tests := []struct {
		name string
		err  error
		want Failure
	}{
		{"refused", opErr(os.NewSyscallError("connect", syscall.ECONNREFUSED)), FailureRefused},
		{"unreachable", opErr(os.NewSyscallError("connect", syscall.ENETUNREACH)), FailureConnect},
		{"deadline", fmt.Errorf("dial: %w", context.DeadlineExceeded), FailureTimeout},
		{"dns", &net.DNSError{Err: "no such host", Name: "turn.invalid", IsNotFound: true}, FailureResolve},
		{"other", errors.New("boom"), FailureConnect},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := connectFailure(tc.err); got != tc.want {
				t.Errorf("connectFailure(%v) = %s, want %s", tc.err, string(got), string(tc.want))
			}
		})
	}
}

func TestTLSFailure(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want Failure
	}{
		{"unknown authority", &tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}, FailureCertificate},
		{"hostname", x509.HostnameError{Host: "turn.example.org", Certificate: &x509.Certificate{}}, FailureCertificate},
		{"expired", x509.CertificateInvalidError{Reason: x509.Expired, Cert: &x509.Certificate{}}, FailureCertificate},
		{"alert", tls.AlertError(40), FailureTLS},
		{"not TLS", tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake"}, FailureTLS},
		{"hung up", io.EOF, FailureTLS},
		{"deadline", context.DeadlineExceeded, FailureTimeout},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tlsFailure(tc.err); got != tc.want {
				t.Errorf("tlsFailure(%v) = %s, want %s", tc.err, string(got), string(tc.want))
			}
		})
	}
}

func TestFailureIsError(t *testing.T) {
	err := fmt.Errorf("%w: 203.0.113.10:3478 answered 486", FailureQuota)
	if !errors.Is(err, FailureQuota) || errors.Is(err, FailureCapacity) || failureOf(err) != FailureQuota {
		t.Errorf("errors.Is/failureOf on %v", err)
	}
	if failureOf(errors.New("other")) != FailureProtocol {
		t.Errorf("failureOf(unnamed) is not protocol")
	}
	if got := codeWords(508, ""); got != "508 Insufficient Capacity" {
		t.Errorf("codeWords(508) = %q", got)
	}
}
