package ssebench

import (
	"bytes"
	"testing"
	"unicode/utf8"
)

func TestCorporaAreDeterministicAndValid(t *testing.T) {
	t.Parallel()
	const size = 256 << 10
	a, b := All(size), All(size)
	for i, c := range a {
		if !bytes.Equal(c.Data, b[i].Data) {
			t.Errorf("%s: two generations differ", c.Name)
		}
		if len(c.Data) < size*9/10 || len(c.Data) > size*3 {
			t.Errorf("%s: %d bytes, asked for about %d", c.Name, len(c.Data), size)
		}
		if !utf8.Valid(c.Data) {
			t.Errorf("%s: not valid UTF-8", c.Name)
		}
		if !bytes.HasSuffix(c.Data, []byte("\n\n")) && !bytes.HasSuffix(c.Data, []byte("\r\n\r\n")) {
			t.Errorf("%s: last event not terminated", c.Name)
		}
	}
	if nd := NDJSON(size); !utf8.Valid(nd) || !bytes.HasSuffix(nd, []byte("\"done\":true,\"total_duration\":4883583458,\"eval_count\":282}\n")) {
		t.Error("NDJSON corpus is not valid UTF-8 or lacks its done line")
	}
	if got := Chunks([]byte("abcdefg"), 3); len(got) != 3 || string(got[2]) != "g" {
		t.Errorf("Chunks: %q", got)
	}
}
