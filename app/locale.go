package app

import "strings"

// WebviewLocaleFix returns an environment variable to set before the
// window opens when the process locale is C with a codeset (C.UTF-8, the
// default of many minimal systems and containers): WebKitGTK then reports
// navigator.language as "C", which is not a BCP 47 tag, and every
// Intl.NumberFormat or DateTimeFormat built from it throws. Plain C and
// POSIX are fine (WebKit maps them to en-US), and so is any real locale.
// It returns "", "" when nothing needs to change.
//
// The fix names a locale that is usually not installed, so the C library
// falls back to plain C, which WebKit maps to en-US.
func WebviewLocaleFix(getenv func(string) string) (key, value string) {
	name := "LC_ALL"
	v := getenv(name)
	if v == "" {
		name = "LC_CTYPE"
		v = getenv(name)
	}
	if v == "" {
		name = "LANG"
		v = getenv(name)
	}
	base, _, hasCodeset := strings.Cut(v, ".")
	if !hasCodeset || (base != "C" && base != "POSIX") {
		return "", ""
	}
	if name == "LANG" {
		name = "LC_CTYPE"
	}
	return name, "en_US.UTF-8"
}
