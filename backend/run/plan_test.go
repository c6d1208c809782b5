package run

import (
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/streamscope/streamscope/backend/eventstream"
	"github.com/streamscope/streamscope/backend/merge"
	"github.com/streamscope/streamscope/backend/project"
	"github.com/streamscope/streamscope/backend/redact"
	"github.com/streamscope/streamscope/backend/secrets"
	"github.com/streamscope/streamscope/backend/send"
	"github.com/streamscope/streamscope/backend/sse"
)

const (
	apiKey   = "sk-plan-secret-0001"
	otherKey = "sk-plan-secret-0002"
)

// secretProject is a project with an environment "real" holding two
// secrets (apiKey, used by the endpoint, and otherKey) and a plain
// variable, in a file store of its own.
func secretProject(t *testing.T) (*project.Project, func() (*secrets.FileStore, error)) {
	t.Helper()
	root := t.TempDir()
	p, err := project.Create(filepath.Join(root, "proj"), "Plan")
	if err != nil {
		t.Fatal(err)
	}
	store := &secrets.FileStore{Dir: filepath.Join(root, "secrets")}
	open := func() (*secrets.FileStore, error) { return store, nil }
	_, err = secrets.SaveEnvironment(p, secrets.EnvironmentSave{Name: "real",
		Edit: func(e *project.Environment) error {
			e.Set(project.Variable{Name: "key", Secret: true})
			e.Set(project.Variable{Name: "other", Secret: true})
			e.Set(project.Variable{Name: "base", Value: "http://127.0.0.1:1"})
			return nil
		},
		Secrets: map[string]string{"key": apiKey, "other": otherKey}}, open)
	if err != nil {
		t.Fatal(err)
	}
	return p, open
}

func endpoint(t *testing.T, p *project.Project, e *project.Endpoint, script string) *project.Endpoint {
	t.Helper()
	if err := p.SaveEndpoint(e); err != nil {
		t.Fatal(err)
	}
	if script != "" {
		if err := p.SaveScript(e, script); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

func TestNew(t *testing.T) {
	t.Parallel()
	p, open := secretProject(t)
	auth := &project.Auth{Type: "bearer", Token: "{{key}}"}
	ok := endpoint(t, p, &project.Endpoint{Name: "Chat", Method: "post", URL: "{{base}}/v1/chat", Auth: auth}, "")
	scripted := endpoint(t, p, &project.Endpoint{Name: "Scripted", URL: "{{base}}/v1", Auth: auth}, "pm.test('t', () => {})\n")
	broken := endpoint(t, p, &project.Endpoint{Name: "Broken", URL: "{{base}}/v1"}, "function (\n")
	missing := &project.Endpoint{Name: "Missing", URL: "{{base}}/{{nope}}"}
	badMerge := &project.Endpoint{Name: "Bad merge", URL: "http://x", Merge: &project.MergeSettings{Format: "jsonpath", Content: "$[[[", Reasoning: "$.x"}}
	badMethod := &project.Endpoint{Name: "Bad method", Method: "GE T", URL: "http://x"}
	empty := ""
	for _, c := range []struct {
		name   string
		spec   Spec
		stage  Stage  // "" for none
		errHas string // in the error
		check  func(t *testing.T, plan *Plan)
	}{
		{name: "resolved, its secrets masked", spec: Spec{Endpoint: ok, Environment: "real"}, check: func(t *testing.T, plan *Plan) {
			if plan.Ref != "Chat" || plan.Method != "POST" || plan.URL != "{{base}}/v1/chat" || plan.Env != "real" {
				t.Fatalf("plan %+v", plan)
			}
			if plan.Request.URL != "http://127.0.0.1:1/v1/chat" || plan.Request.Header.Get("Authorization") != "Bearer "+apiKey {
				t.Fatalf("request %s %v", plan.Request.URL, plan.Request.Header)
			}
			if plan.Redactor.String("k="+apiKey) != "k=[secret]" || plan.Redactor.String(otherKey) != otherKey {
				t.Fatal("the redactor masks the wrong values")
			}
			if plan.Script != nil {
				t.Fatal("a script without one")
			}
		}},
		{name: "a script sees, and masks, every variable", spec: Spec{Endpoint: scripted, Environment: "real"}, check: func(t *testing.T, plan *Plan) {
			if plan.Script == nil || plan.Script.Vars["other"] != otherKey || plan.Script.Vars["base"] == "" {
				t.Fatalf("script %+v", plan.Script)
			}
			if plan.Redactor.String(otherKey) != redact.Mark {
				t.Fatal("a secret the script sees is not masked")
			}
		}},
		{name: "the editor's source wins, empty runs none", spec: Spec{Endpoint: broken, Environment: "real", Source: &empty}, check: func(t *testing.T, plan *Plan) {
			if plan.Script != nil {
				t.Fatal("a script from an empty source")
			}
		}},
		{name: "a syntax error names the file", spec: Spec{Endpoint: broken, Environment: "real"}, stage: StageScript, errHas: "broken.js:1"},
		{name: "an unresolved variable is named", spec: Spec{Endpoint: missing, Environment: "real"}, stage: StageResolve, errHas: "nope"},
		{name: "a replay needs no value", spec: Spec{Endpoint: missing, Replay: true}},
		{name: "a bad merge rule", spec: Spec{Endpoint: badMerge}, stage: StageEndpoint, errHas: `endpoint "Bad merge": merge.content: invalid JSONPath`},
		{name: "a bad method", spec: Spec{Endpoint: badMethod}, stage: StageEndpoint, errHas: `endpoint "Bad method"`},
		{name: "no such environment", spec: Spec{Endpoint: ok, Environment: "nope"}, errHas: "nope"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			spec := c.spec
			spec.Project, spec.Secrets = p, open
			plan, err := New(spec)
			var pe *Error
			switch {
			case c.errHas == "" && err != nil:
				t.Fatal(err)
			case c.errHas != "" && (err == nil || !strings.Contains(err.Error(), c.errHas)):
				t.Fatalf("error %v, want it to hold %q", err, c.errHas)
			case c.stage != "" && (!errors.As(err, &pe) || pe.Stage != c.stage):
				t.Fatalf("error %#v, want stage %s", err, c.stage)
			case err != nil && (strings.Contains(err.Error(), apiKey) || strings.Contains(err.Error(), otherKey)):
				t.Fatalf("the error holds a secret: %v", err)
			}
			if c.check != nil {
				c.check(t, plan)
			}
		})
	}
	// a plan made by hand is checked when it starts
	if _, err := (&Plan{Merge: merge.Options{Format: "no-such-format"}}).Start(); err == nil || !strings.Contains(err.Error(), "no-such-format") {
		t.Fatalf("a bad format: %v", err)
	}
	// a secret in an error is masked; the error's type survives
	err := MaskError(redact.New(apiKey), &project.UnresolvedError{Names: []string{apiKey}})
	var ue *project.UnresolvedError
	if strings.Contains(err.Error(), apiKey) || !strings.Contains(err.Error(), redact.Mark) || !errors.As(err, &ue) {
		t.Fatalf("masked %#v", err)
	}
	if plain := errors.New("nothing secret"); MaskError(redact.New(apiKey), plain) != plain {
		t.Fatal("an error without a secret was replaced")
	}
	// the type of a masked error survives New (the app words an unresolved
	// mock variable in its own way)
	_, err = New(Spec{Project: p, Endpoint: missing})
	if !errors.As(err, &ue) {
		t.Fatalf("%#v is not an UnresolvedError", err)
	}
}

// What is shown of a run is masked: every text of every record, a secret
// split between two chunks whole, headers, the small fields of a result.
func TestMasker(t *testing.T) {
	t.Parallel()
	red := redact.New(apiKey)
	k := NewMasker(red)
	half := len(apiKey) / 2
	recs := []send.Record{
		{Kind: send.KindRequestSent, Request: &send.RequestInfo{URL: "http://x/?k=" + apiKey, Header: http.Header{"Authorization": {"Bearer " + apiKey}}}},
		{Kind: send.KindChunk, Chunk: &send.ChunkInfo{Data: []byte("data: " + apiKey[:half])}},
		{Kind: send.KindChunk, Chunk: &send.ChunkInfo{Data: []byte(apiKey[half:] + "\n\n")}},
		{Kind: send.KindEvent, Event: &send.EventInfo{}},
		{Kind: send.KindComment, Text: apiKey},
		{Kind: send.KindWarning, Warning: &send.Notice{Message: "bad " + apiKey}},
		{Kind: send.KindEnd, End: &send.EndInfo{Message: "end " + apiKey}},
	}
	recs[3].Event.Data = "x" + apiKey
	var all strings.Builder
	for _, r := range recs {
		m := k.Record(r)
		for _, s := range []string{fieldText(m)} {
			all.WriteString(s)
		}
	}
	if strings.Contains(all.String(), apiKey) || strings.Count(all.String(), redact.Mark) < 6 {
		t.Fatalf("masked records: %q", all.String())
	}
	if recs[3].Event.Data != "x"+apiKey {
		t.Fatal("the record itself was changed")
	}
	if h := MaskHeader(red, http.Header{"X-Key": {apiKey}}); h.Get("X-Key") != redact.Mark {
		t.Fatalf("header %v", h)
	}
	if NewMasker(nil).Record(recs[4]).Text != apiKey {
		t.Fatal("no redactor changed a record")
	}
}

// fieldText is every text of a record, one after the other.
func fieldText(r send.Record) string {
	var b strings.Builder
	if q := r.Request; q != nil {
		b.WriteString(q.URL + q.Header.Get("Authorization"))
	}
	if c := r.Chunk; c != nil {
		b.Write(c.Data)
	}
	if e := r.Event; e != nil {
		b.WriteString(e.Data)
	}
	b.WriteString(r.Text)
	if w := r.Warning; w != nil {
		b.WriteString(w.Message)
	}
	if e := r.End; e != nil {
		b.WriteString(e.Message)
	}
	return b.String()
}

// An AWS event-stream frame's headers are masked like the rest of a
// record, in a copy: the record the merger and the script see keeps them
// (moved from app/runredact_eventstream_test.go).
func TestMaskerFrameHeaders(t *testing.T) {
	t.Parallel()
	k := NewMasker(redact.New(apiKey))
	headers := []eventstream.Header{{Name: ":event-type", Type: "string", Value: "chunk"}, {Name: "x-echo", Type: "string", Value: "key " + apiKey}}
	rec := send.Record{Kind: send.KindEvent, Event: &send.EventInfo{Index: 1, Event: sse.Event{Type: "chunk", Data: "{}"}, Headers: headers}}
	shown := k.Record(rec)
	if got := shown.Event.Headers[1].Value; got != "key [secret]" {
		t.Errorf("shown header %q", got)
	}
	if shown.Event.Headers[0] != headers[0] || rec.Event.Headers[1].Value != "key "+apiKey {
		t.Errorf("headers changed: shown %+v, original %+v", shown.Event.Headers, rec.Event.Headers)
	}
}
