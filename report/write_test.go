package report

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./report -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (go test ./report -update rewrites it)\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}

// TestWriteGolden pins every renderer's exact output for literal reports.
func TestWriteGolden(t *testing.T) {
	reports := map[string]Report{"sample": sample(), "simulated": sampleSimulated(), "unknown": unknownReport()}
	for name, r := range reports {
		for _, f := range Formats {
			t.Run(name+"/"+string(f), func(t *testing.T) {
				var b bytes.Buffer
				if err := Write(&b, r, f); err != nil {
					t.Fatal(err)
				}
				golden(t, name+"."+string(f)+".golden", b.Bytes())
			})
		}
	}
}

// unknownReport is an inconclusive run with null tri-states.
func unknownReport() Report {
	n := noServerNAT()
	return Report{SchemaVersion: SchemaVersion, Tool: Tool, Command: CommandCheck, Version: "dev", Time: "2025-01-02T03:04:05Z",
		DurationMs: 1.5, Servers: []Server{}, NAT: n,
		Unusable: []Unusable{{Name: "nosuch.invalid:3478", Error: "cannot resolve: no such host"}}}
}

func TestWriteShape(t *testing.T) {
	tests := []struct {
		name   string
		format Format
		check  func(t *testing.T, out string)
	}{
		{"json is one indented document", FormatJSON, func(t *testing.T, out string) {
			if !strings.HasPrefix(out, "{\n  \"schemaVersion\": 1,") || !strings.HasSuffix(out, "}\n") {
				t.Errorf("not an indented document:\n%s", out)
			}
		}},
		{"jsonl is one line", FormatJSONL, func(t *testing.T, out string) {
			if strings.Count(out, "\n") != 1 || !strings.HasSuffix(out, "}\n") {
				t.Errorf("not one line:\n%s", out)
			}
		}},
		{"text starts with the verdict", FormatText, func(t *testing.T, out string) {
			if !strings.HasPrefix(out, "verdict: Port-restricted-cone NAT: ") {
				t.Errorf("first line is not the verdict:\n%s", out)
			}
			for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
				if k, _, ok := strings.Cut(l, ": "); !ok || k == "" {
					t.Errorf("line %q is not key: value", l)
				}
			}
		}},
		{"table starts with the verdict, then tables", FormatTable, func(t *testing.T, out string) {
			first, rest, _ := strings.Cut(out, "\n")
			if !strings.HasPrefix(first, "Port-restricted-cone NAT: ") || !strings.Contains(rest, "┌") {
				t.Errorf("verdict then tables expected:\n%s", out)
			}
		}},
		{"no warnings on stdout in human formats", FormatText, func(t *testing.T, out string) {
			if strings.Contains(out, "never answered") {
				t.Errorf("warning leaked into the result:\n%s", out)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := Write(&b, sample(), tt.format); err != nil {
				t.Fatal(err)
			}
			tt.check(t, b.String())
		})
	}
}

func TestWriteUnknownFormat(t *testing.T) {
	err := Write(&bytes.Buffer{}, sample(), Format("yaml"))
	if !errors.Is(err, ErrFormat) {
		t.Errorf("Write(yaml) = %v, want ErrFormat", err)
	}
}

func TestParseFormat(t *testing.T) {
	tests := []struct {
		in      string
		want    Format
		wantErr string
	}{
		{"table", FormatTable, ""},
		{"text", FormatText, ""},
		{"json", FormatJSON, ""},
		{"jsonl", FormatJSONL, ""},
		{"JSON", "", `unknown format "JSON": want one of table|text|json|jsonl`},
		{"", "", `unknown format "": want one of table|text|json|jsonl`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseFormat(tt.in)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr || !errors.Is(err, ErrFormat) {
					t.Errorf("ParseFormat(%q) error = %v, want %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("ParseFormat(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}
