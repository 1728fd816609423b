package report

import (
	"errors"
	"fmt"
	"strings"
)

// Format is an output format.
type Format string

// Formats.
const (
	FormatTable Format = "table" // tablewriter tables, for a terminal
	FormatText  Format = "text"  // plain "key: value" lines, stable for pipes
	FormatJSON  Format = "json"  // one indented JSON document
	FormatJSONL Format = "jsonl" // one compact JSON document on one line
)

// Formats lists every format, in the order help text shows them.
var Formats = []Format{FormatTable, FormatText, FormatJSON, FormatJSONL}

// ErrFormat wraps every unknown-format error.
var ErrFormat = errors.New("unknown format")

// ParseFormat reads a format name.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if string(f) == s {
			return f, nil
		}
	}
	return "", fmt.Errorf("%w %q: want one of %s", ErrFormat, s, FormatNames())
}

// FormatNames is "table|text|json|jsonl".
func FormatNames() string {
	names := make([]string, len(Formats))
	for i, f := range Formats {
		names[i] = string(f)
	}
	return strings.Join(names, "|")
}
