// Package redact keeps secret values out of everything Streamscope shows
// or writes: the CLI's timeline, results, JUnit reports and recordings,
// and the app's batches, record files, body views and exports. It is the
// one redactor both use.
//
// New takes the secret values of a run and masks each of them, whatever
// its length (a secret of one character too: nothing is exempt), as Mark
// ("[secret]"), in every form Variants lists: the value itself,
// percent-encoded (query and path styles, upper- and lower-case hex),
// base64 (the part of the encoding that depends only on the secret, at
// each alignment, so also inside a Basic Authorization value),
// JSON-escaped, quoted as chai quotes it in assertion messages, and cut
// (a prefix of 4 bytes or more followed by "…", as chai and Streamscope
// shorten long values). All forms of all secrets are matched in one pass by an
// Aho-Corasick automaton; overlapping matches become one Mark, and Mark
// itself is never masked again, so masking twice changes nothing.
//
// The ways in:
//   - String, Bytes, Strings: a whole text.
//   - Window: a slice of a longer text, seeing what is around it (a raw
//     body read at an offset).
//   - JSON: the string values of a JSON text, so the result stays valid
//     JSON; Value: any JSON-shaped Go value, through its JSON form.
//   - Stream and Writer: text that arrives in pieces, a secret split
//     between pieces included; the end that could begin a secret is held
//     back (at most Context bytes) until the next piece or Flush.
//   - Chunks: pieces that must be shown as they come (live chunk records):
//     the rest of a split secret is masked in the second piece, and a
//     piece's end that is at least 4 bytes of a secret's start (fewer when
//     a secret is that short) is masked at once, so at most 3 bytes of a
//     split secret show.
//
// A nil *Redactor masks nothing and costs nothing: New returns nil when
// there is no secret.
package redact
