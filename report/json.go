package report

import (
	"encoding/json"
	"fmt"
	"io"
)

// writeJSON writes r as one indented document.
func writeJSON(w io.Writer, r Report) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("json: %w", err)
	}
	return nil
}

// writeJSONL writes r as one compact line, for periodic runs appending to
// one file.
func writeJSONL(w io.Writer, r Report) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("jsonl: %w", err)
	}
	return nil
}
