package report

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/natcheck/natcheck/probe/gather"
)

// Candidates is the candidates section: the ICE candidates gathered (as the
// WebRTC trickle-ICE sample lists them), each TURN server's diagnosis, and
// what that means in plain words. Arrays are never null.
type Candidates struct {
	Kinds      []string        `json:"kinds"` // candidate types obtained, in host, srflx, prflx, relay order
	Candidates []Candidate     `json:"candidates"`
	TURN       []TURNDiagnosis `json:"turn"`
	Advice     string          `json:"advice"`
	Complete   bool            `json:"complete"` // every gathering ended before the deadline
	Warnings   []string        `json:"warnings"` // pion's WARN and ERROR lines, passwords redacted
}

// Candidate is one local ICE candidate (RFC 8445 §5.1).
type Candidate struct {
	Type           string  `json:"type"`     // host, srflx, prflx or relay
	Protocol       string  `json:"protocol"` // udp or tcp
	Address        string  `json:"address"`  // IP
	Port           int     `json:"port"`
	Priority       uint32  `json:"priority"`
	Foundation     string  `json:"foundation"`
	RelatedAddress string  `json:"relatedAddress"` // "ip:port", "" for host
	RelayProtocol  string  `json:"relayProtocol"`  // relay only: udp, tcp or tls to the TURN server
	Server         string  `json:"server"`         // the URL that produced it, "" for host
	Ms             float64 `json:"ms"`             // when it arrived, from the start
}

// TURNDiagnosis is one TURN server's result (RFC 8656): the allocation, or
// why it failed, and whether data made a round trip through the relay.
type TURNDiagnosis struct {
	Server         string   `json:"server"`    // URL, never with credentials
	Transport      string   `json:"transport"` // udp, tcp or tls
	Address        string   `json:"address"`   // resolved, ip:port
	OK             bool     `json:"ok"`        // the allocation succeeded
	RelayedAddress string   `json:"relayedAddress"`
	MappedAddress  string   `json:"mappedAddress"`
	LifetimeMs     float64  `json:"lifetimeMs"`
	AllocateMs     float64  `json:"allocateMs"`
	RelayData      *bool    `json:"relayData"`   // null: not tested
	RelayVia       string   `json:"relayVia"`    // "peer" (from this host) or "allocation" (a second one), when relayData is true
	RoundTripMs    *float64 `json:"roundTripMs"` // null unless relayData is true
	RelayError     string   `json:"relayError"`
	Failure        string   `json:"failure"` // machine name, e.g. bad-credentials; "" when ok
	Error          string   `json:"error"`
	ErrorCode      int      `json:"errorCode"` // STUN ERROR-CODE, 0 if none
}

// FromGather builds the candidates section of one gathering run.
func FromGather(res gather.Result) Candidates {
	c := Candidates{Candidates: []Candidate{}, TURN: []TURNDiagnosis{}, Complete: res.Complete, Warnings: strs(res.Warnings)}
	for _, gc := range res.Candidates {
		c.Candidates = append(c.Candidates, candidateOf(gc))
	}
	for _, t := range res.TURN {
		c.TURN = append(c.TURN, turnOf(t))
	}
	c.Kinds = candidateKinds(c.Candidates)
	c.Advice = candidateAdvice(c)
	return c
}

func candidateOf(g gather.Candidate) Candidate {
	c := Candidate{Type: g.Type, Protocol: g.Protocol, Address: g.Address, Port: g.Port, Priority: g.Priority,
		Foundation: g.Foundation, RelayProtocol: g.RelayProtocol, Server: g.Server, Ms: ms(g.At)}
	if g.RelatedAddress != "" {
		c.RelatedAddress = net.JoinHostPort(g.RelatedAddress, strconv.Itoa(g.RelatedPort))
	}
	return c
}

func turnOf(t gather.TURNResult) TURNDiagnosis {
	d := TURNDiagnosis{Server: t.Server, Transport: t.Transport, Address: t.Address, OK: t.OK,
		RelayedAddress: t.RelayedAddress, MappedAddress: t.MappedAddress, LifetimeMs: ms(t.Lifetime),
		AllocateMs: ms(t.AllocateTime), RelayData: t.RelayData.Bool(), RelayVia: t.RelayVia, RelayError: t.RelayError,
		Failure: string(t.Failure), Error: t.Error, ErrorCode: t.ErrorCode}
	if d.RelayData != nil && *d.RelayData {
		d.RoundTripMs = msPtr(t.RoundTrip)
	}
	return d
}

// candidateKinds lists the types present, in a fixed order.
func candidateKinds(cs []Candidate) []string {
	kinds := []string{}
	for _, k := range []string{gather.TypeHost, gather.TypeSrflx, gather.TypePrflx, gather.TypeRelay} {
		for _, c := range cs {
			if c.Type == k {
				kinds = append(kinds, k)
				break
			}
		}
	}
	return kinds
}

// candidateAdvice says in plain words what the candidates mean for peers.
func candidateAdvice(c Candidates) string {
	has := func(k string) bool { return slices.Contains(c.Kinds, k) }
	var parts []string
	if !has(gather.TypeSrflx) {
		parts = append(parts, "no server-reflexive candidate: no STUN server answered over UDP, so peers can reach you only through a relay.")
	}
	relays := relayServers(c)
	switch {
	case len(c.TURN) == 0 && !has(gather.TypeRelay):
		parts = append(parts, "no TURN server configured: peers behind symmetric NAT will not reach you (try --turn).")
	case len(relays) == 0:
		parts = append(parts, "no working TURN server: peers behind symmetric NAT will not reach you ("+firstTURNProblem(c.TURN)+").")
	default:
		parts = append(parts, "relay works via "+strings.Join(relays, ", ")+": peers that cannot reach you directly can go through it.")
		if viaAllocationOnly(c.TURN) {
			parts = append(parts, "This host's UDP did not reach the relayed address (a second allocation proved the relay instead):"+
				" expected if UDP is blocked here, else a firewall may be filtering the relay ports.")
		}
	}
	return strings.Join(parts, " ")
}

// relayServers are the TURN servers whose relay carried data, or, if none
// was tested, that allocated; else those that gave ice a relay candidate.
func relayServers(c Candidates) []string {
	var ok []string
	for _, t := range c.TURN {
		if t.OK && (t.RelayData == nil || *t.RelayData) {
			ok = append(ok, t.Server)
		}
	}
	if len(c.TURN) == 0 {
		for _, cand := range c.Candidates {
			if cand.Type == gather.TypeRelay {
				ok = append(ok, cand.Server)
			}
		}
	}
	return ok
}

// viaAllocationOnly: some relay carried data, and none from this host.
func viaAllocationOnly(ts []TURNDiagnosis) bool {
	some := false
	for _, t := range ts {
		switch t.RelayVia {
		case gather.RelayViaPeer:
			return false
		case gather.RelayViaAllocation:
			some = true
		}
	}
	return some
}

// firstTURNProblem is the first TURN server's problem in a few words.
func firstTURNProblem(ts []TURNDiagnosis) string {
	for _, t := range ts {
		switch {
		case !t.OK:
			return t.Server + ": " + t.Error
		case t.RelayData != nil && !*t.RelayData:
			return t.Server + ": allocation works but no data came back through the relay: " + t.RelayError
		}
	}
	return "none answered"
}

// GatherReport is `natcheck gather`'s document: the candidates section with
// the report's header. JSON flattens the section into the document.
type GatherReport struct {
	SchemaVersion int     `json:"schemaVersion"`
	Tool          string  `json:"tool"`
	Command       string  `json:"command"` // "gather"
	Version       string  `json:"version"`
	Time          string  `json:"time"` // start, RFC 3339 UTC
	DurationMs    float64 `json:"durationMs"`
	Candidates
}

// CommandGather is the "command" of a gather document.
const CommandGather = "gather"

// NewGatherReport wraps a candidates section in the report header.
func NewGatherReport(c Candidates, meta Meta, d time.Duration) GatherReport {
	g := GatherReport{SchemaVersion: SchemaVersion, Tool: Tool, Command: CommandGather, Version: meta.Version,
		DurationMs: ms(d), Candidates: c}
	if !meta.Time.IsZero() {
		g.Time = meta.Time.UTC().Format(time.RFC3339Nano)
	}
	return g
}

// ParseGather reads one saved gather document (json or jsonl format), e.g.
// the output of the natcheck binary in a lab test. Another schemaVersion or
// another command's document is refused.
func ParseGather(r io.Reader) (GatherReport, error) {
	dec := json.NewDecoder(r)
	var g GatherReport
	if err := dec.Decode(&g); err != nil {
		return GatherReport{}, fmt.Errorf("%w: %w", ErrNotReport, err)
	}
	switch {
	case dec.More():
		return GatherReport{}, fmt.Errorf("%w: more than one JSON document", ErrNotReport)
	case g.Tool != Tool || g.Command != CommandGather:
		return GatherReport{}, fmt.Errorf("%w: tool %q command %q, want %q %q", ErrNotReport, g.Tool, g.Command, Tool, CommandGather)
	case g.SchemaVersion != SchemaVersion:
		return GatherReport{}, fmt.Errorf("%w %d: this natcheck reads version %d", ErrSchemaVersion, g.SchemaVersion, SchemaVersion)
	}
	return g, nil
}
