// Package loadtest measures a STUN server (RFC 8489 Binding) on loopback:
// binding responses a second and latency percentiles under a bounded load
// (fixed duration, capped rate) that stops by itself.
package loadtest
