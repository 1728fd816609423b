package turnserver

import (
	"errors"
	"log/slog"
	"strings"
)

// Errors of ParseUser. They never quote the text parsed, which may hold a
// password.
var (
	ErrNoUserName = errors.New("TURN user has no name")
	ErrNoPassword = errors.New("TURN user has no password")
)

// User is one long-term credential. Printing or logging a User shows the
// name only, never the password.
type User struct {
	Name     string
	Password string `json:"-"`
}

// ParseUser reads "NAME:PASSWORD", or "NAME" with password, the fallback
// (say, from the environment). The name ends at the first colon.
func ParseUser(spec, password string) (User, error) {
	name, pw, hasPW := strings.Cut(spec, ":")
	if !hasPW {
		pw = password
	}
	switch {
	case name == "":
		return User{}, ErrNoUserName
	case pw == "":
		return User{}, ErrNoPassword
	}
	return User{Name: name, Password: pw}, nil
}

// String is the user's name.
func (u User) String() string { return u.Name }

// GoString is the user's name, so %#v leaks nothing either.
func (u User) GoString() string { return "turnserver.User{Name:" + `"` + u.Name + `"}` }

// LogValue logs the user's name only.
func (u User) LogValue() slog.Value { return slog.StringValue(u.Name) }
