package redact

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"math/rand"
	"net/url"
	"strings"
	"testing"
)

const key = "sk-live a/b+c\"d<é>" // space, slash, plus, quote, HTML and non-ASCII

func TestStringMasksEveryForm(t *testing.T) {
	t.Parallel()
	r := New(key, "", "pin1", "n1pi")
	asciiJSON, _ := json.Marshal(key)
	cases := []struct{ name, in, want string }{
		{"plain", "auth " + key + " end", "auth [secret] end"},
		{"query escaped", "?k=" + url.QueryEscape(key) + "&x=1", "?k=[secret]&x=1"},
		{"path escaped", "/v1/" + url.PathEscape(key) + "/x", "/v1/[secret]/x"},
		{"lower-case hex", "?k=" + strings.ToLower(url.QueryEscape(key)), "?k=[secret]"},
		{"json escaped", `{"k":` + string(asciiJSON) + `}`, `{"k":"[secret]"}`},
		{"overlapping matches merged", "pin1pin1 x", "[secret] x"},
		{"adjacent matches", key + key, "[secret][secret]"},
		{"none", "nothing to see", "nothing to see"},
		{"empty", "", ""},
	}
	for _, c := range cases {
		if got := r.String(c.in); got != c.want {
			t.Errorf("%s: String(%q) = %q, want %q", c.name, c.in, got, c.want)
		}
		if got := string(r.Bytes([]byte(c.in))); got != c.want {
			t.Errorf("%s: Bytes(%q) = %q, want %q", c.name, c.in, got, c.want)
		}
	}
}

func TestBase64AtEveryAlignment(t *testing.T) {
	t.Parallel()
	secret := "correct-horse-battery"
	r := New(secret)
	for pre := 0; pre < 7; pre++ {
		for post := 0; post < 4; post++ {
			plain := strings.Repeat("u", pre) + ":" + secret + strings.Repeat("x", post)
			for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding} {
				in := "Authorization: Basic " + enc.EncodeToString([]byte(plain))
				out := r.String(in)
				if !strings.Contains(out, Mark) {
					t.Fatalf("%q (%q) not masked: %q", in, plain, out)
				}
				// What is left decodes to at most a byte on either side of the secret.
				rest := strings.TrimPrefix(out, "Authorization: Basic ")
				left, right, _ := strings.Cut(rest, Mark)
				if len(left) > (pre+1)*4/3+2 || len(right) > (post*4/3)+4 {
					t.Fatalf("%q: too much left around the mark: %q", plain, out)
				}
			}
		}
	}
}

func TestShortSecretsAreMaskedToo(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"x", "ab", "xyz"} {
		r := New(s)
		in := "[" + s + "] and " + s + s
		out := r.String(in)
		if strings.Contains(strings.ReplaceAll(out, Mark, ""), s) {
			t.Errorf("secret %q: %q left it in", s, out)
		}
	}
}

func TestMaskingTwiceChangesNothing(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"secret", "cret", "[sec", "t]", "e", "sk-abcd"} {
		r := New(s)
		in := "a " + s + " b " + Mark + " c"
		once := r.String(in)
		if twice := r.String(once); twice != once {
			t.Errorf("secret %q: %q then %q", s, once, twice)
		}
		var w bytes.Buffer
		rw := r.NewWriter(&w)
		rw.Write([]byte(once))
		rw.Flush()
		if w.String() != once {
			t.Errorf("secret %q: writer turned %q into %q", s, once, w.String())
		}
	}
}

func TestNilRedactorPassesThrough(t *testing.T) {
	t.Parallel()
	var r *Redactor
	if New() != nil || New("", "") != nil {
		t.Fatal("New with no secret should be nil")
	}
	if r.String("a") != "a" || string(r.Bytes([]byte("b"))) != "b" || string(r.JSON([]byte(`"c"`))) != `"c"` || r.Context() != 0 {
		t.Fatal("nil redactor changed its input")
	}
	var w bytes.Buffer
	rw := r.NewWriter(&w)
	rw.Write([]byte("x"))
	if w.String() != "x" {
		t.Fatal("nil writer held back")
	}
	if got := r.NewChunks().Next([]byte("y")); string(got) != "y" {
		t.Fatal("nil chunks changed")
	}
}

// corpus returns texts with secrets (in several forms) at many places.
func corpus(rng *rand.Rand, secrets []string, n int) []string {
	var out []string
	for i := 0; i < n; i++ {
		var b strings.Builder
		for j := rng.Intn(6); j >= 0; j-- {
			b.WriteString(strings.Repeat("ab ", rng.Intn(5)))
			s := secrets[rng.Intn(len(secrets))]
			switch rng.Intn(4) {
			case 0:
				b.WriteString(s)
			case 1:
				b.WriteString(url.QueryEscape(s))
			case 2:
				b.WriteString(s[:rng.Intn(len(s))]) // a prefix only: not a secret
			case 3:
				b.WriteString(s + s[:1])
			}
		}
		out = append(out, b.String())
	}
	return out
}

func TestStreamEqualsStringWhateverTheSplits(t *testing.T) {
	t.Parallel()
	secrets := []string{"sk-abcabd", "abcab", "x y"}
	r := New(secrets...)
	rng := rand.New(rand.NewSource(1))
	for _, text := range corpus(rng, secrets, 300) {
		want := r.String(text)
		// every split into two, and random splits into many
		splits := [][]int{}
		for i := 0; i <= len(text); i++ {
			splits = append(splits, []int{i})
		}
		for k := 0; k < 5; k++ {
			var cut []int
			for i := 0; i < len(text); i++ {
				if rng.Intn(3) == 0 {
					cut = append(cut, i)
				}
			}
			splits = append(splits, cut)
		}
		for _, cut := range splits {
			s := r.NewStream()
			var got []byte
			prev := 0
			for _, c := range append(cut, len(text)) {
				before := len(got)
				got = s.WriteString(got, text[prev:c])
				if s.Held() > r.Context() {
					t.Fatalf("held %d bytes, more than %d", s.Held(), r.Context())
				}
				// what is let out is final: it is a prefix of the result
				if !strings.HasPrefix(want, string(got)) {
					t.Fatalf("%q split at %v: let out %q (after %q), want a prefix of %q", text, cut, got, got[:before], want)
				}
				prev = c
			}
			got = s.Flush(got)
			if string(got) != want {
				t.Fatalf("%q split at %v: %q, want %q", text, cut, got, want)
			}
		}
	}
}

func TestWriterAcrossWrites(t *testing.T) {
	t.Parallel()
	r := New("hunter2-secret")
	var out bytes.Buffer
	w := r.NewWriter(&out)
	text := "password: hunter2-secret, again hunter2-secret."
	for i := 0; i < len(text); i++ {
		if n, err := w.Write([]byte{text[i]}); n != 1 || err != nil {
			t.Fatal(n, err)
		}
		if strings.Contains(out.String(), "hunter2") {
			t.Fatalf("a piece of the secret got out: %q", out.String())
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if out.String() != "password: [secret], again [secret]." {
		t.Fatalf("%q", out.String())
	}
}

func TestWindowMasksSecretsCutByTheWindow(t *testing.T) {
	t.Parallel()
	secret := "0123456789"
	r := New(secret)
	text := []byte(strings.Repeat("A", 15) + secret + strings.Repeat("B", 15))
	for from := 0; from <= len(text); from++ {
		for to := from; to <= len(text); to++ {
			lo, hi := max(0, from-r.Context()), min(len(text), to+r.Context())
			got := string(r.Window(text[lo:hi], from-lo, to-lo))
			if strings.ContainsAny(got, secret) {
				t.Fatalf("window [%d,%d): %q", from, to, got)
			}
			overlaps := from < 25 && to > 15
			if overlaps != strings.Contains(got, Mark) {
				t.Fatalf("window [%d,%d): %q", from, to, got)
			}
		}
	}
}

func TestChunksShowAtMostThreeBytesOfASplitSecret(t *testing.T) {
	t.Parallel()
	secret := "0123456789"
	r := New(secret)
	text := "AAAA" + secret + "BBBB"
	for i := 0; i <= len(text); i++ {
		for j := i; j <= len(text); j++ {
			c := r.NewChunks()
			var shown string
			for _, p := range []string{text[:i], text[i:j], text[j:]} {
				shown += string(c.Next([]byte(p)))
			}
			digits := 0
			for _, ch := range shown {
				if ch >= '0' && ch <= '9' {
					digits++
				}
			}
			if digits > 3 || !strings.Contains(shown, Mark) {
				t.Fatalf("split at %d, %d: shown %q", i, j, shown)
			}
		}
	}
	// No false alarm in a stream without secrets.
	c := r.NewChunks()
	if got := string(c.Next([]byte("no secret here 01"))) + string(c.Next([]byte("x"))); got != "no secret here 01x" {
		t.Fatalf("%q", got)
	}
}

func TestJSONMasksStringsOnly(t *testing.T) {
	t.Parallel()
	r := New("1234", `q"uo/te`)
	in := []byte(`{"a":"pin 1234","1234":1234,"b":[12345,"x"],"c":"q\"uo\/te","d":"q\u0022uo/te","e":true}`)
	out := r.JSON(in)
	want := `{"a":"pin [secret]","[secret]":1234,"b":[12345,"x"],"c":"[secret]","d":"[secret]","e":true}`
	if string(out) != want {
		t.Fatalf("got  %s\nwant %s", out, want)
	}
	if !json.Valid(out) {
		t.Fatal("not valid JSON")
	}
	if clean := []byte(`{"x":"nothing"}`); &r.JSON(clean)[0] != &clean[0] {
		t.Fatal("a text without secrets was copied")
	}
}

func TestValue(t *testing.T) {
	t.Parallel()
	type inner struct {
		Msg string         `json:"msg"`
		Any map[string]any `json:"any"`
	}
	type outer struct {
		Name  string   `json:"name"`
		List  []string `json:"list"`
		In    *inner   `json:"in"`
		Count int      `json:"count"`
	}
	r := New("tok-42x")
	v := outer{Name: "tok-42x", List: []string{"a", "say tok-42x"}, In: &inner{Msg: "m", Any: map[string]any{"k": []any{"tok-42x"}}}, Count: 3}
	got := Value(r, v)
	b, _ := json.Marshal(got)
	if strings.Contains(string(b), "tok-42x") || got.Count != 3 || got.List[0] != "a" || got.List[1] != "say [secret]" {
		t.Fatalf("%s", b)
	}
	clean := outer{Name: "n", In: &inner{}}
	if Value(r, clean).In != clean.In {
		t.Fatal("a value without secrets was copied")
	}
}

func TestVariants(t *testing.T) {
	t.Parallel()
	v := Variants("a b/c")
	for _, want := range []string{"a b/c", "a+b%2Fc", "a%20b%2Fc", "a%20b%2fc", `a b\/c`} {
		found := false
		for _, x := range v {
			found = found || x == want
		}
		if !found {
			t.Errorf("Variants(%q) = %q: no %q", "a b/c", v, want)
		}
	}
	if Variants("") != nil {
		t.Error("an empty secret has forms")
	}
	// A secret in the characters that need no escaping has only its base64
	// and cut forms besides.
	for _, f := range Variants("abcdefgh")[1:] {
		if _, err := base64.RawStdEncoding.DecodeString(f[:len(f)/4*4]); err != nil && !strings.HasSuffix(f, "…") {
			t.Errorf("Variants(abcdefgh) has %q", f)
		}
	}
}

func TestAssertionMessagesOfChai(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("sk-proj-abcdefghij", 5)
	r := New(long, "it's \"q\"\t\u2028")
	cases := []struct{ in, want string }{
		// chai shows a value over 40 characters cut, with an ellipsis
		{"AssertionError: expected '" + long[:37] + "…' to deeply equal 'x'", "AssertionError: expected '[secret]' to deeply equal 'x'"},
		// and escapes quotes, controls and separators in its own way
		{`expected { k: 'it\'s "q"\t\u2028' } to be empty`, "expected { k: '[secret]' } to be empty"},
		// a cut too short to tell is left
		{"sk-…", "sk-…"},
	}
	for _, c := range cases {
		if got := r.String(c.in); got != c.want {
			t.Errorf("String(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func BenchmarkStringNoSecret(b *testing.B) {
	r := New("sk-proj-0123456789abcdefghij", "another-secret-value")
	text := strings.Repeat("data: {\"choices\":[{\"delta\":{\"content\":\"hello world\"}}]}\n\n", 1000)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		r.String(text)
	}
}

func TestStreamHoldsOnlyWhatCanStillBecomeASecret(t *testing.T) {
	t.Parallel()
	cases := []struct {
		secret, in, out string
		held            int
	}{
		{"x", "ax", "a[secret]", 0},   // a whole match that cannot grow
		{"abcd", "zzabc", "zz", 3},    // could become the secret
		{"abcd", "zzabd", "zzabd", 0}, // cannot any more
	}
	for _, c := range cases {
		s := New(c.secret).NewStream()
		if got := string(s.WriteString(nil, c.in)); got != c.out || s.Held() != c.held {
			t.Errorf("secret %q, in %q: out %q, held %d; want %q, %d", c.secret, c.in, got, s.Held(), c.out, c.held)
		}
	}
}
