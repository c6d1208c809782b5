package merge

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/streamscope/streamscope/backend/sse"
)

var jsonSamples = []string{
	`{}`, `[]`, ` {"a" : [1, -2.5e+3, true, false, null, "x\"y\\z\/\b\f\n\r\t\u00e9\ud83d\ude00"]} `,
	`"plain"`, `0`, `-0`, `1e5`, `1E-5`, `12345678901234567890`, `{"a":{"b":{"c":[[],{}]}}}`,
	`{"dup":1,"dup":2}`, `"\ud800"`, `"\udc00\u0041"`, `"é"`,
	// invalid
	``, ` `, `{`, `{"a"}`, `{"a":}`, `{"a":1,}`, `[1,]`, `[1 2]`, `01`, `1.`, `.5`, `-`, `1e`, `+1`,
	`"abc`, `"a\x"`, `"\u12g4"`, "\"tab\there\"", `tru`, `nul`, `{"a":1}x`, `{} {}`, `{'a':1}`,
	`[` + strings.Repeat(`[`, 600) + strings.Repeat(`]`, 601),
}

// TestJSONAgainstEncodingJSON checks the tape reader against encoding/json:
// the same documents are valid, and they decode to the same values.
func TestJSONAgainstEncodingJSON(t *testing.T) {
	t.Parallel()
	for _, s := range jsonSamples {
		checkJSON(t, s)
	}
}

func checkJSON(t *testing.T, s string) {
	t.Helper()
	var d jdoc
	ok := d.parse(s)
	valid := json.Valid([]byte(s))
	deep := strings.Count(s, "[")+strings.Count(s, "{") > maxDepth
	if ok != valid && !(deep && valid) {
		t.Errorf("parse(%.60q) = %v, encoding/json says %v", s, ok, valid)
		return
	}
	if !ok {
		return
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var want any
	if err := dec.Decode(&want); err != nil {
		t.Fatalf("decode %q: %v", s, err)
	}
	if !utf8.ValidString(s) {
		// encoding/json replaces invalid UTF-8 while decoding; the tape
		// keeps the bytes (event data from the SSE parser is always valid).
		return
	}
	if got := d.value(0); !reflect.DeepEqual(got, want) {
		t.Errorf("value(%q) = %#v, want %#v", s, got, want)
	}
	var buf bytes.Buffer
	if json.Compact(&buf, []byte(s)) == nil && d.compact(0) != buf.String() {
		t.Errorf("compact(%q) = %q, want %q", s, d.compact(0), buf.String())
	}
}

func FuzzJSON(f *testing.F) {
	for _, s := range jsonSamples {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if strings.Count(s, "[")+strings.Count(s, "{") > 100 {
			return
		}
		checkJSON(t, s)
	})
}

// FuzzMerge feeds arbitrary event data to every format: it must never panic.
func FuzzMerge(f *testing.F) {
	f.Add("message", `{"choices":[{"index":0,"delta":{"tool_calls":[{"index":-1}]}}]}`)
	f.Add("content_block_delta", `{"type":"content_block_delta","index":99,"delta":{"type":"input_json_delta","partial_json":"x"}}`)
	f.Add("message", `{"candidates":[{"index":-5,"content":{"parts":[{"functionCall":{"partialArgs":[{"jsonPath":"$[0].a[1]","stringValue":"x"}]}}]}}]}`)
	f.Add("message", `{"candidates":[{"content":{"parts":[{"functionCall":{"name":"a","willContinue":true}},{"functionCall":{"partialArgs":[{"jsonPath":"$.a","numberValue":1},{"jsonPath":"$.a.b","stringValue":"x"},{"jsonPath":"$.a[2]"}],"willContinue":true}}]}}]}`)
	f.Add("response.function_call_arguments.delta", `{"type":"response.function_call_arguments.delta"}`)
	f.Add("message", `{"type":"tool-output-available","output":[1,{"a":null}]}`)
	f.Add("response.output_item.done", `{"type":"response.output_item.done","item":{"id":"","type":"shell_call","call_id":"c","environment":{"type":"x"}}}`)
	f.Add("response.output_item.done", `{"type":"response.output_item.done","item":{"type":"tool_search_output","call_id":null}}`)
	f.Add("content_block_start", `{"type":"content_block_start","index":1,"content_block":{"type":"x_tool_result","tool_use_id":"nope"}}`)
	f.Add("message", `{"candidates":[{"content":{"parts":[{"toolResponse":{}},{"codeExecutionResult":{"id":"q"}}]},"groundingMetadata":{"groundingChunks":[{}],"groundingSupports":[{"segment":{},"groundingChunkIndices":[7,-1,"a"]}]}}]}`)
	f.Add("message", `{"choices":[{"index":3,"delta":{"executed_tools":[{"index":0},{"index":0,"output":"x"}],"reasoning_details":[{"type":"reasoning.text"}]},"content_filter_results":{"error":{"message":"x"}}}],"moderation":{"input":{"results":[{"categories":{"a":true}}]}}}`)
	f.Add("message", `{"type":"reset-step"}`)
	f.Add("message", `{"index":-3,"token":{"text":"x","special":false},"generated_text":"x","details":{"finish_reason":7,"generated_tokens":"a"}}`)
	f.Add("message", `{"index":99999999999,"content":"x","stop":true,"timings":{"a":{"b":[1]}},"tokens_predicted":1e999,"stopped_word":true}`)
	f.Add("message", `{"event_type":"tool-calls-chunk","tool_call_delta":{"index":-1,"parameters":"{","text":"p"}}`)
	f.Add("message", `{"event_type":"search-results","search_results":[{"connector":{},"search_query":null}],"documents":[{"id":""},{"id":"d"}]}`)
	f.Add("message", `{"event_type":"stream-end","response":{"citations":[{"document_ids":["d",1]}],"tool_calls":[{"parameters":"x"}],"meta":{"tokens":[]}}}`)
	f.Fuzz(func(t *testing.T, typ, data string) {
		for _, format := range Formats {
			o := Options{Format: format}
			if format == FormatJSONPath {
				o.ContentPath = "$..text"
			}
			m, err := New(o)
			if err != nil {
				t.Fatal(err)
			}
			m.Add(sse.Event{Type: typ, Data: data})
			m.Add(sse.Event{Type: typ, Data: data})
			r := m.End()
			if _, err := json.Marshal(r); err != nil {
				t.Fatalf("%s: result does not marshal: %v", format, err)
			}
		}
	})
}

func TestArgsErrorMatchesUnmarshal(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("9", 400)
	cases := []string{
		`{}`, `{"city":"Paris"}`, `[1,2.5,-3e2,0]`, `{"n":1e400}`, `{"n":1E+400}`, `[-1e309]`, `{"n":1e-400}`,
		`{"s":"1e400"}`, `{"s":"\"1e400\""}`, `{"s":"\\"}`, `{"s":"\\","n":1e999}`, `{"s":"\"","n":1e999}`, long, "-" + long, `[` + long + `]`,
		`0.` + strings.Repeat("0", 400) + `1`, `{"a":[{"b":[1,2,{"c":1.5e3}]}]}`, `{"a":`, `{"a":1}x`, `nul`, `"open`,
		`{"a":01}`, `{"a":1.}`, `  {"a" : [ true , false , null ] }  `, "{\"a\":\"\x01\"}", `{"a":"\ud800"}`,
		`{"p0":"x","p1":"` + strings.Repeat("y", 5000) + `"}`, `12345678901234567890`, `[1e308, 2e308]`,
	}
	rng := rand.New(rand.NewPCG(3, 4))
	base := `{"a":[1,-2.5e3,"x\"y",true,null,{"b":"1e999"}],"c":123456789}`
	for range 2000 { // random cuts and byte changes of a valid text
		b := []byte(base)
		for range 1 + rng.IntN(3) {
			const alphabet = "0123456789eE+-.\"\\{}[],:x "
			b[rng.IntN(len(b))] = alphabet[rng.IntN(len(alphabet))]
		}
		cases = append(cases, string(b[:rng.IntN(len(b)+1)]))
	}
	for _, s := range cases {
		var v any
		want := json.Unmarshal([]byte(s), &v)
		got := argsError(s)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("argsError(%q) = %v, json.Unmarshal says %v", s, got, want)
		}
	}
}
