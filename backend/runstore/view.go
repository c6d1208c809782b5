package runstore

import (
	"encoding/base64"
	"fmt"
	"mime"
	"strings"
	"unicode/utf8"

	"github.com/streamscope/streamscope/backend/redact"
)

// MaxSlice bounds the bytes one Slice returns.
const MaxSlice = 1 << 20

// Slice is a piece of a run's body as received, for the raw view of a
// timeline record.
type Slice struct {
	// Available false means the bytes are not kept; Reason says why.
	Available bool
	Reason    string
	// Data is the piece, its secret values masked; Size counts the bytes
	// of the body it stands for.
	Data []byte
	Size int
	// Shortened says fewer bytes than asked came back (MaxSlice, or the
	// end of the kept body), never cutting a UTF-8 sequence in two.
	Shortened bool
}

// Slice returns size bytes of the body from offset: the positions of the
// timeline's chunk records (offset) and event records (raw_offset,
// raw_size). At most MaxSlice bytes come back. A slice that ends between
// a CR and its LF gets the LF too: an event's raw_size leaves out the LF
// of the CRLF that dispatched it. red masks the piece seeing the bytes
// around it, so that a secret the slice cuts is masked too. Bytes past the
// body kept (or a body file that failed) come back with Available false
// and the Reason.
func (r *Run) Slice(offset int64, size int, red *redact.Redactor) Slice {
	var v Slice
	n := min(size, MaxSlice)
	// one byte more, to tell whether a final CR is followed by its LF, and
	// the bytes around the slice, for the redactor
	ctx := int64(red.Context())
	lo := max(0, offset-ctx)
	around, kept, cut, err := r.BodyAt(lo, int(offset-lo)+n+1+int(ctx))
	if err != nil {
		v.Reason = err.Error()
		return v
	}
	pre := int(offset - lo)
	var b []byte
	if pre < len(around) {
		b = around[pre:min(len(around), pre+n+1)]
	}
	if size > 0 && offset >= kept {
		if cut {
			v.Reason = fmt.Sprintf("only the first %d bytes of the body are kept; byte %d is past them", r.limit, offset)
		} else {
			v.Reason = fmt.Sprintf("byte %d is past the %d bytes of the body received", offset, kept)
		}
		return v
	}
	if len(b) > n && !(n > 0 && n == size && b[n-1] == '\r' && b[n] == '\n') {
		b = b[:n]
	}
	v.Available, v.Shortened = true, len(b) < size
	if v.Shortened {
		b = b[:CutUTF8(b)]
	}
	v.Size = len(b)
	if len(b) > 0 { // an empty slice may start past what was read
		v.Data = red.Window(around, pre, pre+len(b))
	}
	return v
}

// View returns the first limit bytes of the body for display, masked with
// red (which sees the bytes past the end too), and whether the body goes
// on past them.
func (r *Run) View(limit int, red *redact.Redactor) ([]byte, bool, error) {
	body, cut, err := r.Body(limit + red.Context())
	if err != nil {
		return nil, false, err
	}
	n := min(len(body), limit)
	return red.Window(body, 0, n), cut || n < len(body), nil
}

// TextOrBase64 shows b as text when it is valid UTF-8 and not declared
// binary by contentType, else as base64; isText says which.
func TextOrBase64(b []byte, contentType string) (text, b64 string, isText bool) {
	mt, _, _ := mime.ParseMediaType(contentType)
	binary := strings.HasPrefix(mt, "image/") || strings.HasPrefix(mt, "audio/") || strings.HasPrefix(mt, "video/") ||
		mt == "application/octet-stream" || mt == "application/pdf"
	if !binary && utf8.Valid(b) {
		return string(b), "", true
	}
	return "", base64.StdEncoding.EncodeToString(b), false
}

// CutUTF8 is len(b) without a UTF-8 sequence cut off at its end.
func CutUTF8(b []byte) int {
	for k := 1; k <= utf8.UTFMax && k <= len(b); k++ {
		if utf8.RuneStart(b[len(b)-k]) {
			if !utf8.FullRune(b[len(b)-k:]) {
				return len(b) - k
			}
			break
		}
	}
	return len(b)
}
