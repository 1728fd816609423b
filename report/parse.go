package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// ErrSchemaVersion: the document is a report of a schema version this
// natcheck does not read.
var ErrSchemaVersion = errors.New("unsupported report schemaVersion")

// ErrNotReport: the document is not a natcheck report.
var ErrNotReport = errors.New("not a natcheck report")

// Parse reads one saved check report (as written by the json or jsonl
// format). Keys it does not know are ignored; a schemaVersion other than
// SchemaVersion, or another command's document, is refused.
func Parse(r io.Reader) (Report, error) {
	dec := json.NewDecoder(r)
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return Report{}, fmt.Errorf("%w: %w", ErrNotReport, err)
	}
	if dec.More() {
		return Report{}, fmt.Errorf("%w: more than one JSON document", ErrNotReport)
	}
	var head struct {
		SchemaVersion *int   `json:"schemaVersion"`
		Tool          string `json:"tool"`
		Command       string `json:"command"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		return Report{}, fmt.Errorf("%w: %w", ErrNotReport, err)
	}
	switch {
	case head.SchemaVersion == nil || head.Tool != Tool:
		return Report{}, fmt.Errorf("%w: no schemaVersion and tool %q", ErrNotReport, Tool)
	case *head.SchemaVersion != SchemaVersion:
		return Report{}, fmt.Errorf("%w %d: this natcheck reads version %d", ErrSchemaVersion, *head.SchemaVersion, SchemaVersion)
	case head.Command != "" && head.Command != CommandCheck:
		return Report{}, fmt.Errorf("%w: a %q report, not a check report", ErrNotReport, head.Command)
	}
	var rep Report
	if err := json.Unmarshal(raw, &rep); err != nil {
		return Report{}, fmt.Errorf("%w: %w", ErrNotReport, err)
	}
	return rep, nil
}
