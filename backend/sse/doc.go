// Package sse is Streamscope's streaming parser for Server-Sent Events and
// NDJSON / JSON Lines: bytes in, in any chunking, events out, exactly as the
// WHATWG HTML "interpret an event stream" algorithm says.
//
// A Parser is fed raw response bytes with Feed, in whatever pieces the
// network delivers, and calls back with each dispatched Event (type after
// defaulting to "message", data with its trailing LF removed, the sticky last
// event ID). End marks the end of the input and reports whether an
// unterminated event was discarded; LastEventID and Retry expose the
// stream's state, and Reset prepares the parser for a reconnection. While
// an event is emitted, Span tells which bytes of the input it came from
// (its block, or its NDJSON line), whatever the chunking.
//
// The bytes are decoded as the WHATWG UTF-8 decoder does: one leading BOM
// is stripped (also when split across reads), and every ill-formed sequence
// becomes U+FFFD by maximal-subpart replacement, so every string the parser
// returns is valid UTF-8. Lines end at CRLF, LF or a lone CR, also when the
// CR and LF arrive in different reads.
//
// Events whose single data line lies inside one fed chunk share one string
// copy of that chunk instead of allocating one string each; there is no
// other per-event allocation on that path. One event may buffer at most
// Options.MaxEventSize bytes (16 MiB by default); a bigger one is dropped
// with a *TooLargeError (Dropped counts them) and parsing resumes at the
// next event.
//
// The fixture table in testdata/conformance.json lists the rules with a case
// for each; package ssebench generates the benchmark corpora.
package sse
