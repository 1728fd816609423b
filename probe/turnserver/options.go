package turnserver

import (
	"errors"
	"fmt"
	"net/netip"
	"time"

	"github.com/pion/logging"
	"github.com/pion/transport/v4"
)

// Defaults of Options.
const (
	DefaultPort        = 3480
	DefaultRealm       = "natcheck"
	DefaultQuota       = 10 // live allocations per user
	DefaultRelayMin    = 49152
	DefaultRelayMax    = 65535
	DefaultMaxTCPConns = 1024
	DefaultIdleTimeout = 10 * time.Minute // one allocation lifetime
)

// ErrBadOptions is wrapped by every Options validation error.
var ErrBadOptions = errors.New("bad TURN options")

// Events lets the caller count what the server does. Every field may be nil.
type Events struct {
	AuthFailed   func()            // wrong password or unknown user
	QuotaRefused func(user string) // an Allocate answered 486
	Allocated    func(user string)
	Released     func(user string) // an allocation expired or was deleted
}

// Options describe a TURN server: where it listens, who may use it, and the
// bounds on what they can take.
type Options struct {
	Net         transport.Net // nil: the host's network
	IP          netip.Addr    // listening and relay IP
	Port        uint16        // UDP (and TCP) listening port
	TCP         bool          // also accept TURN over TCP on Port
	Realm       string        // "" is DefaultRealm
	Users       []User
	Quota       int    // live allocations per user; 0 is DefaultQuota
	RelayMin    uint16 // relay ports; 0 and 0 are the defaults
	RelayMax    uint16
	MaxTCPConns int           // 0 is DefaultMaxTCPConns
	IdleTimeout time.Duration // silent TCP connections are closed; 0 is DefaultIdleTimeout
	Events      Events
	Logger      logging.LoggerFactory // nil discards pion's logs
}

// withDefaults fills zero fields and validates.
func (o Options) withDefaults() (Options, error) {
	if o.Realm == "" {
		o.Realm = DefaultRealm
	}
	if o.Quota == 0 {
		o.Quota = DefaultQuota
	}
	if o.RelayMin == 0 && o.RelayMax == 0 {
		o.RelayMin, o.RelayMax = DefaultRelayMin, DefaultRelayMax
	}
	if o.MaxTCPConns == 0 {
		o.MaxTCPConns = DefaultMaxTCPConns
	}
	if o.IdleTimeout == 0 {
		o.IdleTimeout = DefaultIdleTimeout
	}
	return o, o.validate()
}

func (o Options) validate() error {
	seen := map[string]bool{}
	for _, u := range o.Users {
		if u.Name == "" || u.Password == "" {
			return fmt.Errorf("%w: user %q lacks a name or password", ErrBadOptions, u.Name)
		}
		if seen[u.Name] {
			return fmt.Errorf("%w: user %q given twice", ErrBadOptions, u.Name)
		}
		seen[u.Name] = true
	}
	switch {
	case !o.IP.IsValid() || o.IP.IsUnspecified():
		return fmt.Errorf("%w: a specific listening IP is needed", ErrBadOptions)
	case o.Port == 0:
		return fmt.Errorf("%w: port must be 1-65535", ErrBadOptions)
	case len(o.Users) == 0:
		return fmt.Errorf("%w: no users", ErrBadOptions)
	case o.Quota < 0 || o.MaxTCPConns < 0 || o.IdleTimeout < 0:
		return fmt.Errorf("%w: quota, connection cap and idle timeout must not be negative", ErrBadOptions)
	case o.RelayMin == 0 || o.RelayMin > o.RelayMax:
		return fmt.Errorf("%w: relay ports %d-%d are not a range", ErrBadOptions, o.RelayMin, o.RelayMax)
	case o.Port >= o.RelayMin && o.Port <= o.RelayMax:
		return fmt.Errorf("%w: port %d lies in the relay range %d-%d", ErrBadOptions, o.Port, o.RelayMin, o.RelayMax)
	}
	return nil
}
