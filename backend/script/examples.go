package script

import "embed"

// Examples are the example scripts (examples/*.js) for the demo project and
// the app: a plain-text token stream, a custom record delimiter, reasoning
// in <think> tags, and tests on time to first token and the stop reason.
//
//go:embed examples/*.js
var Examples embed.FS
