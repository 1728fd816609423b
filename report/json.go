package report

import (
	"encoding/json"
	"fmt"
	"io"
)

// encodeJSON writes v as one document: indented for FormatJSON, one
// compact line for FormatJSONL (periodic runs appending to one file).
// Every document natcheck prints goes through it.
func encodeJSON(w io.Writer, v any, f Format) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if f == FormatJSON {
		enc.SetIndent("", "  ")
	}
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("%s: %w", f, err)
	}
	return nil
}
