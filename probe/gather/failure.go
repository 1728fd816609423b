package gather

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"syscall"
)

// Failure names why a TURN server gave no relay. It is an error, so that a
// TURNResult.Err can be checked with errors.Is(err, FailureBadCredentials).
type Failure string

// Failures.
const (
	FailureBadCredentials       Failure = "bad-credentials"       // 401 after the challenge, 441, or pion's 400
	FailureAllocationMismatch   Failure = "allocation-mismatch"   // 437
	FailureQuota                Failure = "allocation-quota"      // 486
	FailureCapacity             Failure = "insufficient-capacity" // 508
	FailureForbidden            Failure = "forbidden"             // 403
	FailureUnsupportedTransport Failure = "unsupported-transport" // 442
	FailureServerError          Failure = "server-error"          // any other ERROR-CODE
	FailureProtocol             Failure = "protocol"              // an answer that was no usable TURN answer
	FailureResolve              Failure = "resolve"
	FailureRefused              Failure = "connection-refused"
	FailureConnect              Failure = "connect"
	FailureTLS                  Failure = "tls"
	FailureCertificate          Failure = "certificate"
	FailureTimeout              Failure = "timeout"
	FailureSkipped              Failure = "skipped" // not tried: its network is not enabled
)

var failureWords = map[Failure]string{
	FailureBadCredentials:       "bad credentials (wrong user or password)",
	FailureAllocationMismatch:   "allocation mismatch (the server already holds an allocation for this client address)",
	FailureQuota:                "allocation quota reached for this user",
	FailureCapacity:             "the server has no capacity for another allocation",
	FailureForbidden:            "forbidden by the server",
	FailureUnsupportedTransport: "the server does not relay this transport",
	FailureServerError:          "the server refused the allocation",
	FailureProtocol:             "the server's answer was not a usable TURN answer",
	FailureResolve:              "cannot resolve the server's name",
	FailureRefused:              "connection refused",
	FailureConnect:              "cannot connect",
	FailureTLS:                  "TLS handshake failed",
	FailureCertificate:          "certificate error",
	FailureTimeout:              "no answer before the deadline",
	FailureSkipped:              "not tried",
}

// Error is the failure in words.
func (f Failure) Error() string {
	if s, ok := failureWords[f]; ok {
		return s
	}
	return string(f)
}

// failureOf is the Failure err wraps, or FailureProtocol.
func failureOf(err error) Failure {
	var f Failure
	if errors.As(err, &f) {
		return f
	}
	return FailureProtocol
}

// codeFailure names an ERROR-CODE answered to an Allocate (RFC 8656 §6.4,
// RFC 8489 §14.8). challenged says whether the request carried credentials,
// i.e. a 401 challenge came before: pion's server then answers a wrong user
// or password with 400, coturn with 401.
func codeFailure(code int, challenged bool) Failure {
	switch code {
	case 401, 441:
		return FailureBadCredentials
	case 400:
		if challenged {
			return FailureBadCredentials
		}
		return FailureServerError
	case 403:
		return FailureForbidden
	case 437:
		return FailureAllocationMismatch
	case 442:
		return FailureUnsupportedTransport
	case 486:
		return FailureQuota
	case 508:
		return FailureCapacity
	}
	return FailureServerError
}

// connectFailure names an error from resolving or dialing.
func connectFailure(err error) Failure {
	var dnsErr *net.DNSError
	switch {
	case errors.As(err, &dnsErr):
		return FailureResolve
	case errors.Is(err, syscall.ECONNREFUSED):
		return FailureRefused
	case isTimeout(err):
		return FailureTimeout
	}
	return FailureConnect
}

// tlsFailure names an error from the TLS handshake: the certificate, the
// deadline, or anything else (an alert, a server that speaks no TLS and
// hangs up).
func tlsFailure(err error) Failure {
	var (
		verify   *tls.CertificateVerificationError
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
	)
	switch {
	case errors.As(err, &verify), errors.As(err, &unknown), errors.As(err, &hostname), errors.As(err, &invalid):
		return FailureCertificate
	case isTimeout(err):
		return FailureTimeout
	}
	return FailureTLS
}

func isTimeout(err error) bool {
	var netErr net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.As(err, &netErr) && netErr.Timeout()
}
