// Package turnserver is natcheck server's embedded TURN server (RFC 8656, on
// pion/turn): long-term credentials, relays on one IP within a port range,
// and a per-user allocation quota answered with 486.
package turnserver
