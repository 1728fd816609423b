package natclass

// Label is the RFC 3489 name of a NAT, kept for the report only.
type Label string

// Labels, spelled as natcheck's JSON nat.type.
const (
	LabelOpenInternet       Label = "open-internet"
	LabelFullCone           Label = "full-cone"
	LabelRestrictedCone     Label = "restricted-cone"
	LabelPortRestrictedCone Label = "port-restricted-cone"
	LabelSymmetric          Label = "symmetric"
	LabelSymmetricFirewall  Label = "symmetric-udp-firewall"
	LabelUDPBlocked         Label = "udp-blocked"
	LabelUnknown            Label = "unknown"
)

// Labels lists every label, for flag help and validation.
var Labels = []Label{LabelOpenInternet, LabelFullCone, LabelRestrictedCone, LabelPortRestrictedCone,
	LabelSymmetric, LabelSymmetricFirewall, LabelUDPBlocked, LabelUnknown}

// Title is the label as people write it, e.g. "Port Restricted Cone".
func (l Label) Title() string {
	switch l {
	case LabelOpenInternet:
		return "Open Internet"
	case LabelFullCone:
		return "Full Cone"
	case LabelRestrictedCone:
		return "Restricted Cone"
	case LabelPortRestrictedCone:
		return "Port Restricted Cone"
	case LabelSymmetric:
		return "Symmetric"
	case LabelSymmetricFirewall:
		return "Symmetric UDP Firewall"
	case LabelUDPBlocked:
		return "UDP Blocked"
	}
	return "Unknown"
}

// label derives the RFC 3489 label from the RFC 4787 behaviours.
func label(natPresent Tri, m MappingBehavior, f FilteringBehavior, mappingVaries bool) (Label, string) {
	if natPresent == False {
		switch f {
		case FilteringNone, FilteringEndpointIndependent:
			return LabelOpenInternet, ""
		case FilteringAddressDependent, FilteringAddressAndPortDependent:
			return LabelSymmetricFirewall, ""
		}
		return LabelUnknown, "no NAT, but inbound filtering could not be determined"
	}
	switch {
	case m == MappingAddressDependent || m == MappingAddressAndPortDependent || mappingVaries:
		return LabelSymmetric, ""
	case m == MappingUnknown:
		return LabelUnknown, "mapping behaviour could not be determined"
	}
	switch f {
	case FilteringEndpointIndependent:
		return LabelFullCone, ""
	case FilteringAddressDependent:
		return LabelRestrictedCone, ""
	case FilteringAddressAndPortDependent:
		return LabelPortRestrictedCone, ""
	}
	return LabelUnknown, "endpoint-independent mapping, but filtering could not be determined"
}
