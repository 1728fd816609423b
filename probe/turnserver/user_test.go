package turnserver

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestParseUser(t *testing.T) {
	tests := []struct {
		name, spec, fallback string
		want                 User
		err                  error
	}{
		{"name and password", "alice:s3cret", "", User{"alice", "s3cret"}, nil},
		{"password may hold colons", "alice:a:b:c", "", User{"alice", "a:b:c"}, nil},
		{"password from fallback", "alice", "envpw", User{"alice", "envpw"}, nil},
		{"explicit password wins", "alice:flagpw", "envpw", User{"alice", "flagpw"}, nil},
		{"no password", "alice", "", User{}, ErrNoPassword},
		{"empty password", "alice:", "envpw", User{}, ErrNoPassword},
		{"no name", ":s3cret", "", User{}, ErrNoUserName},
		{"empty", "", "envpw", User{}, ErrNoUserName},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseUser(tt.spec, tt.fallback)
			if !errors.Is(err, tt.err) || got != tt.want {
				t.Fatalf("ParseUser(%q) = %+v, %v; want %+v, %v", tt.spec, got.Name, err, tt.want.Name, tt.err)
			}
			if err != nil && strings.Contains(err.Error(), "s3cret") {
				t.Fatalf("error %q shows the password", err)
			}
		})
	}
}

func TestUserHidesPassword(t *testing.T) {
	u := User{Name: "alice", Password: "s3cret"}
	var logs bytes.Buffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("user", "user", u, "users", []User{u})
	slog.New(slog.NewTextHandler(&logs, nil)).Info("user", "user", u)
	outputs := map[string]string{
		"%v": fmt.Sprintf("%v", u), "%+v": fmt.Sprintf("%+v", u), "%#v": fmt.Sprintf("%#v", u),
		"%s": fmt.Sprintf("%s", u), "slice %v": fmt.Sprintf("%v", []User{u}), "logs": logs.String(),
	}
	for verb, out := range outputs {
		if strings.Contains(out, "s3cret") || !strings.Contains(out, "alice") {
			t.Errorf("%s: %q: want the name and not the password", verb, out)
		}
	}
}
