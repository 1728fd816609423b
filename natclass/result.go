package natclass

// Allocation is how a NAT picks external ports (RFC 4787 §4.2.1).
type Allocation string

// Port allocations.
const (
	AllocUnknown    Allocation = "unknown"
	AllocPreserved  Allocation = "preserved"  // mapped port = local port
	AllocSequential Allocation = "sequential" // small steps from one mapping to the next
	AllocRandom     Allocation = "random"
)

// Verdict is the evidence behind one conclusion, and the reason when it is
// unknown.
type Verdict struct {
	Evidence []string
	Reason   string
}

// Result is the classification with its evidence.
type Result struct {
	NAT        Tri // is there a NAT between the host and the servers
	UDPBlocked bool

	Mapping      MappingBehavior
	MappingWhy   Verdict
	Filtering    FilteringBehavior
	FilteringWhy Verdict
	Type         Label
	TypeWhy      Verdict

	Hairpinning    Tri
	HairpinWhy     Verdict
	PortPreserved  Tri
	PortAllocation Allocation
	PortDelta      int // the usual step for sequential allocation
	PortWhy        Verdict

	Warnings []string // unreliable servers and the like
}
