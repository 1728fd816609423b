package testnet

import (
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/natcheck/natcheck/natclass"
	"github.com/pion/transport/v4/vnet"
)

// TestDeadAlternateAddress: the RFC 5780 server advertises OTHER-ADDRESS,
// but nothing sent to or from its alternate IP gets through (a broken public
// server). Behind a full-cone NAT the change-IP answers never come; the
// check must say it cannot tell, not call the NAT restricted.
func TestDeadAlternateAddress(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		w, err := NewWorld(WorldOptions{Kind: KindNAT, Mapping: natclass.MappingEndpointIndependent,
			Filtering: natclass.FilteringEndpointIndependent, RTT: 50 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()
		w.WAN.AddChunkFilter(func(c vnet.Chunk) bool {
			return !strings.HasPrefix(c.SourceAddr().String(), AlternateIP+":") &&
				!strings.HasPrefix(c.DestinationAddr().String(), AlternateIP+":")
		})
		_, res := runCheck(t, w)
		if res.Mapping != natclass.MappingEndpointIndependent {
			t.Errorf("mapping %s, want endpoint-independent (from the survey)", res.Mapping)
		}
		if res.Filtering != natclass.FilteringUnknown || res.Type != natclass.LabelUnknown {
			t.Errorf("filtering %s type %s, want unknown unknown: %+v", res.Filtering, res.Type, res.FilteringWhy)
		}
		if ev := strings.Join(res.FilteringWhy.Evidence, "\n"); !strings.Contains(ev, "never answered our own requests") {
			t.Errorf("filtering evidence does not say why: %q", ev)
		}
	})
}
