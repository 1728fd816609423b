// Package gather collects ICE candidates (RFC 8445: host, server-reflexive,
// relayed) with pion/ice and checks each TURN server (RFC 8656) with its own
// allocation, so that a failing relay is named instead of missing.
package gather
