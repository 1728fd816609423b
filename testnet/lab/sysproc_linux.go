//go:build linux

package lab

import "syscall"

// childSysProcAttr makes lab processes die with the test binary (SIGKILL on
// parent death), so a crashed run leaves no servers behind.
func childSysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
