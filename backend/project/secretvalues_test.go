package project

import (
	"slices"
	"testing"
)

func TestRedactValuesIncludeSecretOverrides(t *testing.T) {
	t.Parallel()
	env := &Environment{Name: "dev", Variables: []Variable{{Name: "token", Secret: true}, {Name: "key", Secret: true}, {Name: "host", Value: "h"}}}
	s := &Scope{Env: env, ProjectID: "p", Secrets: fakeSecrets{"p/dev/token": "s3cret"},
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
