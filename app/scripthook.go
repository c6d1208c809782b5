package app

import (
	"net/http"
	"time"

	"github.com/streamscope/streamscope/backend/merge"
	"github.com/streamscope/streamscope/backend/sse"
)

// newScriptHook prepares an endpoint's post-processor script for a run.
// The script engine (backend/script) is not part of this build yet: the
// run goes on without the script and says so in the Script tab.
func newScriptHook(name, _ string, _ map[string]string) (scriptHook, error) {
	return &noScript{msg: name + ": scripts are not available in this build yet; the run is shown without the script"}, nil
}

type noScript struct{ msg string }

func (n *noScript) onResponse(int, http.Header, func() string) error { return nil }
func (n *noScript) onEvent(sse.Event, int, time.Duration, func() *merge.Result) error {
	return nil
}
func (n *noScript) onEnd(*merge.Result) error { return nil }
func (n *noScript) output() ([]ScriptLog, []ScriptTest, string) {
	return []ScriptLog{{Level: "warn", Message: n.msg}}, nil, ""
}
func (n *noScript) close() {}
