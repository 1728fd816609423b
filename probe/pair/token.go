package pair

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Token limits: a pasted token is at most MaxTokenLen characters and
// inflates to at most maxTokenJSON bytes.
const (
	MaxTokenLen  = 8192
	maxTokenJSON = 32 << 10
	tokenPrefix  = "nc1."
)

// ErrBadToken: a pasted token is not one natcheck made.
var ErrBadToken = errors.New("bad pair token")

// EncodeToken packs a description for copy and paste: "nc1." and the
// base64url (no padding) of its JSON compressed with DEFLATE (RFC 1951).
func EncodeToken(d Description) (string, error) {
	raw, err := json.Marshal(d)
	if err != nil {
		return "", fmt.Errorf("encode token: %w", err)
	}
	var buf bytes.Buffer
	w, err := flate.NewWriter(&buf, flate.BestCompression)
	if err != nil {
		return "", fmt.Errorf("encode token: %w", err)
	}
	if _, err = w.Write(raw); err == nil {
		err = w.Close()
	}
	if err != nil {
		return "", fmt.Errorf("encode token: %w", err)
	}
	tok := tokenPrefix + base64.RawURLEncoding.EncodeToString(buf.Bytes())
	if len(tok) > MaxTokenLen {
		return "", fmt.Errorf("encode token: %d characters, more than %d", len(tok), MaxTokenLen)
	}
	return tok, nil
}

// DecodeToken unpacks and validates a pasted token. Surrounding space and
// line breaks inside it (from terminal wrapping) are ignored.
func DecodeToken(s string) (Description, error) {
	s = strings.Join(strings.Fields(s), "")
	switch {
	case len(s) > MaxTokenLen:
		return Description{}, fmt.Errorf("%w: %d characters, at most %d", ErrBadToken, len(s), MaxTokenLen)
	case !strings.HasPrefix(s, tokenPrefix):
		return Description{}, fmt.Errorf("%w: it does not start with %q", ErrBadToken, tokenPrefix)
	}
	packed, err := base64.RawURLEncoding.DecodeString(s[len(tokenPrefix):])
	if err != nil {
		return Description{}, fmt.Errorf("%w: not base64url: %w", ErrBadToken, err)
	}
	raw, err := io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(packed)), maxTokenJSON+1))
	if err != nil {
		return Description{}, fmt.Errorf("%w: not compressed data: %w", ErrBadToken, err)
	}
	if len(raw) > maxTokenJSON {
		return Description{}, fmt.Errorf("%w: it inflates past %d bytes", ErrBadToken, maxTokenJSON)
	}
	var d Description
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		return Description{}, fmt.Errorf("%w: not a description: %w", ErrBadToken, err)
	}
	if err := d.Validate(); err != nil {
		return Description{}, fmt.Errorf("%w: %w", ErrBadToken, err)
	}
	return d, nil
}
