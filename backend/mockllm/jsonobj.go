package mockllm

import (
	"bytes"
	"encoding/json"
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
func (x obj) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range x {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := marshal(f.k)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		v, err := marshal(f.v)
		if err != nil {
			return nil, err
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
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
	b, err := marshal(v)
	if err != nil {
		panic("mockllm: " + err.Error())
	}
	return b
}
