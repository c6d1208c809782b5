package project

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const sigv4Endpoint = `schema: 2
name: Bedrock
method: POST
url: '{{bedrockBaseUrl}}/model/{{modelId}}/converse-stream'
body:
  type: json
  text: '{"messages":[]}'
auth:
  type: sigv4
  access_key: '{{awsAccessKeyId}}'
  secret_key: '{{awsSecretAccessKey}}'
  session_token: '{{awsSessionToken}}'
  region: '{{awsRegion}}'
  service: bedrock
stream: eventstream
merge:
  format: bedrock-converse
`

// A sigv4 endpoint loads, resolves its fields (the secret key from the
// secret store) into the sender's sigv4 auth, and saves back as written.
func TestSigV4Endpoint(t *testing.T) {
	t.Parallel()
	p := newProject(t)
	writeFile(t, p, "bedrock.endpoint.yaml", sigv4Endpoint)
	p, err := Load(p.Dir)
	if err != nil || len(p.Problems) != 0 {
		t.Fatalf("load: %v %+v", err, p.Problems)
	}
	ep := p.Endpoints[0]
	env := &Environment{Name: "aws", Variables: []Variable{
		{Name: "bedrockBaseUrl", Value: "https://bedrock-runtime.us-east-1.amazonaws.com"},
		{Name: "modelId", Value: "anthropic.claude-3-5-haiku-20241022-v1:0"},
		{Name: "awsAccessKeyId", Value: "AKIDEXAMPLE"},
		{Name: "awsSecretAccessKey", Secret: true},
		{Name: "awsSessionToken", Value: ""},
		{Name: "awsRegion", Value: "us-east-1"},
	}}
	r, err := p.Resolve(ep, &Scope{Env: env, Secrets: fakeSecrets{"aws/awsSecretAccessKey": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}})
	if err != nil {
		t.Fatal(err)
	}
	if a := r.SigV4; a == nil || a.AccessKey != "AKIDEXAMPLE" || a.SecretKey != "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" ||
		a.SessionToken != "" || a.Region != "us-east-1" || a.Service != "bedrock" {
		t.Fatalf("sigv4 %+v", r.SigV4)
	}
	for _, h := range r.Headers {
		if strings.EqualFold(h.Name, "Authorization") {
			t.Errorf("an Authorization header was added at resolve time: %q", h.Value)
		}
	}
	sr, err := r.SendRequest()
	if err != nil || sr.Auth == nil || sr.Auth.Type != "sigv4" || sr.Auth.SecretKey != r.SigV4.SecretKey || sr.Auth.Region != "us-east-1" || sr.StreamMode != "eventstream" {
		t.Fatalf("send request %+v %v", sr.Auth, err)
	}
	if err := p.SaveEndpoint(ep); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(filepath.Join(p.Dir, ep.File))
	for _, want := range []string{"type: sigv4", "access_key: '{{awsAccessKeyId}}'", "secret_key: '{{awsSecretAccessKey}}'", "service: bedrock"} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("saved file lacks %q:\n%s", want, raw)
		}
	}
	// Unresolved fields are reported before anything is sent.
	_, err = p.Resolve(ep, &Scope{})
	var ue *UnresolvedError
	if !errors.As(err, &ue) || !strings.Contains(strings.Join(ue.Names, ","), "awsSecretAccessKey") {
		t.Errorf("unresolved: %v", err)
	}
}

// Each missing sigv4 field is named; control characters are refused.
func TestSigV4Validation(t *testing.T) {
	t.Parallel()
	base := "schema: 2\nname: a\nurl: http://x/\nauth:\n  type: sigv4\n"
	full := map[string]string{"access_key": "AK", "secret_key": "'{{s}}'", "region": "us-east-1", "service": "bedrock"}
	for _, missing := range []string{"access_key", "secret_key", "region", "service"} {
		var b strings.Builder
		b.WriteString(base)
		for _, k := range []string{"access_key", "secret_key", "region", "service"} {
			if k != missing {
				b.WriteString("  " + k + ": " + full[k] + "\n")
			}
		}
		_, err := parseEndpoint("x.endpoint.yaml", []byte(b.String()))
		var fe *FileError
		if !errors.As(err, &fe) || !strings.Contains(fe.Reason, "auth."+missing+": sigv4 auth needs") {
			t.Errorf("without %s: %v", missing, err)
		}
	}
	_, err := parseEndpoint("x.endpoint.yaml", []byte(base+"  access_key: AK\n  secret_key: \"a\\nb\"\n  region: r\n  service: s\n"))
	if err == nil || !strings.Contains(err.Error(), "auth.secret_key: cannot contain a line break") {
		t.Errorf("line break: %v", err)
	}
	_, err = parseEndpoint("x.endpoint.yaml", []byte("schema: 2\nname: a\nurl: http://x/\nauth:\n  type: aws\n"))
	if err == nil || !strings.Contains(err.Error(), "(none, bearer, basic, apikey, sigv4)") {
		t.Errorf("unknown type: %v", err)
	}
}

// A literal secret key or session token is a credential to move into a
// secret variable; the access key id alone is not.
func TestSigV4Credentials(t *testing.T) {
	t.Parallel()
	ep := &Endpoint{Name: "b", URL: "https://x/", Auth: &Auth{Type: AuthSigV4, AccessKey: "AKIDEXAMPLE",
		SecretKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", SessionToken: "tok", Region: "us-east-1", Service: "bedrock"}}
	creds := ep.Credentials()
	if len(creds) != 2 || creds[0].Field != "auth.secret_key" || creds[1].Field != "auth.session_token" || creds[0].Var != "aws_secret_access_key" {
		t.Fatalf("credentials %+v", creds)
	}
	for _, c := range creds {
		old, err := ep.ReplaceCredential(c, "{{"+c.Var+"}}")
		if err != nil || old == "" {
			t.Fatalf("%s: %q %v", c.Field, old, err)
		}
	}
	if ep.Auth.SecretKey != "{{aws_secret_access_key}}" || ep.Auth.SessionToken != "{{aws_session_token}}" || len(ep.Credentials()) != 0 {
		t.Errorf("after moving: %+v", ep.Auth)
	}
}
