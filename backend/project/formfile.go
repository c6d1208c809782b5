package project

import (
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
)

// fieldPlace names a field of ep in an error: "FILE: body.fields.0.file",
// or only the field for an endpoint never saved.
func fieldPlace(ep *Endpoint, keys ...string) string {
	field := strings.Join(keys, ".")
	if ep.File == "" {
		return field
	}
	return ep.File + ": " + field
}

// readFormFile reads the file of form field i of ep, whose path (relative
// to the endpoint's folder) is written and, with its {{variables}}
// substituted, expanded. The path must stay inside the project folder both
// as written and once every link on the way is resolved; the file must be
// a regular file of at most MaxFormFile bytes. It returns the content and
// the file's base name (the part's filename).
func (p *Project) readFormFile(ep *Endpoint, i int, written, expanded string) ([]byte, string, error) {
	place := fieldPlace(ep, "body", "fields", strconv.Itoa(i), "file")
	subst := ""
	if expanded != written {
		subst = " after {{variable}} substitution"
	}
	if reason := controlReason(expanded, false); reason != "" {
		return nil, "", fmt.Errorf("%s: %q%s: a file name %s", place, written, subst, reason)
	}
	if !insideRelative(expanded) {
		return nil, "", fmt.Errorf("%s: %q%s is not a relative path inside the project folder", place, written, subst)
	}
	full := filepath.Join(p.Dir, filepath.FromSlash(ep.Folder), filepath.FromSlash(expanded))
	real, err := p.inside(full)
	if errors.Is(err, ErrOutside) {
		if subst != "" {
			return nil, "", fmt.Errorf("%s: %q%s links outside the project folder", place, written, subst)
		}
		return nil, "", fmt.Errorf("%s: %q %s", place, written, fileReason(err))
	}
	if err != nil {
		return nil, "", fmt.Errorf("%s: %q%s: %s", place, written, subst, fileReason(err))
	}
	data, err := ReadRegular(real, MaxFormFile)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %q%s: %s", place, written, subst, fileReason(err))
	}
	return data, filepath.Base(full), nil
}
