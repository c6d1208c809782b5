package eventstream

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	awses "github.com/aws/aws-sdk-go-v2/aws/protocol/eventstream"
	"github.com/streamscope/streamscope/backend/sse"
)

// MaxHeaderValue bounds a header value's text in Header.Value; a longer
// one is cut at a character boundary and ends with "…".
const MaxHeaderValue = 1024

// Header is one frame header, its value as text: strings as they are
// (invalid UTF-8 as U+FFFD), integers in decimal, booleans as true/false,
// bytes in base64, timestamps in RFC 3339 with milliseconds (UTC), UUIDs
// in their canonical form.
type Header struct {
	Name string `json:"name"`
	// Type is bool, byte, int16, int32, int64, bytes, string, timestamp
	// or uuid.
	Type  string `json:"type"`
	Value string `json:"value"`
}

// Frame is one decoded message of the stream.
type Frame struct {
	// Offset is where the frame starts in the input since the last Reset,
	// Size its total length in bytes.
	Offset  int64
	Size    int
	Headers []Header
	// Payload is valid only until the callback that got the frame returns.
	Payload []byte
}

// Header returns the value of the header name ("" when absent).
func (f *Frame) Header(name string) string {
	for _, h := range f.Headers {
		if h.Name == name {
			return h.Value
		}
	}
	return ""
}

// MessageType is the frame's :message-type ("event" when absent).
func (f *Frame) MessageType() string {
	if t := f.Header(":message-type"); t != "" {
		return t
	}
	return "event"
}

// Event maps the frame to an event (see the package documentation): the
// type is the :event-type (an exception's :exception-type, "error" for an
// error message), the data the payload.
func (f *Frame) Event() sse.Event {
	data := payloadText(f.Payload)
	switch f.MessageType() {
	case "exception":
		t := f.Header(":exception-type")
		if t == "" {
			t = "exception"
		}
		return sse.Event{Type: t, Data: data}
	case "error":
		if data == "" {
			b, _ := json.Marshal(struct {
				Code    string `json:"code"`
				Message string `json:"message"`
			}{f.Header(":error-code"), f.Header(":error-message")})
			data = string(b)
		}
		return sse.Event{Type: "error", Data: data}
	}
	t := f.Header(":event-type")
	if t == "" {
		t = "message"
	}
	return sse.Event{Type: t, Data: data}
}

func payloadText(p []byte) string {
	if utf8.Valid(p) {
		return string(p)
	}
	return strings.ToValidUTF8(string(p), "\uFFFD")
}

func convertHeaders(hs awses.Headers) []Header {
	if len(hs) == 0 {
		return nil
	}
	out := make([]Header, 0, len(hs))
	for _, h := range hs {
		var typ, val string
		switch v := h.Value.(type) {
		case awses.BoolValue:
			typ, val = "bool", strconv.FormatBool(bool(v))
		case awses.Int8Value:
			typ, val = "byte", strconv.Itoa(int(v))
		case awses.Int16Value:
			typ, val = "int16", strconv.Itoa(int(v))
		case awses.Int32Value:
			typ, val = "int32", strconv.Itoa(int(v))
		case awses.Int64Value:
			typ, val = "int64", strconv.FormatInt(int64(v), 10)
		case awses.BytesValue:
			typ, val = "bytes", base64.StdEncoding.EncodeToString(v)
		case awses.StringValue:
			typ, val = "string", payloadText([]byte(v))
		case awses.TimestampValue:
			typ, val = "timestamp", time.Time(v).UTC().Format("2006-01-02T15:04:05.000Z07:00")
		case awses.UUIDValue:
			typ, val = "uuid", v.String()
		default:
			typ, val = "unknown", h.Value.String()
		}
		out = append(out, Header{Name: payloadText([]byte(h.Name)), Type: typ, Value: shorten(val)})
	}
	return out
}

func shorten(s string) string {
	if len(s) <= MaxHeaderValue {
		return s
	}
	n := MaxHeaderValue
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// EventFrame encodes an event message as AWS sends one: headers
// :event-type, :content-type application/json and :message-type event,
// then the payload.
func EventFrame(eventType string, payload []byte) []byte {
	return encode(awses.Headers{
		{Name: ":event-type", Value: awses.StringValue(eventType)},
		{Name: ":content-type", Value: awses.StringValue("application/json")},
		{Name: ":message-type", Value: awses.StringValue("event")},
	}, payload)
}

// ExceptionFrame encodes an exception message (:exception-type,
// :content-type application/json, :message-type exception) with a JSON
// payload such as {"message":"..."}.
func ExceptionFrame(exceptionType string, payload []byte) []byte {
	return encode(awses.Headers{
		{Name: ":exception-type", Value: awses.StringValue(exceptionType)},
		{Name: ":content-type", Value: awses.StringValue("application/json")},
		{Name: ":message-type", Value: awses.StringValue("exception")},
	}, payload)
}

func encode(hs awses.Headers, payload []byte) []byte {
	var b bytes.Buffer
	// Encoding into memory fails only for a header over the format's own
	// limits, which these fixed headers never are.
	if err := awses.NewEncoder().Encode(&b, awses.Message{Headers: hs, Payload: payload}); err != nil {
		panic("eventstream: " + err.Error())
	}
	return b.Bytes()
}
