// Package eventstream reads the AWS event stream
// (application/vnd.amazon.eventstream), the binary framing of Amazon
// Bedrock's ConverseStream and InvokeModelWithResponseStream answers,
// incrementally: bytes in, in any chunking, frames out.
//
// A frame is a 12-byte prelude (total length, headers length, prelude
// CRC32), typed headers (:message-type, :event-type, :content-type,
// :exception-type, ...), a payload and a CRC32 of everything before it.
// A Decoder holds back the bytes of a frame until it is whole and decodes
// it with the AWS SDK for Go v2 (github.com/aws/aws-sdk-go-v2/aws/protocol/eventstream);
// the prelude is checked (CRC and lengths) as soon as its 12 bytes have
// arrived, so a bad or huge declared length is known at once.
//
// Memory stays bounded whatever the input: one frame is held at a time, at
// most Options.MaxPayload (16 MiB, AWS's own limit) plus MaxHeaders
// (128 KiB). Errors are *Error values with the byte offset of the frame at
// fault; none stops the decoder by surprise:
//   - a bad prelude CRC or impossible lengths (CodePrelude) lose the
//     framing: the error is fatal and nothing after it is decoded;
//   - a frame over the size limits (CodeTooLarge) is skipped without being
//     held, a bad message CRC (CodeMessageCRC) or undecodable headers
//     (CodeHeaders) drop that frame, and decoding resumes at the next one;
//   - input that ends inside a frame is CodeTruncated, from End.
//
// Frame.Event maps a frame to the event the rest of Streamscope merges: an
// event message's type is its :event-type and its data the payload; an
// exception's type is its :exception-type (throttlingException,
// modelStreamErrorException, ...) with the payload as data; an error
// message (:message-type error) is type "error" with its payload, or, when
// it has none, {"code","message"} made from its :error-code and
// :error-message headers. A payload that is not valid UTF-8 has its
// invalid bytes replaced by U+FFFD. Header values longer than
// MaxHeaderValue bytes are shortened for display.
//
// LooksLike tells an event stream from text (SSE, NDJSON) by its first 12
// bytes: a prelude whose CRC matches.
package eventstream
