//go:build unix

package project

import (
	"os"
	"syscall"
)

// openNonBlocking opens name for reading; O_NONBLOCK makes opening a named
// pipe return at once instead of waiting for a writer (it changes nothing
// for a regular file).
func openNonBlocking(name string) (*os.File, error) {
	return os.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0)
}
