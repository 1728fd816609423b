// Package probe sends the packets: STUN Binding transactions (RFC 5389/8489) on
// sockets it owns, the RFC 5780 NAT behaviour tests, and the concurrent check
// that turns their answers into natclass.Observations.
package probe
