package sse

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// refDecode is a literal transcription of the WHATWG Encoding Standard's
// UTF-8 decoder state machine (bytes needed / seen, lower / upper boundary),
// used as an oracle for appendDecoded.
func refDecode(in []byte) string {
	var sb strings.Builder
	var cp rune
	needed, seen := 0, 0
	lower, upper := byte(0x80), byte(0xBF)
	for i := 0; i <= len(in); i++ {
		if i == len(in) {
			if needed != 0 {
				sb.WriteRune(utf8.RuneError)
			}
			break
		}
		b := in[i]
		if needed == 0 {
			switch {
			case b <= 0x7F:
				sb.WriteByte(b)
			case b >= 0xC2 && b <= 0xDF:
				needed, cp = 1, rune(b&0x1F)
			case b >= 0xE0 && b <= 0xEF:
				if b == 0xE0 {
					lower = 0xA0
				}
				if b == 0xED {
					upper = 0x9F
				}
				needed, cp = 2, rune(b&0xF)
			case b >= 0xF0 && b <= 0xF4:
				if b == 0xF0 {
					lower = 0x90
				}
				if b == 0xF4 {
					upper = 0x8F
				}
				needed, cp = 3, rune(b&0x7)
			default:
				sb.WriteRune(utf8.RuneError)
			}
			continue
		}
		if b < lower || b > upper {
			cp, needed, seen = 0, 0, 0
			lower, upper = 0x80, 0xBF
			sb.WriteRune(utf8.RuneError)
			i-- // prepend the byte to the stream: decode it again
			continue
		}
		lower, upper = 0x80, 0xBF
		cp = cp<<6 | rune(b&0x3F)
		seen++
		if seen == needed {
			sb.WriteRune(cp)
			cp, needed, seen = 0, 0, 0
		}
	}
	return sb.String()
}

// refParse is a deliberately naive, whole-input transcription of "interpret
// an event stream": decode everything (one leading BOM stripped), split into
// lines, process each line. It is the oracle for the incremental parser.
func refParse(in []byte, ndjson bool) outcome {
	var out outcome
	text := refDecode(in)
	text = strings.TrimPrefix(text, "\uFEFF")
	var lines []string
	terminated := true
	for len(text) > 0 {
		i := strings.IndexAny(text, "\r\n")
		if i < 0 {
			lines = append(lines, text)
			terminated = false
			break
		}
		lines = append(lines, text[:i])
		if text[i] == '\r' && i+1 < len(text) && text[i+1] == '\n' {
			i++
		}
		text = text[i+1:]
	}
	if !terminated {
		if ndjson {
			if lines[len(lines)-1] != "" {
				out.Events = append(out.Events, Event{"message", lines[len(lines)-1], ""})
			}
		} else {
			out.Discarded = true
		}
		lines = lines[:len(lines)-1]
	}
	if ndjson {
		var evs []Event
		for _, l := range lines {
			if l != "" {
				evs = append(evs, Event{"message", l, ""})
			}
		}
		out.Events = append(evs, out.Events...)
		return out
	}
	var data, typ, idBuf strings.Builder
	hasData, pending := false, false
	for _, l := range lines {
		if l == "" {
			out.LastID = idBuf.String()
			pending = false
			if !hasData {
				typ.Reset()
				continue
			}
			d := strings.TrimSuffix(data.String(), "\n")
			t := typ.String()
			if t == "" {
				t = "message"
			}
			out.Events = append(out.Events, Event{t, d, out.LastID})
			data.Reset()
			typ.Reset()
			hasData = false
			continue
		}
		if l[0] == ':' {
			out.Comments = append(out.Comments, l[1:])
			continue
		}
		pending = true
		name, value, found := strings.Cut(l, ":")
		if found {
			value = strings.TrimPrefix(value, " ")
		}
		switch name {
		case "event":
			typ.Reset()
			typ.WriteString(value)
		case "data":
			data.WriteString(value)
			data.WriteByte('\n')
			hasData = true
		case "id":
			if !strings.Contains(value, "\x00") {
				idBuf.Reset()
				idBuf.WriteString(value)
			}
		case "retry":
			ok := value != ""
			n := 0
			for _, c := range value {
				if c < '0' || c > '9' || n > (int(^uint(0)>>1)-int(c-'0'))/10 {
					ok = false
					break
				}
				n = n*10 + int(c-'0')
			}
			if ok {
				out.Retries = append(out.Retries, n)
				out.Retry = &n
			}
		}
	}
	if pending {
		out.Discarded = true
	}
	return out
}

func addSeeds(f *testing.F) {
	for i, c := range loadFixtures(f) {
		f.Add(c.bytes(f), uint64(i), c.NDJSON)
	}
	f.Add([]byte("\xef\xbb\xbf\xef\xbbdata: x\r\n\r\n"), uint64(1), false)
	f.Add([]byte("data: \xf0\x9f\x98\x80\r\r\n\rid: a\x00\n\n"), uint64(2), false)
}

// FuzzChunking: any split of the input gives exactly what feeding it whole
// gives (events and their spans), and both agree with the naive reference
// parser; each event's span parses alone to that event. Nothing panics.
func FuzzChunking(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, in []byte, seed uint64, ndjson bool) {
		o := Options{NDJSON: ndjson}
		whole := parseChunks(o, [][]byte{in})
		if whole.Err != nil {
			t.Fatalf("whole: %v", whole.Err)
		}
		for _, e := range whole.Events {
			if !utf8.ValidString(e.Type) || !utf8.ValidString(e.Data) || !utf8.ValidString(e.ID) {
				t.Fatalf("event %q is not valid UTF-8", e)
			}
		}
		ref := refParse(in, ndjson)
		if !sameOutcome(whole, ref, ndjson) {
			t.Fatalf("whole feed differs from the reference parser for %q:\n got %+v\nwant %+v", in, whole, ref)
		}
		spans := spansOf(o, [][]byte{in})
		if err := checkSpans(in, o, spans); err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		rng := rand.New(rand.NewPCG(seed, seed>>7))
		for r := 0; r < 4; r++ {
			var chunks [][]byte
			for rest := in; len(rest) > 0; {
				n := rng.IntN(len(rest) + 1)
				if r == 0 {
					n = 1
				}
				chunks = append(chunks, rest[:n])
				rest = rest[n:]
			}
			got := parseChunks(o, chunks)
			if !reflect.DeepEqual(got, whole) {
				t.Fatalf("chunks %q give\n%+v\nwhole gives\n%+v", chunks, got, whole)
			}
			if got := spansOf(o, chunks); !reflect.DeepEqual(got, spans) {
				t.Fatalf("chunks %q give spans\n%+v\nwhole gives\n%+v", chunks, got, spans)
			}
		}
	})
}

func sameOutcome(got, ref outcome, ndjson bool) bool {
	norm := func(o outcome) outcome {
		if len(o.Events) == 0 {
			o.Events = nil
		}
		if len(o.Comments) == 0 {
			o.Comments = nil
		}
		if len(o.Retries) == 0 {
			o.Retries = nil
		}
		if ndjson {
			o.Comments, o.Retries = nil, nil
		}
		return o
	}
	return reflect.DeepEqual(norm(got), norm(ref))
}

// FuzzDecode: appendDecoded equals the literal WHATWG decoder.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{"", "a", "\xe2\x82", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xf0\x9f\x98\x80", "\xe1\x80\xe2\xf0\x91\x92\xf1\xbf\x41"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		got := string(appendDecoded(nil, in))
		if want := refDecode(in); got != want {
			t.Fatalf("decode(%q) = %q, want %q", in, got, want)
		}
		if !utf8.ValidString(got) {
			t.Fatalf("decode(%q) is not valid UTF-8", in)
		}
	})
}

// FuzzMaxEventSize: a small cap never panics, never emits an event larger
// than the cap, and chunking still does not matter (spans included).
func FuzzMaxEventSize(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, in []byte, seed uint64, ndjson bool) {
		o := Options{NDJSON: ndjson, MaxEventSize: 1 + int(seed%64)}
		whole := parseChunks(o, [][]byte{in})
		for _, e := range whole.Events {
			if len(e.Data) > o.MaxEventSize*3 { // U+FFFD may triple invalid bytes
				t.Fatalf("event of %d bytes passed a cap of %d", len(e.Data), o.MaxEventSize)
			}
		}
		var bytewise [][]byte
		for i := range in {
			bytewise = append(bytewise, in[i:i+1])
		}
		got := parseChunks(o, bytewise)
		if !reflect.DeepEqual(got.Events, whole.Events) || got.LastID != whole.LastID || got.Discarded != whole.Discarded || (got.Err == nil) != (whole.Err == nil) {
			t.Fatalf("byte by byte\n%+v\nwhole\n%+v", got, whole)
		}
		spans := spansOf(o, [][]byte{in})
		if err := checkSpans(in, o, spans); err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		if got := spansOf(o, bytewise); !reflect.DeepEqual(got, spans) {
			t.Fatalf("byte by byte spans\n%+v\nwhole\n%+v", got, spans)
		}
	})
}
