package lab

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
)

// Available reports why the lab cannot run here: not Linux, not root, or
// one of the required commands (ip, nft, conntrack and the extra ones, e.g.
// "turnserver") missing from PATH. It returns nil when everything is there.
func Available(extra ...string) error {
	if runtime.GOOS != "linux" {
		return fmt.Errorf("lab: needs Linux, this is %s", runtime.GOOS)
	}
	if os.Geteuid() != 0 {
		return errors.New("lab: needs root (network namespaces, nftables)")
	}
	var missing []string
	for _, tool := range append([]string{"ip", "nft", "conntrack"}, extra...) {
		if _, err := exec.LookPath(tool); err != nil {
			missing = append(missing, tool)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("lab: missing commands: %s", strings.Join(missing, ", "))
	}
	return nil
}
