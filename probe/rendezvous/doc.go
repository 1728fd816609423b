// Package rendezvous is the pair test's signaling service: an HTTP
// (RFC 9110) long-poll mailbox where two peers in a named room swap their
// ICE descriptions (RFC 8445 §5.3), guarded by a shared token.
package rendezvous
