package text

import (
	"encoding/json"
	"testing"
)

func TestAppendJSONString(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"":                 `""`,
		"plain <&> \u2028": "\"plain <&> \u2028\"",
		"q\"b\\n\nr\rt\t":  `"q\"b\\n\nr\rt\t"`,
		"\x00\x1f\x7f":     "\"\\u0000\\u001f\x7f\"",
	}
	for in, want := range cases {
		got := string(AppendJSONString([]byte("x"), in))
		if got != "x"+want {
			t.Errorf("%q: got %s, want x%s", in, got, want)
		}
		var back string
		if err := json.Unmarshal([]byte(got[1:]), &back); err != nil || back != in {
			t.Errorf("%q does not decode back: %q %v", in, back, err)
		}
	}
}
