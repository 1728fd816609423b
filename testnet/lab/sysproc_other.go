//go:build !linux

package lab

import "syscall"

// childSysProcAttr has nothing to add outside Linux.
func childSysProcAttr() *syscall.SysProcAttr { return nil }
