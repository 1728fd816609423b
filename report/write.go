package report

import (
	"fmt"
	"io"
)

// Write renders r to w in format f.
func Write(w io.Writer, r Report, f Format) error {
	switch f {
	case FormatJSON, FormatJSONL:
		return encodeJSON(w, r, f)
	case FormatText:
		return writeText(w, r)
	case FormatTable:
		return writeTable(w, r)
	}
	return fmt.Errorf("%w %q", ErrFormat, string(f))
}
