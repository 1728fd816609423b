package probe

import (
	"context"
	"net"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/pion/transport/v4/vnet"
)

// stuckDNS is a network whose resolver never answers until released.
type stuckDNS struct {
	*vnet.Net
	release chan struct{}
}

func (s stuckDNS) ResolveUDPAddr(network, address string) (*net.UDPAddr, error) {
	<-s.release
	return nil, &net.DNSError{Err: "released", Name: address}
}

// TestCheckResolverBoundedByDeadline: a resolver that hangs costs the run
// nothing past its deadline; IP literals skip it and are still checked.
func TestCheckResolverBoundedByDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := newLink(t, 0, 1)
		l.scriptServer(t, answer)
		n := stuckDNS{Net: l.client, release: make(chan struct{})}
		defer close(n.release)
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		start := time.Now()
		out, err := Check(ctx, Options{Net: n, Family: FamilyIPv4,
			Servers: []string{"stun.hangs.example:3478", serverAddr.String()}})
		if err != nil {
			t.Fatal(err)
		}
		if took := time.Since(start); took > 3*time.Second {
			t.Errorf("check took %v, past its 3s deadline", took)
		}
		if len(out.Unusable) != 1 || !strings.Contains(out.Unusable[0].Error, "context deadline exceeded") {
			t.Errorf("unusable %+v, want the hanging name, cut by the deadline", out.Unusable)
		}
		if len(out.Families) != 1 || !out.Families[0].Observations.Servers[0].Answered {
			t.Errorf("the IP literal server was not checked: %+v", out.Families)
		}
	})
}
