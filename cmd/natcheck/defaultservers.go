package main

// DefaultServers are well-known public STUN servers at different IPs, used
// when no --server is given. The first two are RFC 5780 capable (they send
// OTHER-ADDRESS), which the mapping and filtering tests need.
var DefaultServers = []string{
	"stunserver2024.stunprotocol.org:3478",
	"stun.voipgate.com:3478",
	"stun.l.google.com:19302",
	"stun.cloudflare.com:3478",
}
