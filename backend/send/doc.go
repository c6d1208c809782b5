// Package send executes one HTTP request and streams its response into a
// typed timeline: request sent, redirects, response headers, every raw
// chunk, every parsed event (SSE or NDJSON, through package sse, with where
// in the decoded body its bytes are), comments (heartbeats), retries and
// reconnects, warnings, errors and one end record with its
// reason (complete, truncated, cancelled, error, timeout).
//
// An AWS event stream (application/vnd.amazon.eventstream, or StreamMode
// eventstream; Bedrock's ConverseStream and InvokeModelWithResponseStream)
// is decoded frame by frame through package eventstream (eventstream.go):
// each frame is an event record with its headers (EventInfo.Headers) and
// its payload as the data. A frame that cannot be delivered (bad message
// CRC, over MaxEventSize, undecodable headers) is an error record with code
// frame_error and data lost (Result.Lost); a bad prelude loses the framing
// and ends the attempt at once with reason error; a body that ends inside a
// frame is truncated, with an error record for the incomplete frame.
//
// Auth type sigv4 signs every attempt, and every same-origin redirect hop,
// with AWS Signature Version 4 (sigv4.go, the AWS SDK for Go v2 signer, a
// fresh one per request): X-Amz-Date, X-Amz-Security-Token with a session
// token, and Authorization over every header sent but the signer's ignored
// ones and over the body's SHA-256. A redirect to another origin gets none
// of them.
//
// Redirects are followed (Request.NoFollow turns it off) and each is a
// redirect record; a hop to another origin (scheme, host or port) carries
// no credential header and no Referer, and a 307/308 that would resend the
// body to another origin is not followed (redirect.go).
//
// Every record carries a sequence number and a monotonic time offset from
// the start of the request; DNS, connect, TLS and first-byte timings come
// from net/http/httptrace. The sender hands records to a callback that must
// stay cheap; Batcher turns them into sequenced, size-bounded batches for a
// UI without ever blocking the sender.
//
// MergeCheck, a Merger's SawEnd and FinalResult are the verdict of a
// merged stream, shared by the CLI and the app: how the end of a body is
// judged (Request.Finish, Request.EndMarker: a body that breaks after the
// end marker is complete, with the fault as a warning) and what the final
// result is (a plain body merged as one answer; data lost on the way, such
// as events over MaxEventSize or a body over what was kept, makes it
// incomplete with the verdict data_lost).
//
// A reconnect waits as the stream's last `retry:` field says (else
// Reconnect.Delay), never more than MaxReconnectDelay (60 s): a longer
// wait is capped with a warning record.
//
// There is no whole-request timeout: a response-header timeout and an idle
// timeout (no bytes for a while) end a request with a clear message, and
// cancelling the context closes the connection at once. gzip, deflate and
// brotli bodies are decoded as they arrive. The package knows nothing of
// the desktop shell.
package send
