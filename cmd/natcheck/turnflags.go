package main

import (
	"crypto/tls"
	"crypto/x509"
	"os"

	"github.com/natcheck/natcheck/probe/gather"
	"github.com/spf13/pflag"
)

// turnPasswordEnv holds the TURN password when --turn-password is not
// given: unlike a flag, it is not visible in the process list.
const turnPasswordEnv = "NATCHECK_TURN_PASSWORD"

// turnFlags are the TURN client flags shared by the check and gather.
type turnFlags struct {
	turn           []string
	user, password string
	ca             string
}

func (fl *turnFlags) register(fs *pflag.FlagSet) {
	fs.StringArrayVar(&fl.turn, "turn", nil, "TURN server, turn:host[:port][?transport=udp|tcp] or turns:host[:port]; repeatable")
	fs.StringVar(&fl.user, "turn-user", "", "TURN user name, for every --turn")
	fs.StringVar(&fl.password, "turn-password", "", "TURN password (prefer the "+turnPasswordEnv+" environment variable)")
	fs.StringVar(&fl.ca, "turn-ca", "", "PEM file of the CA certificates to trust for turns: servers (default: the system's)")
}

// servers pairs every --turn with the credentials, and reads --turn-ca.
func (fl *turnFlags) servers() ([]gather.TURNServer, *tls.Config, error) {
	var cfg *tls.Config
	if fl.ca != "" {
		var err error
		if cfg, err = loadCA(fl.ca); err != nil {
			return nil, nil, err
		}
	}
	password := fl.password
	if password == "" {
		password = os.Getenv(turnPasswordEnv)
	}
	switch {
	case len(fl.turn) == 0 && (fl.user != "" || fl.password != ""):
		return nil, nil, usageErrorf("--turn-user and --turn-password need a --turn server")
	case len(fl.turn) == 0:
		return nil, cfg, nil
	case fl.user == "":
		return nil, nil, usageErrorf("--turn needs --turn-user")
	case password == "":
		return nil, nil, usageErrorf("--turn needs a password: set %s or --turn-password", turnPasswordEnv)
	}
	out := make([]gather.TURNServer, len(fl.turn))
	for i, u := range fl.turn {
		out[i] = gather.TURNServer{URL: u, User: fl.user, Password: password}
	}
	return out, cfg, nil
}

// loadCA reads the PEM roots of --turn-ca.
func loadCA(path string) (*tls.Config, error) {
	pemBytes, err := os.ReadFile(path)
	if err != nil {
		return nil, usageErrorf("--turn-ca: %v", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pemBytes) {
		return nil, usageErrorf("--turn-ca %s: no PEM certificate in it", path)
	}
	return &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}, nil
}
