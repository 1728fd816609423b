// Package pair runs the pair test: two hosts exchange ICE credentials and
// candidates through a Signaler and run ICE connectivity checks (RFC 8445)
// over every local×remote candidate pair, then measure each working path.
package pair
