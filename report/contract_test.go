package report

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/natcheck/natcheck/natclass"
	"github.com/natcheck/natcheck/probe"
)

// jsonType names the JSON type of a decoded value.
func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "bool"
	case float64:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "?"
}

// lookup follows a dotted path; "servers.0.rttMs" indexes arrays.
func lookup(doc any, path string) (any, bool) {
	cur := doc
	for _, k := range strings.Split(path, ".") {
		switch c := cur.(type) {
		case map[string]any:
			v, ok := c[k]
			if !ok {
				return nil, false
			}
			cur = v
		case []any:
			if k != "0" || len(c) == 0 {
				return nil, false
			}
			cur = c[0]
		default:
			return nil, false
		}
	}
	return cur, true
}

// contract is every key monitoring may rely on, with its allowed JSON
// types. Changing it means bumping SchemaVersion.
var contract = map[string][]string{
	"schemaVersion":            {"number"},
	"tool":                     {"string"},
	"command":                  {"string"},
	"version":                  {"string"},
	"time":                     {"string"},
	"durationMs":               {"number"},
	"family":                   {"string"},
	"servers":                  {"array"},
	"servers.0.name":           {"string"},
	"servers.0.address":        {"string"},
	"servers.0.family":         {"string"},
	"servers.0.rttMs":          {"number", "null"},
	"servers.0.mapped":         {"string"},
	"servers.0.other":          {"string"},
	"servers.0.rfc5780":        {"bool"},
	"servers.0.software":       {"string"},
	"servers.0.error":          {"string"},
	"nat":                      {"object"},
	"nat.type":                 {"string"},
	"nat.label":                {"string"},
	"nat.mapping":              {"string"},
	"nat.filtering":            {"string"},
	"nat.hairpinning":          {"bool", "null"},
	"nat.portPreserved":        {"bool", "null"},
	"nat.portAllocation":       {"string"},
	"nat.portDelta":            {"number"},
	"nat.verdict":              {"string"},
	"nat.evidence.type":        {"array"},
	"nat.evidence.mapping":     {"array"},
	"nat.evidence.filtering":   {"array"},
	"nat.evidence.hairpinning": {"array"},
	"nat.evidence.ports":       {"array"},
	"nat.reasons.type":         {"string"},
	"nat.reasons.mapping":      {"string"},
	"nat.reasons.filtering":    {"string"},
	"nat.reasons.hairpinning":  {"string"},
	"nat.reasons.ports":        {"string"},
	"nat.warnings":             {"array"},
	"stats.sent":               {"number"},
	"stats.received":           {"number"},
	"stats.malformed":          {"number"},
	"stats.foreign":            {"number"},
	"stats.wrongSource":        {"number"},
	"stats.lossEstimate":       {"number"},
	"stats.rttMinMs":           {"number", "null"},
	"stats.rttMaxMs":           {"number", "null"},
	"unusable":                 {"array"},
}

// enums are the values the issue allows for the enumerated keys.
var enums = map[string][]string{
	"nat.type": {"open-internet", "full-cone", "restricted-cone", "port-restricted-cone", "symmetric",
		"symmetric-udp-firewall", "udp-blocked", "unknown"},
	"nat.mapping":        {"endpoint-independent", "address-dependent", "address-and-port-dependent", "none", "unknown"},
	"nat.filtering":      {"endpoint-independent", "address-dependent", "address-and-port-dependent", "none", "unknown"},
	"nat.portAllocation": {"preserved", "sequential", "random", "unknown"},
}

// contractReports are reports of every shape: literal, built from a check,
// built from nothing at all.
func contractReports() map[string]Report {
	built := FromCheck(probe.Outcome{Families: []probe.FamilyResult{{Network: "udp4",
		Observations: natclass.Observations{Servers: []natclass.ServerObs{{Name: "x", Error: "no reply"}}}}}},
		natclass.Classify(natclass.Observations{Servers: []natclass.ServerObs{{Name: "x", Error: "no reply"}}}), Meta{})
	return map[string]Report{
		"sample":    sample(),
		"unknown":   unknownReport(),
		"blocked":   built,
		"no server": FromCheck(probe.Outcome{}, natclass.Result{}, Meta{}),
	}
}

// TestContract checks that every key the contract names exists with its
// JSON type, enumerations hold allowed values, and no array is null.
func TestContract(t *testing.T) {
	for name, r := range contractReports() {
		t.Run(name, func(t *testing.T) {
			b, err := json.Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			var doc any
			if err := json.Unmarshal(b, &doc); err != nil {
				t.Fatal(err)
			}
			for path, types := range contract {
				if strings.HasPrefix(path, "servers.0.") && len(r.Servers) == 0 {
					continue
				}
				v, ok := lookup(doc, path)
				if !ok {
					t.Errorf("%s: missing", path)
					continue
				}
				if got := jsonType(v); !slices.Contains(types, got) {
					t.Errorf("%s: JSON type %s, want one of %v", path, got, types)
				}
			}
			for path, allowed := range enums {
				v, _ := lookup(doc, path)
				if s, _ := v.(string); !slices.Contains(allowed, s) {
					t.Errorf("%s = %v, want one of %v", path, v, allowed)
				}
			}
			if sv, _ := lookup(doc, "schemaVersion"); sv != float64(1) {
				t.Errorf("schemaVersion = %v, want 1", sv)
			}
		})
	}
}

// TestContractTypesCoverLabels keeps natclass's labels and behaviours
// within the contract's enumerations.
func TestContractTypesCoverLabels(t *testing.T) {
	for _, l := range natclass.Labels {
		if !slices.Contains(enums["nat.type"], string(l)) {
			t.Errorf("natclass label %q is not an allowed nat.type", l)
		}
	}
	for b := natclass.MappingUnknown; b <= natclass.MappingAddressAndPortDependent; b++ {
		if !slices.Contains(enums["nat.mapping"], b.String()) {
			t.Errorf("mapping %q is not an allowed nat.mapping", b)
		}
	}
}
