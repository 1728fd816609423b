package lab

// Addresses of the lab topology. They are constants so that tests and other
// packages can point natcheck at the lab without asking a Lab value.
const (
	// ServerPrimaryIP is the server's first public address (coturn's and
	// natcheck server's primary address).
	ServerPrimaryIP = "203.0.113.10"
	// ServerAlternateIP is the server's second public address (RFC 5780
	// alternate address).
	ServerAlternateIP = "203.0.113.11"
	// InternetServerSideIP is the internet router's address on the server link.
	InternetServerSideIP = "203.0.113.1"
	// InternetNATSideIP is the internet router's address on the NAT link.
	InternetNATSideIP = "198.51.100.1"
	// NATPublicIP is the public address of the outermost NAT (the home NAT,
	// or the CGN for KindDoubleNAT).
	NATPublicIP = "198.51.100.2"
	// NATLANIP is the home NAT's address on the client LAN.
	NATLANIP = "10.10.0.1"
	// ClientLANIP is the client's address behind the home NAT.
	ClientLANIP = "10.10.0.2"
	// OpenClientIP is the client's public address for KindOpen.
	OpenClientIP = "198.51.100.50"
	// OpenRouterIP is the access router's address on the client link for
	// KindOpen.
	OpenRouterIP = "198.51.100.49"
	// CGNInsideIP is the carrier-grade NAT's address towards the home NAT
	// (KindDoubleNAT).
	CGNInsideIP = "100.64.0.1"
	// HomeNATWANIP is the home NAT's WAN address behind the carrier-grade NAT
	// (KindDoubleNAT).
	HomeNATWANIP = "100.64.0.2"
)

// Addresses of the peer site (Options.Peer): a second client behind its own
// NAT on the internet router's 198.51.100.0/24 segment. A KindDoubleNAT
// peer reuses CGNInsideIP and HomeNATWANIP on its own CGN link.
const (
	// NAT2PublicIP is the public address of the peer's outermost NAT.
	NAT2PublicIP = "198.51.100.3"
	// NAT2LANIP is the peer NAT's address on the peer client's LAN.
	NAT2LANIP = "10.20.0.1"
	// Client2LANIP is the peer client's address behind its NAT.
	Client2LANIP = "10.20.0.2"
	// OpenClient2IP is the peer client's public address for a KindOpen peer.
	OpenClient2IP = "198.51.100.66"
	// OpenRouter2IP is the peer's access router on the client link for a
	// KindOpen peer.
	OpenRouter2IP = "198.51.100.65"
)

// Ports used in the lab. Coturn takes 3478/3479 by default, so a natcheck
// server running in the same namespace should use NatcheckServerPort and
// NatcheckServerAltPort.
const (
	CoturnPort            = 3478
	CoturnAltPort         = 3479
	NatcheckServerPort    = 3480
	NatcheckServerAltPort = 3481
	RelayMinPort          = 49152
	RelayMaxPort          = 49999
	// AddressDependentPortMin and AddressDependentPortMax bound the ports
	// chosen by the KindAddressDependent NAT.
	AddressDependentPortMin = 20000
	AddressDependentPortMax = 29999
)

// Static TURN credentials configured in coturn by StartCoturn.
const (
	TURNUser     = "natcheck"
	TURNPassword = "SECRET"
	TURNRealm    = "natcheck.test"
)

// Interface names inside the namespaces. They are fixed because every
// namespace has its own set of interface names.
const (
	ifServer     = "s0"   // in srv, towards inet
	ifInetServer = "i0"   // in inet, towards srv
	ifInetNAT    = "i1"   // in inet, towards the (outermost) NAT
	ifInetNAT2   = "i2"   // in inet, towards the peer's (outermost) NAT
	ifInetBridge = "br0"  // in inet, bridging i1 and i2 when there is a peer
	ifWAN        = "wan0" // in nat/cgn, upstream
	ifLAN        = "lan0" // in nat/cgn, downstream
	ifClient     = "c0"   // in cli, towards nat
)

// NamespacePrefix starts the name of every namespace the lab creates or
// deletes.
const NamespacePrefix = "nclab-"
