package eventstream

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	awses "github.com/aws/aws-sdk-go-v2/aws/protocol/eventstream"
	"github.com/streamscope/streamscope/backend/sse"
)

// got collects what a decoder delivered.
type got struct {
	frames []Frame
	errs   []*Error
}

func (g *got) emit(f *Frame) {
	c := *f
	c.Payload = bytes.Clone(f.Payload)
	g.frames = append(g.frames, c)
}
func (g *got) fail(e *Error) { g.errs = append(g.errs, e) }

// decodeAll feeds body in the given pieces and ends the input.
func decodeAll(body []byte, cuts []int) (*got, *Error, *Decoder) {
	d := NewDecoder(Options{})
	g := &got{}
	last := 0
	for _, c := range append(cuts, len(body)) {
		d.Feed(body[last:c], g.emit, g.fail)
		last = c
	}
	return g, d.End(), d
}

// awsVector is one decoded/positive file of the AWS test suite.
type awsVector struct {
	TotalLength   int `json:"total_length"`
	HeadersLength int `json:"headers_length"`
	Headers       []struct {
		Name  string          `json:"name"`
		Type  int             `json:"type"`
		Value json.RawMessage `json:"value"`
	} `json:"headers"`
	Payload string `json:"payload"`
}

// wantHeader renders a test-suite header as Header.
func wantHeader(t *testing.T, name string, typ int, raw json.RawMessage) Header {
	t.Helper()
	var s string
	var n int64
	var b bool
	switch typ {
	case 0, 1:
		_ = json.Unmarshal(raw, &b)
		return Header{name, "bool", strconv.FormatBool(b)}
	case 2, 3, 4, 5:
		_ = json.Unmarshal(raw, &n)
		return Header{name, []string{"byte", "int16", "int32", "int64"}[typ-2], strconv.FormatInt(n, 10)}
	case 6:
		_ = json.Unmarshal(raw, &s)
		return Header{name, "bytes", s}
	case 7:
		_ = json.Unmarshal(raw, &s)
		v, _ := base64.StdEncoding.DecodeString(s)
		return Header{name, "string", string(v)}
	case 8:
		_ = json.Unmarshal(raw, &n)
		return Header{name, "timestamp", time.UnixMilli(n).UTC().Format("2006-01-02T15:04:05.000Z07:00")}
	case 9:
		_ = json.Unmarshal(raw, &s)
		v, _ := base64.StdEncoding.DecodeString(s)
		return Header{name, "uuid", fmt.Sprintf("%x-%x-%x-%x-%x", v[0:4], v[4:6], v[6:8], v[8:10], v[10:])}
	}
	t.Fatalf("header %s: unknown type %d", name, typ)
	return Header{}
}

// The AWS test vectors decode as their decoded/ twin says, whole and cut at
// every byte boundary.
func TestAWSPositiveVectors(t *testing.T) {
	t.Parallel()
	files, _ := filepath.Glob("testdata/aws/encoded/positive/*")
	if len(files) != 5 {
		t.Fatalf("%d positive vectors, want 5", len(files))
	}
	for _, f := range files {
		name := filepath.Base(f)
		body, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := os.ReadFile(filepath.Join("testdata/aws/decoded/positive", name))
		if err != nil {
			t.Fatal(err)
		}
		var want awsVector
		if err := json.Unmarshal(raw, &want); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var wantHeaders []Header
		for _, h := range want.Headers {
			wantHeaders = append(wantHeaders, wantHeader(t, h.Name, h.Type, h.Value))
		}
		wantPayload, _ := base64.StdEncoding.DecodeString(want.Payload)
		for cut := 0; cut <= len(body); cut++ {
			g, end, _ := decodeAll(body, []int{cut})
			if len(g.errs) != 0 || end != nil || len(g.frames) != 1 {
				t.Fatalf("%s cut %d: %d frames, errors %v, end %v", name, cut, len(g.frames), g.errs, end)
			}
			fr := g.frames[0]
			if fr.Size != want.TotalLength || fr.Offset != 0 || !bytes.Equal(fr.Payload, wantPayload) {
				t.Errorf("%s cut %d: size %d payload %q, want %d %q", name, cut, fr.Size, fr.Payload, want.TotalLength, wantPayload)
			}
			if fmt.Sprint(fr.Headers) != fmt.Sprint(wantHeaders) {
				t.Errorf("%s cut %d: headers\n %v\nwant\n %v", name, cut, fr.Headers, wantHeaders)
			}
		}
	}
}

// The negative vectors are errors of the right kind, never frames.
func TestAWSNegativeVectors(t *testing.T) {
	t.Parallel()
	want := map[string]string{
		"corrupted_header_len": CodePrelude,
		"corrupted_length":     CodePrelude,
		"corrupted_headers":    CodeMessageCRC,
		"corrupted_payload":    CodeMessageCRC,
	}
	for name, code := range want {
		body, err := os.ReadFile(filepath.Join("testdata/aws/encoded/negative", name))
		if err != nil {
			t.Fatal(err)
		}
		expect, _ := os.ReadFile(filepath.Join("testdata/aws/decoded/negative", name))
		if prelude := strings.HasPrefix(string(expect), "Prelude"); prelude != (code == CodePrelude) {
			t.Fatalf("%s: the suite says %q, the test %s", name, expect, code)
		}
		for cut := 0; cut <= len(body); cut++ {
			g, end, d := decodeAll(body, []int{cut})
			if len(g.frames) != 0 || len(g.errs) != 1 || g.errs[0].Code != code || end != nil {
				t.Fatalf("%s cut %d: frames %v errors %v end %v", name, cut, g.frames, g.errs, end)
			}
			if g.errs[0].Fatal != (code == CodePrelude) || d.Failed() != (code == CodePrelude) {
				t.Errorf("%s: fatal %v, failed %v", name, g.errs[0].Fatal, d.Failed())
			}
		}
	}
}

// converse is a composed ConverseStream answer (the shapes of the Bedrock
// API reference, ConverseStream; padding "p" as the service adds it).
func converse() ([]byte, []sse.Event) {
	evs := []sse.Event{
		{Type: "messageStart", Data: `{"p":"abcdefghijkl","role":"assistant"}`},
		{Type: "contentBlockDelta", Data: `{"contentBlockIndex":0,"delta":{"text":"Gr\u00fc\u00df "},"p":"abc"}`},
		{Type: "contentBlockDelta", Data: `{"contentBlockIndex":0,"delta":{"text":"Gott — 東京 🙂"},"p":"abcdefghijklmnopqrstu"}`},
		{Type: "contentBlockStop", Data: `{"contentBlockIndex":0,"p":"abcdefgh"}`},
		{Type: "messageStop", Data: `{"p":"abcd","stopReason":"end_turn"}`},
		{Type: "metadata", Data: `{"metrics":{"latencyMs":412},"p":"ab","usage":{"inputTokens":12,"outputTokens":7,"totalTokens":19}}`},
	}
	var body []byte
	for _, e := range evs {
		body = append(body, EventFrame(e.Type, []byte(e.Data))...)
	}
	return body, evs
}

func events(g *got) []sse.Event {
	out := make([]sse.Event, len(g.frames))
	for i := range g.frames {
		out[i] = g.frames[i].Event()
	}
	return out
}

// A stream decodes to the same events whatever the chunking: cut once at
// every byte boundary, cut everywhere, and in random pieces.
func TestChunkingInvariance(t *testing.T) {
	t.Parallel()
	body, want := converse()
	check := func(what string, g *got, end *Error) {
		t.Helper()
		if len(g.errs) != 0 || end != nil {
			t.Fatalf("%s: errors %v end %v", what, g.errs, end)
		}
		if fmt.Sprint(events(g)) != fmt.Sprint(want) {
			t.Fatalf("%s: events\n %v\nwant\n %v", what, events(g), want)
		}
		off := int64(0)
		for _, f := range g.frames {
			if f.Offset != off {
				t.Fatalf("%s: frame at %d, want %d", what, f.Offset, off)
			}
			off += int64(f.Size)
		}
	}
	for cut := 0; cut <= len(body); cut++ {
		g, end, _ := decodeAll(body, []int{cut})
		check(fmt.Sprintf("cut at %d", cut), g, end)
	}
	every := make([]int, len(body))
	for i := range every {
		every[i] = i
	}
	g, end, _ := decodeAll(body, every)
	check("byte by byte", g, end)
	r := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		var cuts []int
		for c := r.IntN(40); c < len(body); c += 1 + r.IntN(40) {
			cuts = append(cuts, c)
		}
		g, end, _ := decodeAll(body, cuts)
		check(fmt.Sprintf("cuts %v", cuts), g, end)
	}
}

// Input cut at any byte delivers the whole frames before the cut; a cut
// inside a frame is a CodeTruncated error from End, a cut between frames
// none.
func TestTruncatedAtEveryByte(t *testing.T) {
	t.Parallel()
	body, want := converse()
	bounds := map[int]int{0: 0}
	n := 0
	for i := 0; i < len(body); {
		i += int(binary.BigEndian.Uint32(body[i:]))
		n++
		bounds[i] = n
	}
	for cut := 0; cut <= len(body); cut++ {
		g, end, _ := decodeAll(body[:cut], nil)
		whole, atBound := bounds[cut]
		if !atBound {
			for b, k := range bounds {
				if b < cut && k > whole {
					whole = k
				}
			}
		}
		if len(g.frames) != whole || len(g.errs) != 0 {
			t.Fatalf("cut %d: %d frames, errors %v; want %d", cut, len(g.frames), g.errs, whole)
		}
		if fmt.Sprint(events(g)) != fmt.Sprint(want[:whole]) {
			t.Fatalf("cut %d: events differ", cut)
		}
		if atBound != (end == nil) {
			t.Fatalf("cut %d: end %v, at a boundary %v", cut, end, atBound)
		}
		if end != nil && (end.Code != CodeTruncated || !strings.Contains(end.Error(), "input ended")) {
			t.Fatalf("cut %d: end %v", cut, end)
		}
	}
}

// prelude builds a 12-byte prelude with a correct CRC.
func prelude(total, headers uint32) []byte {
	p := binary.BigEndian.AppendUint32(nil, total)
	p = binary.BigEndian.AppendUint32(p, headers)
	return binary.BigEndian.AppendUint32(p, crc32.ChecksumIEEE(p))
}

// A frame declaring a huge length is skipped without being held: memory
// stays bounded, the next frame decodes, and a body that ends inside the
// skipped frame is truncated.
func TestHugeDeclaredLengths(t *testing.T) {
	t.Parallel()
	good := EventFrame("messageStop", []byte(`{"stopReason":"end_turn"}`))
	const big = DefaultMaxPayload + 1000
	huge := append(prelude(big+minFrame, 0), make([]byte, big+4)...)
	body := append(append(bytes.Clone(good), huge...), good...)
	d := NewDecoder(Options{})
	g := &got{}
	maxHeld := 0
	for b := body; len(b) > 0; {
		n := min(len(b), 64<<10)
		d.Feed(b[:n], g.emit, g.fail)
		maxHeld = max(maxHeld, cap(d.buf))
		b = b[n:]
	}
	if end := d.End(); end != nil {
		t.Fatal(end)
	}
	if len(g.frames) != 2 || len(g.errs) != 1 || g.errs[0].Code != CodeTooLarge || g.errs[0].Fatal || g.errs[0].Offset != int64(len(good)) {
		t.Fatalf("frames %d, errors %v", len(g.frames), g.errs)
	}
	if g.frames[1].Offset != int64(len(good)+len(huge)) || d.Dropped() != 1 {
		t.Errorf("second frame at %d, dropped %d", g.frames[1].Offset, d.Dropped())
	}
	if maxHeld > 1<<10 {
		t.Errorf("the decoder held %d bytes for a skipped frame", maxHeld)
	}

	// 4 GiB declared, and the body ends soon after: truncated, nothing held.
	d = NewDecoder(Options{})
	g = &got{}
	d.Feed(prelude(0xFFFFFFF0, 0), g.emit, g.fail)
	for range 64 {
		d.Feed(make([]byte, 64<<10), g.emit, g.fail)
	}
	if len(d.buf) != 0 || len(g.errs) != 1 || g.errs[0].Code != CodeTooLarge {
		t.Fatalf("held %d, errors %v", len(d.buf), g.errs)
	}
	if end := d.End(); end == nil || end.Code != CodeTruncated || end.Size != 0xFFFFFFF0 {
		t.Fatalf("end %v", end)
	}

	// A lower payload limit skips the frames over it and keeps the others.
	d = NewDecoder(Options{MaxPayload: 30})
	g = &got{}
	d.Feed(append(EventFrame("chunk", []byte(`{"bytes":"eyJ0eXBlIjoicGluZyJ9"}`)), good...), g.emit, g.fail)
	if len(g.errs) != 1 || g.errs[0].Code != CodeTooLarge || len(g.frames) != 1 {
		t.Fatalf("limit 30: frames %d errors %v", len(g.frames), g.errs)
	}
}

// A bad prelude CRC in the middle: the frames before it are delivered, the
// error is fatal, nothing after it is decoded, End reports nothing more.
func TestBadPreludeCRC(t *testing.T) {
	t.Parallel()
	body, want := converse()
	second := int(binary.BigEndian.Uint32(body))
	bad := bytes.Clone(body)
	bad[second+9] ^= 0x40 // the prelude CRC of the second frame
	for cut := 0; cut <= len(bad); cut++ {
		g, end, d := decodeAll(bad, []int{cut})
		if len(g.frames) != 1 || fmt.Sprint(events(g)) != fmt.Sprint(want[:1]) {
			t.Fatalf("cut %d: %d frames", cut, len(g.frames))
		}
		if len(g.errs) != 1 || g.errs[0].Code != CodePrelude || !g.errs[0].Fatal || g.errs[0].Offset != int64(second) || end != nil || !d.Failed() {
			t.Fatalf("cut %d: errors %v end %v", cut, g.errs, end)
		}
		if !strings.Contains(g.errs[0].Error(), fmt.Sprintf("frame at byte %d: prelude CRC mismatch", second)) {
			t.Errorf("message %q", g.errs[0].Error())
		}
	}
	// Impossible lengths with a correct CRC are fatal too.
	g, _, _ := decodeAll(append(prelude(15, 0), 1, 2, 3), nil)
	if len(g.errs) != 1 || g.errs[0].Code != CodePrelude || !strings.Contains(g.errs[0].Detail, "impossible lengths") {
		t.Fatalf("errors %v", g.errs)
	}
	g, _, _ = decodeAll(append(prelude(40, 30), make([]byte, 28)...), nil)
	if len(g.errs) != 1 || g.errs[0].Code != CodePrelude {
		t.Fatalf("headers longer than the frame: errors %v", g.errs)
	}
}

// A bad message CRC drops that frame only; decoding goes on.
func TestBadMessageCRC(t *testing.T) {
	t.Parallel()
	body, want := converse()
	second := int(binary.BigEndian.Uint32(body))
	third := second + int(binary.BigEndian.Uint32(body[second:]))
	for _, at := range []int{second + 20, third - 1, third - 3} { // header byte, message CRC, payload
		bad := bytes.Clone(body)
		bad[at] ^= 0x01
		for cut := 0; cut <= len(bad); cut++ {
			g, end, d := decodeAll(bad, []int{cut})
			wantEv := append(append([]sse.Event{}, want[:1]...), want[2:]...)
			if fmt.Sprint(events(g)) != fmt.Sprint(wantEv) || end != nil || d.Failed() {
				t.Fatalf("byte %d cut %d: events %v end %v", at, cut, events(g), end)
			}
			if len(g.errs) != 1 || g.errs[0].Code != CodeMessageCRC || g.errs[0].Fatal || g.errs[0].Offset != int64(second) {
				t.Fatalf("byte %d cut %d: errors %v", at, cut, g.errs)
			}
		}
	}
}

// Exceptions and error messages become events the merge can tell.
func TestFrameEvents(t *testing.T) {
	t.Parallel()
	errMsg := encodeStrings([]awsHeader{{":message-type", "error"}, {":error-code", "InternalFailure"}, {":error-message", "An internal error occurred"}}, nil)
	noType := encodeStrings([]awsHeader{{":content-type", "application/json"}}, []byte(`{"a":1}`))
	body := append(ExceptionFrame("throttlingException", []byte(`{"message":"Too many requests, please wait before trying again."}`)), errMsg...)
	body = append(body, noType...)
	body = append(body, EventFrame("chunk", []byte{'"', 0xff, 'x', '"'})...)
	g, end, _ := decodeAll(body, nil)
	if end != nil || len(g.errs) != 0 || len(g.frames) != 4 {
		t.Fatalf("frames %d errors %v end %v", len(g.frames), g.errs, end)
	}
	want := []sse.Event{
		{Type: "throttlingException", Data: `{"message":"Too many requests, please wait before trying again."}`},
		{Type: "error", Data: `{"code":"InternalFailure","message":"An internal error occurred"}`},
		{Type: "message", Data: `{"a":1}`},
		{Type: "chunk", Data: "\"\uFFFDx\""},
	}
	if fmt.Sprint(events(g)) != fmt.Sprint(want) {
		t.Fatalf("events\n %q\nwant\n %q", events(g), want)
	}
	if g.frames[0].MessageType() != "exception" || g.frames[2].MessageType() != "event" || g.frames[0].Header(":content-type") != "application/json" {
		t.Errorf("headers %v", g.frames[0].Headers)
	}
}

type awsHeader struct{ name, value string }

// encodeStrings encodes a message with string headers.
func encodeStrings(hs []awsHeader, payload []byte) []byte {
	var h awses.Headers
	for _, x := range hs {
		h = append(h, awses.Header{Name: x.name, Value: awses.StringValue(x.value)})
	}
	return encode(h, payload)
}

// A long header value is shortened for display.
func TestLongHeaderValue(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", 1000)
	g, _, _ := decodeAll(encodeStrings([]awsHeader{{"x-long", long}}, nil), nil)
	v := g.frames[0].Headers[0].Value
	if len(v) > MaxHeaderValue+len("…") || !strings.HasSuffix(v, "…") || !strings.HasPrefix(long, strings.TrimSuffix(v, "…")) {
		t.Errorf("value of %d bytes: %q…", len(v), v[:20])
	}
}

func TestLooksLike(t *testing.T) {
	t.Parallel()
	frame := EventFrame("messageStart", []byte(`{"role":"assistant"}`))
	for _, c := range []struct {
		in           []byte
		yes, decided bool
	}{
		{nil, false, false},
		{frame[:1], false, false},
		{frame[:11], false, false},
		{frame[:12], true, true},
		{frame, true, true},
		{[]byte("data: {}\n\n"), false, true},
		{[]byte("{\"a\":1}\n"), false, true},
		{[]byte("\n\ndata: x"), false, true},
		{append([]byte{0, 0, 0, 20, 0, 0, 0, 0}, 1, 2, 3, 4), false, true}, // CRC does not match
		{prelude(15, 0), false, true},                                      // impossible length
	} {
		yes, decided := LooksLike(c.in)
		if yes != c.yes || decided != c.decided {
			t.Errorf("LooksLike(%q) = %v, %v; want %v, %v", c.in, yes, decided, c.yes, c.decided)
		}
	}
}

// Reset starts offsets again and forgets a lost framing.
func TestReset(t *testing.T) {
	t.Parallel()
	body, _ := converse()
	d := NewDecoder(Options{})
	g := &got{}
	d.Feed([]byte("garbage bytes"), g.emit, g.fail)
	if !d.Failed() {
		t.Fatal("text did not fail the decoder")
	}
	d.Reset()
	d.Feed(body[:30], g.emit, g.fail)
	d.Reset()
	d.Feed(body, g.emit, g.fail)
	if d.Failed() || d.End() != nil || len(g.frames) != 6 || g.frames[0].Offset != 0 || d.Frames() != 6 {
		t.Fatalf("after reset: %d frames, errors %v", len(g.frames), g.errs)
	}
}
