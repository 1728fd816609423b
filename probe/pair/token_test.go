package pair

import (
	"bytes"
	"compress/flate"
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
)

func packToken(t testing.TB, raw []byte) string {
	t.Helper()
	var buf bytes.Buffer
	w, _ := flate.NewWriter(&buf, flate.BestSpeed)
	_, _ = w.Write(raw)
	_ = w.Close()
	return tokenPrefix + base64.RawURLEncoding.EncodeToString(buf.Bytes())
}

func TestTokenRoundTrip(t *testing.T) {
	d := validDescription()
	d.Controlling, d.WindowMs = true, 1340
	for range 10 {
		d.Candidates = append(d.Candidates, "1694498815 1 udp 1694498815 198.51.100.2 49153 typ srflx raddr 0.0.0.0 rport 5911")
	}
	tok, err := EncodeToken(d)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d candidates in %d characters", len(d.Candidates), len(tok))
	wrapped := " " + tok[:40] + "\n" + tok[40:] + "\n" // as a terminal may wrap it
	got, err := DecodeToken(wrapped)
	if err != nil {
		t.Fatal(err)
	}
	if got.Ufrag != d.Ufrag || got.Pwd != d.Pwd || len(got.Candidates) != len(d.Candidates) || !got.Controlling || got.WindowMs != 1340 {
		t.Errorf("got %+v", got)
	}
}

func TestDecodeTokenRejects(t *testing.T) {
	tests := []struct {
		name, tok, want string
	}{
		{"empty", "", `bad pair token: it does not start with "nc1."`},
		{"other text", "hello world", `bad pair token: it does not start with "nc1."`},
		{"too long", tokenPrefix + strings.Repeat("A", MaxTokenLen), "bad pair token: 8196 characters, at most 8192"},
		{"not base64", tokenPrefix + "!!!", "bad pair token: not base64url: "},
		{"not deflate", tokenPrefix + base64.RawURLEncoding.EncodeToString([]byte{0xff, 0xff, 0xff}), "bad pair token: not compressed data: "},
		{"bomb", packToken(t, bytes.Repeat([]byte(" "), maxTokenJSON+10)), "bad pair token: it inflates past 32768 bytes"},
		{"not json", packToken(t, []byte("hello")), "bad pair token: not a description: "},
		{"unknown field", packToken(t, []byte(`{"v":1,"x":1}`)), "bad pair token: not a description: json: unknown field"},
		{"invalid description", packToken(t, []byte(`{"v":1,"u":"a","p":"b","c":["nonsense"]}`)),
			"bad pair token: bad peer description: candidate 0: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeToken(tt.tok)
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) || !errors.Is(err, ErrBadToken) {
				t.Errorf("got %v, want %q (ErrBadToken)", err, tt.want)
			}
		})
	}
}

func TestMemoryTokenSignalers(t *testing.T) {
	offer, answer := MemoryTokenSignalers()
	ctx := context.Background()
	d := validDescription()
	d.Controlling = true
	if err := offer.Send(ctx, d); err != nil {
		t.Fatal(err)
	}
	got, err := answer.Receive(ctx)
	if err != nil || got.Ufrag != d.Ufrag || !got.Controlling {
		t.Fatalf("got %+v, %v", got, err)
	}
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := offer.Receive(canceled); !errors.Is(err, context.Canceled) {
		t.Errorf("receive on a canceled context: %v", err)
	}
}

// FuzzDecodeToken: no input makes the decoder panic, and whatever it
// accepts is a valid description that encodes again.
func FuzzDecodeToken(f *testing.F) {
	tok, _ := EncodeToken(validDescription())
	f.Add(tok)
	f.Add(tokenPrefix)
	f.Add(packToken(f, []byte(`{"v":1}`)))
	f.Fuzz(func(t *testing.T, s string) {
		d, err := DecodeToken(s)
		if err != nil {
			return
		}
		if err := d.Validate(); err != nil {
			t.Fatalf("accepted an invalid description: %v", err)
		}
		if _, err := EncodeToken(d); err != nil {
			t.Fatalf("accepted description does not encode: %v", err)
		}
	})
}
