// Package run is the stage that joins the others: one run of an endpoint,
// written once for every front end (the CLI's send and run, the app's
// runs). A front end is a view of it: the CLI prints the timeline, the
// JSON object and JUnit; the app batches for its UI.
//
//   - Plan: what to run. New makes one from a project's endpoint (Spec):
//     the variables resolved through the environment, the overrides, the
//     allowed process variables and the secret store (secrets.NewScope:
//     the store is opened only when a secret variable is used), the merge
//     options, the script read and compiled, and the redactor of every
//     secret value the run uses. Its errors say which step failed (Error,
//     Stage), with the secrets masked. An ad-hoc request fills in a Plan
//     by hand.
//   - Run (Plan.Start): the merger and the script session beside it. Send
//     sends the request; every timeline record goes to the merger, the
//     script and then the Observer, in order, on the sender's goroutine.
//     The end of an event stream's body is judged by the merge
//     (send.MergeCheck at a clean end, the merger's SawEnd when the body
//     broke after the end marker) and the final result is send.FinalResult
//     with the script's changes, onEnd's included. Current and Metrics
//     read the run while it streams, from any goroutine.
//   - Replay runs a recording (project.Recording) through the same merge
//     and script without the network: the same records, the end judged as
//     the live run judged it (a recording that ended complete had a clean
//     end the merge judges; another end is the body breaking there, unless
//     the merge explains it or the end marker had come).
//   - Outcome: the final result, the sender's result, the timing, the
//     script's tests and failure.
//   - Recording and Recorder: a recording of a run, what was asked as
//     written (variables unresolved) and every text masked.
//   - Redaction: the records, headers and small result fields masked with
//     the run's redactor (Masker, MaskHeader, MaskSmall, MaskError); Texts
//     sends a UI the merged texts as deltas within a byte budget, each
//     through its own redact.Stream so that a secret arriving in pieces is
//     masked whole.
//
// The script runs in a script.Session: its top-level code with the
// response whose body is read (a 429 or 503 answer that is retried does
// not count), onEvent per event with the merge so far, its changes
// re-applied on every fresh merge result, onEnd on the final one;
// pm.response.text() is the events' data until the end, then the body.
// Run.Script gives the session, whose output can be read at any time.
package run
