package send

import (
	"net/http"
	"time"

	"github.com/streamscope/streamscope/backend/eventstream"
	"github.com/streamscope/streamscope/backend/sse"
)

// Kind names the type of a timeline record.
type Kind string

// Record kinds.
const (
	KindRequestSent     Kind = "request_sent"
	KindResponseHeaders Kind = "response_headers"
	KindRedirect        Kind = "redirect" // a 3xx answer: followed (to where, what was left out) or not
	KindChunk           Kind = "chunk"
	KindEvent           Kind = "event"
	KindComment         Kind = "comment"
	KindRetry           Kind = "retry"     // a 429/503 answer is retried after a wait
	KindReconnect       Kind = "reconnect" // the stream broke and is reopened with Last-Event-ID
	KindWarning         Kind = "warning"
	KindError           Kind = "error"
	KindEnd             Kind = "end"
)

// EndReason says how a request ended.
type EndReason string

// End reasons.
const (
	EndComplete  EndReason = "complete"  // the body ended cleanly (and the caller's Finish check agreed)
	EndTruncated EndReason = "truncated" // closed mid-event, or before the format's end marker
	EndCancelled EndReason = "cancelled" // the caller cancelled the context
	EndError     EndReason = "error"     // transport error, or an error the caller's Finish check reported
	EndTimeout   EndReason = "timeout"   // response-header or idle timeout, or the caller's deadline
)

// Record is one entry of the timeline: exactly one of the pointer fields
// that matches Kind is set (Text for comments).
type Record struct {
	// Seq numbers the records of one request from 1, without gaps.
	Seq int64 `json:"seq"`
	// Kind says which of the fields below is set.
	Kind Kind `json:"kind"`
	// At is the monotonic time since the request started; TimeMS is the
	// same in milliseconds, for JSON consumers.
	At     time.Duration `json:"-"`
	TimeMS float64       `json:"time_ms"`
	// Attempt is the connection the record belongs to: 1 for the first,
	// then +1 for every retry or reconnect.
	Attempt int `json:"attempt"`

	Request  *RequestInfo  `json:"request,omitempty"`
	Redirect *RedirectInfo `json:"redirect,omitempty"`
	Response *ResponseInfo `json:"response,omitempty"`
	Chunk    *ChunkInfo    `json:"chunk,omitempty"`
	Event    *EventInfo    `json:"event,omitempty"`
	// Text is the comment's text (KindComment), without the leading colon.
	Text    string     `json:"text,omitempty"`
	Retry   *RetryInfo `json:"retry,omitempty"`
	Warning *Notice    `json:"warning,omitempty"`
	Error   *Notice    `json:"error,omitempty"`
	End     *EndInfo   `json:"end,omitempty"`
}

// RequestInfo describes the request as sent. Header values that look like
// credentials are redacted, and so are such query parameters in URL.
type RequestInfo struct {
	Method   string      `json:"method"`
	URL      string      `json:"url"`
	Header   http.Header `json:"headers"`
	BodySize int         `json:"body_size"`
}

// ResponseInfo describes the response headers and the connection timings
// (durations of DNS, connect and TLS; TTFBMS is an offset from the start).
type ResponseInfo struct {
	Status     int         `json:"status"`
	StatusText string      `json:"status_text"`
	Proto      string      `json:"proto"`
	Header     http.Header `json:"headers"`
	// StreamKind is how the body is read: sse, ndjson, eventstream or plain.
	StreamKind StreamKind `json:"stream_kind"`
	// Encoding is the Content-Encoding being decoded ("" for none).
	Encoding string `json:"encoding,omitempty"`
	Timing   Timing `json:"timing"`
}

// ChunkInfo is one read from the (decoded) body. Data holds the bytes and
// is not serialised; Batcher fills Preview (and Truncated when Preview is
// shorter than the chunk) for JSON consumers.
type ChunkInfo struct {
	// Offset is the position of the chunk in the decoded body of the
	// request: the bodies of all its attempts one after the other, as the
	// chunks arrive (so an attempt's first chunk follows the previous
	// attempt's last one).
	Offset    int64  `json:"offset"`
	Size      int    `json:"size"`
	Data      []byte `json:"-"`
	Preview   string `json:"preview"`
	Truncated bool   `json:"truncated,omitempty"`
}

// EventInfo is one dispatched event. Index counts the events of the whole
// request from 1 (it is the script API's event.seq).
type EventInfo struct {
	Index int `json:"index"`
	sse.Event
	// Truncated is set by Batcher when Data was shortened for transport;
	// Size is then the full length of Data in bytes.
	Truncated bool `json:"truncated,omitempty"`
	Size      int  `json:"size,omitempty"`
	// Headers are an AWS event-stream frame's headers (:event-type,
	// :message-type, :content-type, :exception-type, ...), nil for SSE
	// and NDJSON events.
	Headers []eventstream.Header `json:"headers,omitempty"`
	// RawOffset and RawSize are where the event came from in the decoded
	// body, in the positions of ChunkInfo.Offset: its block as received
	// (sse.Parser.Span: from the block's first line through the first byte
	// of the blank line's terminator, so a CRLF's LF is not counted; for
	// NDJSON the line; for an event stream the frame). RawSize is 0 when unknown (a replayed recording).
	RawOffset int64 `json:"raw_offset,omitempty"`
	RawSize   int   `json:"raw_size,omitempty"`
}

// RetryInfo describes a wait before the next attempt.
type RetryInfo struct {
	// Reason is why: "HTTP 429", "HTTP 503", or the cause of a broken stream.
	Reason string `json:"reason"`
	// WaitMS is the pause before the next attempt.
	WaitMS float64 `json:"wait_ms"`
	// NextAttempt is the number of the attempt that follows.
	NextAttempt int `json:"next_attempt"`
	// LastEventID is sent as Last-Event-ID on a reconnect ("" when none).
	LastEventID string `json:"last_event_id,omitempty"`
}

// Notice is a warning or an error. Code is a stable machine-readable name
// (see the Code* constants), Message a sentence for people.
type Notice struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Notice codes.
const (
	CodeEventTooLarge      = "event_too_large"
	CodeReconnectCapped    = "reconnect_delay_capped"
	CodeCompressedBuffered = "compressed_buffered"
	CodeKindOverride       = "stream_kind_override"
	CodeInvalidUTF8        = "invalid_utf8"
	CodeBodyCapture        = "body_capture_limit"
	CodeUnknownEncoding    = "unknown_encoding"
	CodeDecode             = "decode_error"
	CodeTransport          = "transport"
	CodeHeaderTimeout      = "header_timeout"
	CodeIdleTimeout        = "idle_timeout"
	CodeDeadline           = "deadline"
	CodeCancelled          = "cancelled"
	CodeTruncated          = "truncated"
	CodeStream             = "stream"
	// CodeFrame is an AWS event-stream frame that could not be decoded
	// (bad CRC, impossible lengths, over the size limit, bad headers).
	CodeFrame = "frame_error"
)

// EndInfo closes the timeline.
type EndInfo struct {
	Reason EndReason `json:"reason"`
	// Code names the failure (a Code* constant) when Reason is not complete.
	Code    string `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
	// Events is the number of events dispatched; Bytes the decoded body
	// bytes and WireBytes the bytes as received, over all attempts.
	Events    int    `json:"events"`
	Bytes     int64  `json:"bytes"`
	WireBytes int64  `json:"wire_bytes"`
	Attempts  int    `json:"attempts"`
	Timing    Timing `json:"timing"`
}

// Timing holds the connection timings of the last attempt (DNSMS,
// ConnectMS, TLSMS are durations, zero when the step did not happen, e.g.
// a reused connection) and offsets from the start of the request
// (TTFBMS, FirstEventMS, DurationMS; zero when not reached).
type Timing struct {
	DNSMS        float64 `json:"dns_ms"`
	ConnectMS    float64 `json:"connect_ms"`
	TLSMS        float64 `json:"tls_ms"`
	Reused       bool    `json:"reused"`
	TTFBMS       float64 `json:"ttfb_ms"`
	FirstEventMS float64 `json:"first_event_ms"`
	DurationMS   float64 `json:"duration_ms"`
}

// ms converts a duration to milliseconds with microsecond precision.
func ms(d time.Duration) float64 {
	return float64(d.Microseconds()) / 1000
}
