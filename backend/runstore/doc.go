// Package runstore keeps the files of a run on disk, so that a long
// stream's memory stays bounded whatever its length:
//
//   - the events, as JSON Lines ({"seq","time_ms","type","data","id"} per
//     line: the app's events export, its recordings and its JSONPath rule
//     check read them back with Events);
//   - the decoded body as received, up to MaxBody bytes (Body, BodyAt and
//     Slice read it back: the Body tab, the raw view of a timeline record,
//     the raw export, and the merge of a plain body);
//   - the record log: every timeline record as a UI was sent it, one JSON
//     line each, with a sparse index (a mark every MarkEvery records) so
//     that Records pages any run of them back in with one seek.
//
// A Dir is a temporary directory made on first use; Open gives a run its
// three files there. Writes are buffered and never fail the run: the first
// write error is kept and reported by the reads of what it lost. Every
// method is safe for concurrent use; reads flush the writes before them.
// Remove deletes a run's files, Dir.RemoveAll the whole directory.
//
// The events and records are written as the caller gives them (masked,
// in the app); the body is kept as received, and Slice and View mask what
// they read of it with the caller's redactor, seeing the bytes around it,
// so that a secret the piece cuts is masked too.
package runstore
