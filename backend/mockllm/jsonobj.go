package mockllm

import (
	"bytes"
	"encoding/json"
	"strconv"
)

// obj is a JSON object that keeps its keys in the order they were given, so
// the mock's payloads list their fields in the same order as the providers'.
type obj []field

type field struct {
	k string
	v any
}

// o builds an obj from alternating keys and values; it panics on an odd
// count or a non-string key (a programming error in this package).
func o(kv ...any) obj {
	if len(kv)%2 != 0 {
		panic("mockllm: o() needs key/value pairs")
	}
	out := make(obj, 0, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		out = append(out, field{k: kv[i].(string), v: kv[i+1]})
	}
	return out
}

// MarshalJSON writes the fields in order, compactly, without HTML escaping.
func (x obj) MarshalJSON() ([]byte, error) { return x.appendTo(nil) }

// appendTo appends the object's JSON to b. Nested objects, arrays, strings
// and integers are written directly, so a long string nested deep inside is
// copied once instead of once per level (encoding/json re-compacts what a
// Marshaler returns); other values go through marshal.
func (x obj) appendTo(b []byte) ([]byte, error) {
	b = append(b, '{')
	for i, f := range x {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, f.k)
		b = append(b, ':')
		var err error
		if b, err = appendValue(b, f.v); err != nil {
			return nil, err
		}
	}
	return append(b, '}'), nil
}

// appendValue appends v's JSON as marshal would write it.
func appendValue(b []byte, v any) ([]byte, error) {
	switch v := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case obj:
		return v.appendTo(b)
	case []any:
		if v == nil {
			return append(b, "null"...), nil
		}
		b = append(b, '[')
		for i, e := range v {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = appendValue(b, e); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	case string:
		return appendJSONString(b, v), nil
	case int:
		return strconv.AppendInt(b, int64(v), 10), nil
	case int64:
		return strconv.AppendInt(b, v, 10), nil
	case bool:
		return strconv.AppendBool(b, v), nil
	}
	m, err := marshal(v)
	if err != nil {
		return nil, err
	}
	return append(b, m...), nil
}

// marshal encodes v compactly like the providers do: UTF-8 kept as is, no
// \u003c-style HTML escaping, no trailing newline.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte{'\n'}), nil
}

// mustJSON encodes a value built by this package; every such value is
// encodable, so a failure is a programming error.
func mustJSON(v any) []byte {
	b, err := appendValue(nil, v)
	if err != nil {
		panic("mockllm: " + err.Error())
	}
	return b
}
