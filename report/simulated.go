package report

// WithSimulated returns r marked as the result of a simulated run on the
// network s describes, with s.Matched set to whether the verdict (type,
// mapping and filtering) equals the configured NAT.
func (r Report) WithSimulated(s Simulated) Report {
	s.Matched = r.NAT.Type == s.Type && r.NAT.Mapping == s.Mapping && r.NAT.Filtering == s.Filtering
	r.Simulated = &s
	return r
}
