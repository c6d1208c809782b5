//go:build !unix

package project

import (
	"fmt"
	"io/fs"
	"os"
)

// openNonBlocking opens name for reading after checking that it is a
// regular file, so that opening cannot wait on a pipe or a device.
func openNonBlocking(name string) (*os.File, error) {
	st, err := os.Stat(name)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fmt.Errorf("%w (%s)", ErrNotRegular, fileType(st.Mode()))}
	}
	return os.Open(name)
}
