package report

// SchemaVersion is the version of the JSON contract below. Bump it on any
// change a consumer could notice (a key renamed, removed or retyped); adding
// a key is not such a change.
const SchemaVersion = 1

// Tool is the report's "tool" value.
const Tool = "natcheck"

// Report is one run's result: the versioned JSON contract. Keys are
// camelCase, durations are milliseconds, addresses are "ip:port" strings
// ("[v6]:port" for IPv6, "" when absent), tri-states are true/false/null and
// arrays are never null.
type Report struct {
	SchemaVersion int        `json:"schemaVersion"`
	Tool          string     `json:"tool"`
	Command       string     `json:"command"` // "check": the document's shape (gather's is "gather")
	Version       string     `json:"version"`
	Time          string     `json:"time"` // start, RFC 3339 UTC
	DurationMs    float64    `json:"durationMs"`
	Family        string     `json:"family"` // of the classified observations: "ipv4", "ipv6" or ""
	Servers       []Server   `json:"servers"`
	NAT           NAT        `json:"nat"`
	Stats         Stats      `json:"stats"`
	Unusable      []Unusable `json:"unusable"`
	// Candidates are the ICE candidates and TURN diagnoses, when gathered.
	Candidates *Candidates `json:"candidates,omitempty"`
	Simulated  *Simulated  `json:"simulated,omitempty"`
}

// CommandCheck is the "command" of a check report.
const CommandCheck = "check"

// Server is one STUN server's answer to the mapping survey. Servers of
// every address family are listed.
type Server struct {
	Name     string   `json:"name"`    // as configured
	Address  string   `json:"address"` // resolved primary address
	Family   string   `json:"family"`  // "ipv4" or "ipv6"
	RTTMs    *float64 `json:"rttMs"`   // null when it did not answer
	Mapped   string   `json:"mapped"`  // our address as the server saw it
	Other    string   `json:"other"`   // OTHER-ADDRESS, as sent
	RFC5780  bool     `json:"rfc5780"` // OTHER-ADDRESS usable: other IP and other port
	Software string   `json:"software"`
	Error    string   `json:"error"` // "" when it answered properly
}

// NAT is the classification: RFC 4787 behaviours, the RFC 3489 label, the
// plain-words verdict and the evidence behind each conclusion.
type NAT struct {
	// Type is the RFC 3489 label: open-internet, full-cone, restricted-cone,
	// port-restricted-cone, symmetric, symmetric-udp-firewall, udp-blocked
	// or unknown.
	Type  string `json:"type"`
	Label string `json:"label"` // Type as people write it, e.g. "Port Restricted Cone"
	// Mapping and Filtering are endpoint-independent, address-dependent,
	// address-and-port-dependent, none (no NAT) or unknown.
	Mapping        string   `json:"mapping"`
	Filtering      string   `json:"filtering"`
	Hairpinning    *bool    `json:"hairpinning"`
	PortPreserved  *bool    `json:"portPreserved"`
	PortAllocation string   `json:"portAllocation"` // preserved, sequential, random or unknown
	PortDelta      int      `json:"portDelta"`      // usual step of sequential allocation, else 0
	Verdict        string   `json:"verdict"`        // one line, plain words, with advice
	Evidence       Evidence `json:"evidence"`
	Reasons        Reasons  `json:"reasons"`
	Warnings       []string `json:"warnings"`
}

// Evidence lists, per conclusion, the observations that support it.
type Evidence struct {
	Type        []string `json:"type"`
	Mapping     []string `json:"mapping"`
	Filtering   []string `json:"filtering"`
	Hairpinning []string `json:"hairpinning"`
	Ports       []string `json:"ports"`
}

// Reasons says, per conclusion, why it is unknown or not tested; "" when
// it was reached.
type Reasons struct {
	Type        string `json:"type"`
	Mapping     string `json:"mapping"`
	Filtering   string `json:"filtering"`
	Hairpinning string `json:"hairpinning"`
	Ports       string `json:"ports"`
}

// Stats are packet tallies over every socket of the run.
type Stats struct {
	Sent        int64 `json:"sent"`
	Received    int64 `json:"received"`
	Malformed   int64 `json:"malformed"`   // not STUN or undecodable
	Foreign     int64 `json:"foreign"`     // a transaction ID we never used
	WrongSource int64 `json:"wrongSource"` // ours, but from an address the test rejects
	Late        int64 `json:"late"`        // ours, after the exchange had its answer (a duplicate)
	// LossEstimate is the measured share, 0 to 1, of attempts that went
	// unanswered: the highest of the address families'.
	LossEstimate float64  `json:"lossEstimate"`
	RTTMinMs     *float64 `json:"rttMinMs"` // null when nothing was measured
	RTTMaxMs     *float64 `json:"rttMaxMs"`
}

// Unusable is a configured server that could not be parsed or resolved.
type Unusable struct {
	Name  string `json:"name"`
	Error string `json:"error"`
}

// Simulated describes the simulated network of `natcheck simulate` and
// whether the check's verdict matched it.
type Simulated struct {
	Kind        string  `json:"kind"`      // nat, open or udp-blocked
	Mapping     string  `json:"mapping"`   // the configured behaviour, as in nat.mapping
	Filtering   string  `json:"filtering"` // as in nat.filtering
	Type        string  `json:"type"`      // the label a correct check reaches
	LossPercent float64 `json:"lossPercent"`
	RTTMs       float64 `json:"rttMs"`
	Seed        uint64  `json:"seed"`
	Matched     bool    `json:"matched"` // nat.type, mapping and filtering equal the configured ones
}
