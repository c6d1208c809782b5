// Package sse is Streamscope's streaming parser for Server-Sent Events and
// NDJSON / JSON Lines: bytes in, in any chunking, events out, exactly as the
// WHATWG HTML "interpret an event stream" algorithm says.
package sse
