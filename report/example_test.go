package report_test

import (
	"fmt"
	"os"

	"github.com/natcheck/natcheck/report"
)

func ExampleVerdict() {
	fmt.Println(report.Verdict(report.NAT{Type: "symmetric"}))
	fmt.Println(report.Verdict(report.NAT{Type: "unknown", Mapping: "unknown", Reasons: report.Reasons{Mapping: "servers disagree"}}))
	// Output:
	// Symmetric NAT: direct connections to other NATed peers will usually need a relay (TURN)
	// Inconclusive: servers disagree
}

func ExampleWrite() {
	r := report.Report{SchemaVersion: report.SchemaVersion, Tool: report.Tool, NAT: report.NAT{
		Type: "full-cone", Label: "Full Cone", Mapping: "endpoint-independent", Filtering: "endpoint-independent",
		PortAllocation: "preserved", Verdict: report.Verdict(report.NAT{Type: "full-cone"})}}
	_ = report.Write(os.Stdout, r, report.FormatText)
	// Output:
	// verdict: Full-cone NAT: peers can reach you directly; direct connections should work with almost any peer
	// type: full-cone
	// label: Full Cone
	// mapping: endpoint-independent
	// filtering: endpoint-independent
	// hairpinning: not tested
	// port preserved: not tested
	// port allocation: preserved
	// duration: 0.0ms
	// stats: sent 0, received 0, late 0, malformed 0, foreign 0, wrong source 0, loss 0%, rtt -
}
