// Package testnet builds networks to test natcheck on: simulated worlds on
// pion/transport vnet (RFC 4787 NATs of every mapping × filtering kind, an
// RFC 5780 responder, loss and delay), and, in testnet/lab, real Linux NATs.
package testnet
