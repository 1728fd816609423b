// Package natclass turns observations into a NAT classification in the terms
// of RFC 4787 and RFC 5780 (mapping and filtering behaviour), with the
// RFC 3489 label beside it. It does no I/O and reads no clock: Classify is a
// pure function of its Observations.
package natclass
