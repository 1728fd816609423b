package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/natcheck/natcheck/report"
)

// saveReport writes a check report with the given NAT to a file.
func saveReport(t *testing.T, dir, name, typ, mapping, filtering string) string {
	t.Helper()
	r := report.Report{SchemaVersion: report.SchemaVersion, Tool: report.Tool, Command: report.CommandCheck,
		Servers: []report.Server{}, Unusable: []report.Unusable{},
		NAT: report.NAT{Type: typ, Mapping: mapping, Filtering: filtering}}
	path := filepath.Join(dir, name)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := report.Write(f, r, report.FormatJSON); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestCompareCommand(t *testing.T) {
	dir := t.TempDir()
	port := saveReport(t, dir, "port.json", "port-restricted-cone", "endpoint-independent", "address-and-port-dependent")
	sym := saveReport(t, dir, "sym.json", "symmetric", "address-and-port-dependent", "address-and-port-dependent")
	restricted := saveReport(t, dir, "restricted.json", "restricted-cone", "endpoint-independent", "address-dependent")
	unknown := saveReport(t, dir, "unknown.json", "unknown", "unknown", "unknown")
	notJSON := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(notJSON, []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		args     []string
		wantCode ExitCode
		wantOut  string
		wantErr  string
	}{
		{"relay required", []string{port, sym}, ExitOK, "verdict: Expected: only a relay (TURN) will connect these hosts.\n", ""},
		{"hole punching", []string{restricted, sym, "--format", "text"}, ExitOK, "prediction: hole-punching: ", ""},
		{"json", []string{sym, port, "--format", "json"}, ExitOK, `"outcome": "relay-required"`, ""},
		{"unknown", []string{unknown, port}, ExitInconclusive, "verdict: No prediction: ", ""},
		{"one file", []string{port}, ExitUsage, "", "compare takes two report files, got 1"},
		{"missing file", []string{port, filepath.Join(dir, "nope.json")}, ExitFailure, "", "nope.json: no such file or directory"},
		{"not a report", []string{port, notJSON}, ExitFailure, "", "notes.txt: not a natcheck report"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, out, errOut := testFactory(t)
			code := runWith(t.Context(), append([]string{"compare"}, tt.args...), f)
			if code != tt.wantCode || !strings.Contains(out.String(), tt.wantOut) || !strings.Contains(errOut.String(), tt.wantErr) {
				t.Errorf("exit %d (want %d)\nstdout: %s\nstderr: %s", code, tt.wantCode, out, errOut)
			}
		})
	}
}
