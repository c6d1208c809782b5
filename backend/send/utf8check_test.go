package send

import "testing"

func TestUTF8CheckAnySplit(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in   string
		at   int64
		want bool
	}{
		{"plain ascii", 0, false},
		{"h\u00e9llo \u20ac \U0001F600 end", 0, false},
		{"ab\xffcd", 2, true},
		{"ab\xe2\x82", 0, false}, // cut at the end: not reported (the stream may go on)
		{"ab\xe2\x82x", 2, true},
		{"\xc0\x80", 0, true},
		{"ok \xed\xa0\x80 surrogate", 3, true},
		{"\U0001F600\xf0\x9f\x98", 0, false},
		{"\xf0\x9f\x98\x80\x80", 4, true},
	}
	for _, tc := range cases {
		for split := 0; split <= len(tc.in); split++ {
			for split2 := split; split2 <= len(tc.in); split2++ {
				var c utf8Check
				var at int64
				var bad bool
				for _, part := range []string{tc.in[:split], tc.in[split:split2], tc.in[split2:]} {
					if a, b := c.feed([]byte(part)); b {
						at, bad = a, true
					}
				}
				if bad != tc.want || at != tc.at {
					t.Fatalf("%q split %d/%d: got %d,%v want %d,%v", tc.in, split, split2, at, bad, tc.at, tc.want)
				}
			}
		}
	}
}
