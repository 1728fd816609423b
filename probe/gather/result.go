package gather

import (
	"time"

	"github.com/natcheck/natcheck/natclass"
)

// Candidate types as ICE spells them (RFC 8445 §5.1.1, RFC 8839 §5.1).
const (
	TypeHost  = "host"
	TypeSrflx = "srflx"
	TypePrflx = "prflx"
	TypeRelay = "relay"
)

// Candidate is one local candidate, as the WebRTC trickle-ICE sample lists it.
type Candidate struct {
	Type           string // host, srflx, prflx or relay
	Protocol       string // udp or tcp: the candidate's own transport
	Address        string // IP literal
	Port           int
	Priority       uint32
	Foundation     string
	RelatedAddress string // base of a srflx, mapped address of a relay; "" for host
	RelatedPort    int
	RelayProtocol  string // relay only: udp, tcp or tls to the TURN server
	Server         string // the URL that produced it, without credentials; "" for host
	At             time.Duration
}

// TURNResult is one TURN server's diagnosis: did an allocation succeed,
// and does the relay carry data both ways.
type TURNResult struct {
	Server    string // URL without credentials
	Transport string // udp, tcp or tls
	Address   string // the server's resolved address, ip:port
	OK        bool   // the allocation succeeded

	RelayedAddress string        // XOR-RELAYED-ADDRESS
	MappedAddress  string        // XOR-MAPPED-ADDRESS: this host as the server saw it
	Lifetime       time.Duration // LIFETIME granted by the server
	AllocateTime   time.Duration // from the first request to the allocation

	// RelayData says whether data made a round trip through the relay:
	// from a second local socket (or, failing that, a second allocation)
	// to the relayed address, to us, back out of the relay and home.
	// NotTested when the allocation failed.
	RelayData  natclass.Tri
	RelayVia   string        // RelayViaPeer or RelayViaAllocation, when it succeeded
	RoundTrip  time.Duration // of that round trip, when it succeeded
	RelayError string        // why it failed (or, via a second allocation, why the peer's way did)

	Failure   Failure // machine name of the failure, "" when OK
	Error     string  // the failure in words, "" when OK
	ErrorCode int     // the STUN ERROR-CODE (RFC 8489 §14.8), 0 if none
	Err       error   // for errors.Is against the Err* sentinels; nil when OK
}

// Result is one gathering run.
type Result struct {
	Candidates []Candidate  // in order of arrival
	TURN       []TURNResult // in the order the servers were given
	Warnings   []string     // pion's WARN and ERROR lines, passwords redacted
	Complete   bool         // every gathering finished before the deadline
	Duration   time.Duration
}
