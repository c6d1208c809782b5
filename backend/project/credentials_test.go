package project

import (
	"reflect"
	"testing"
)

func TestCredentialsFoundOnlyWhenLiteral(t *testing.T) {
	t.Parallel()
	ep := &Endpoint{
		Name: "e",
		URL:  "https://user:{{pw}}@h/v1",
		Query: []KV{
			{Name: "max_tokens", Value: "10"}, {Name: "key", Value: "{{k}}"}, {Name: "access_token", Value: "LIT"},
		},
		Headers: []KV{
			{Name: "Authorization", Value: "Bearer {{api_key}}"}, {Name: "Idempotency-Key", Value: "abc"},
			{Name: "anthropic-version", Value: "2023-06-01"}, {Name: "api-key", Value: "LIT"},
			{Name: "Cookie", Value: "session=LIT"}, {Name: "Proxy-Authorization", Value: "Basic LIT", Disabled: true},
		},
		Auth: &Auth{Type: AuthBasic, Username: "bob"},
	}
	var got []string
	for _, c := range ep.Credentials() {
		got = append(got, c.Field+" "+c.Var)
	}
	want := []string{"headers.3.value api_key", "headers.4.value cookie", "headers.5.value proxy_authorization", "query.2.value access_token"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q\nwant %q", got, want)
	}
	for _, c := range ep.Credentials() {
		if _, err := ep.ReplaceCredential(c, "{{"+c.Var+"}}"); err != nil {
			t.Fatal(err)
		}
	}
	if ep.Headers[5].Value != "Basic {{proxy_authorization}}" || len(ep.Credentials()) != 0 {
		t.Fatalf("after: %+v", ep.Headers)
	}
	if _, err := ep.ReplaceCredential(Credential{Field: "headers.99.value"}, "x"); err == nil {
		t.Fatal("replaced a missing field")
	}
}
