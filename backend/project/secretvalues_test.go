package project

import (
	"slices"
	"testing"
)

func TestRedactValuesIncludeSecretOverrides(t *testing.T) {
	t.Parallel()
	env := &Environment{Name: "dev", Variables: []Variable{{Name: "token", Secret: true}, {Name: "key", Secret: true}, {Name: "host", Value: "h"}}}
	s := &Scope{Env: env, Secrets: fakeSecrets{"dev/token": "s3cret"},
		Overrides: map[string]string{"key": "given-on-the-command-line", "host": "plain"}}
	if _, _, err := s.Lookup("token"); err != nil {
		t.Fatal(err)
	}
	got := s.RedactValues()
	slices.Sort(got)
	if !slices.Equal(got, []string{"given-on-the-command-line", "s3cret"}) {
		t.Fatalf("RedactValues = %q", got)
	}
}

// An allowed process variable whose name says it is a credential is a
// secret value too; a plain one (a base URL) is not.
func TestProcessCredentialsAreSecretValues(t *testing.T) {
	t.Parallel()
	proc := map[string]string{AllowEnvVar: "OPENAI_API_KEY,BASE_URL", "OPENAI_API_KEY": "sk-proc", "BASE_URL": "http://h"}
	s := &Scope{Getenv: func(k string) string { return proc[k] }}
	for _, n := range []string{"$env.OPENAI_API_KEY", "BASE_URL"} {
		if _, ok, err := s.Lookup(n); !ok || err != nil {
			t.Fatalf("%s: %v %v", n, ok, err)
		}
	}
	if got := s.RedactValues(); !slices.Equal(got, []string{"sk-proc"}) {
		t.Fatalf("RedactValues = %q", got)
	}
}
