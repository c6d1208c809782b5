// Package text holds small string rules that more than one stage needs,
// written once:
//
//   - AppendJSONString: a string as a JSON string that escapes only what
//     JSON requires (", \ and control characters), unlike encoding/json,
//     which also escapes <, >, & and U+2028/U+2029. `streamscope parse`
//     prints events with it, and backend/redact masks secrets inside JSON
//     string values with it.
package text
