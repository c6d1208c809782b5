package app

import (
	"github.com/streamscope/streamscope/backend/merge"
	"github.com/streamscope/streamscope/backend/project"
	"github.com/streamscope/streamscope/backend/send"
)

// RunRequest asks RunService.Send for one request: an endpoint of the open
// project by Ref, or the editor's current (possibly unsaved) Endpoint,
// which wins when set. Without an open project an Endpoint is sent as an
// ad-hoc request.
type RunRequest struct {
	Ref      string            `json:"ref"`
	Endpoint *project.Endpoint `json:"endpoint"`
	// Script, when set, is the editor's script source, used instead of the
	// endpoint's script file ("" runs no script).
	Script *string `json:"script"`
	// Environment names the environment ("" none); Vars override
	// variables for this run only.
	Environment string            `json:"environment"`
	Vars        map[string]string `json:"vars"`
}

// RunStarted answers Send: the run's id and the event its batches come on.
type RunStarted struct {
	RunID string `json:"runId"`
	// Event is "run:<runId>": listen before or right after Send; the
	// batches start at seq 1 and can be re-ordered by seq.
	Event string `json:"event"`
	// Method and URL are the request as sent (the resolved URL, its
	// secret values masked).
	Method string `json:"method"`
	URL    string `json:"url"`
}

// RunBatch is the payload of the "run:<runId>" event: the timeline records
// that arrived since the previous batch, the merge state as a delta, the
// metrics, new script output and, in the last batch, Done. Seq counts the
// batches of a run from 1 without gaps; one batch stays under 64 KB.
type RunBatch struct {
	RunID   string           `json:"runId"`
	Seq     int64            `json:"seq"`
	Records []TimelineRecord `json:"records"`
	// Merge is nil when nothing changed since the previous batch.
	Merge   *MergeDelta  `json:"merge,omitempty"`
	Metrics *RunMetrics  `json:"metrics,omitempty"`
	Logs    []ScriptLog  `json:"logs,omitempty"`
	Tests   []ScriptTest `json:"tests,omitempty"`
	// Done is set in the last batch only.
	Done *RunDone `json:"done,omitempty"`
}

// TimelineRecord is one timeline record (send.Record, the same JSON). It
// has its own name so that the generated TypeScript has no class called
// Record, which would hide TypeScript's Record<K, V> in its namespace.
type TimelineRecord send.Record

func timelineRecords(rs []send.Record) []TimelineRecord {
	out := make([]TimelineRecord, len(rs))
	for i := range rs {
		out[i] = TimelineRecord(rs[i])
	}
	return out
}

// TextDelta changes one text of the merge: Reset replaces the text with
// Append (a script rewrote it), otherwise Append is added at its end.
// Total is the text's length in bytes once applied.
type TextDelta struct {
	Append string `json:"append"`
	Reset  bool   `json:"reset"`
	Total  int    `json:"total"`
}

// MergeDelta is what changed in the merged result since the previous
// batch. Texts are deltas; the small fields are sent whole when anything
// changed. Pending says more text is waiting for the next batch (a batch
// carries at most ~16 KB of merged text).
type MergeDelta struct {
	Format    string     `json:"format"`
	Content   *TextDelta `json:"content,omitempty"`
	Reasoning *TextDelta `json:"reasoning,omitempty"`
	Refusal   *TextDelta `json:"refusal,omitempty"`
	// ToolCalls is the whole list (arguments cut to 4 KB each) when it changed.
	ToolCalls []ToolCallView `json:"toolCalls,omitempty"`
	// Choices carries the choices of an n > 1 stream that changed.
	Choices      []ChoiceDelta      `json:"choices,omitempty"`
	FinishReason *string            `json:"finishReason"`
	Usage        map[string]any     `json:"usage"`
	Error        *merge.StreamError `json:"error"`
	Verdict      string             `json:"verdict"`
	Complete     bool               `json:"complete"`
	Events       int                `json:"events"`
	Model        string             `json:"model"`
	ID           string             `json:"id"`
	Warnings     []string           `json:"warnings"`
	Pending      bool               `json:"pending"`
}

// ChoiceDelta is the change of one choice of an n > 1 stream.
type ChoiceDelta struct {
	Index        int            `json:"index"`
	Content      *TextDelta     `json:"content,omitempty"`
	Reasoning    *TextDelta     `json:"reasoning,omitempty"`
	ToolCalls    []ToolCallView `json:"toolCalls,omitempty"`
	FinishReason *string        `json:"finishReason"`
}

// ToolCallView is a tool call for display; ArgumentsTruncated says the
// arguments were cut (Result has them whole).
type ToolCallView struct {
	Index              int    `json:"index"`
	ID                 string `json:"id"`
	Name               string `json:"name"`
	Arguments          string `json:"arguments"`
	ArgumentsError     string `json:"argumentsError"`
	ArgumentsTruncated bool   `json:"argumentsTruncated"`
	ArgumentsSize      int    `json:"argumentsSize"`
}

// RunMetrics are the live numbers of a run. Offsets are milliseconds since
// the request was sent, -1 while the moment has not come.
type RunMetrics struct {
	ElapsedMS       float64 `json:"elapsedMs"`
	DNSMS           float64 `json:"dnsMs"`
	ConnectMS       float64 `json:"connectMs"`
	TLSMS           float64 `json:"tlsMs"`
	TTFBMS          float64 `json:"ttfbMs"`
	FirstEventMS    float64 `json:"firstEventMs"`
	FirstTokenMS    float64 `json:"firstTokenMs"`
	Events          int     `json:"events"`
	Records         int64   `json:"records"`
	Bytes           int64   `json:"bytes"`
	Tokens          int     `json:"tokens"`
	TokensFromUsage bool    `json:"tokensFromUsage"`
	TokensPerSecond float64 `json:"tokensPerSecond"`
	// EventsPerSecond is the rate since the previous batch.
	EventsPerSecond float64 `json:"eventsPerSecond"`
	MaxGapMS        float64 `json:"maxGapMs"`
}

// RunDone closes a run.
type RunDone struct {
	// Status is the HTTP status (0 when no response came).
	Status int `json:"status"`
	// Reason is complete, truncated, cancelled, error or timeout; Code and
	// Message say why when it is not complete.
	Reason     string  `json:"reason"`
	Code       string  `json:"code"`
	Message    string  `json:"message"`
	DurationMS float64 `json:"durationMs"`
	Events     int     `json:"events"`
	Bytes      int64   `json:"bytes"`
	WireBytes  int64   `json:"wireBytes"`
	Attempts   int     `json:"attempts"`
	// Verdict and Complete are the merge's final ones.
	Verdict  string `json:"verdict"`
	Complete bool   `json:"complete"`
	// StreamKind is sse, ndjson or plain (then Body has the body).
	StreamKind  string `json:"streamKind"`
	ContentType string `json:"contentType"`
	TestsPassed int    `json:"testsPassed"`
	TestsFailed int    `json:"testsFailed"`
	// ScriptError is the script's failure, if it failed.
	ScriptError string `json:"scriptError"`
	// Replay is true for a recording replayed without the network.
	Replay bool `json:"replay"`
}

// ScriptLog is one console line of the endpoint's script.
type ScriptLog struct {
	Level    string `json:"level"`
	Message  string `json:"message"`
	EventSeq int    `json:"eventSeq"`
}

// ScriptTest is one test of the endpoint's script.
type ScriptTest struct {
	Name     string `json:"name"`
	Passed   bool   `json:"passed"`
	Message  string `json:"message"`
	EventSeq int    `json:"eventSeq"`
}

// RunResult is a run's full outcome, for the panels that need the whole
// thing (copy buttons, tool call arguments, n > 1 choices).
type RunResult struct {
	RunID   string        `json:"runId"`
	Running bool          `json:"running"`
	Merge   merge.Result  `json:"merge"`
	Metrics merge.Metrics `json:"metrics"`
	Status  int           `json:"status"`
	// Headers are the response headers.
	Headers map[string][]string `json:"headers"`
	Timing  send.Timing         `json:"timing"`
	Done    *RunDone            `json:"done"`
	Logs    []ScriptLog         `json:"logs"`
	Tests   []ScriptTest        `json:"tests"`
}

// BodyView is the body of a response, for the Body tab. Text is set for a
// textual body, Base64 for a binary one (an image); Truncated says the
// body was cut at the capture limit or the view limit.
type BodyView struct {
	ContentType string `json:"contentType"`
	Text        string `json:"text"`
	Base64      string `json:"base64"`
	IsText      bool   `json:"isText"`
	Size        int    `json:"size"`
	Truncated   bool   `json:"truncated"`
}

// ChunkView is the whole content of a chunk or event record whose batch
// copy was shortened.
type ChunkView struct {
	Seq       int64  `json:"seq"`
	Available bool   `json:"available"`
	Text      string `json:"text"`
	Base64    string `json:"base64"`
	IsText    bool   `json:"isText"`
	Size      int    `json:"size"`
}

// RawView is a piece of a run's decoded body as received (RunService.RawSlice):
// Text when it is UTF-8, else Base64. Available false means the bytes are
// not kept, and Reason says why; Shortened says fewer bytes than asked
// came back (the 1 MiB limit of one call, or the end of the kept body).
type RawView struct {
	Offset    int64  `json:"offset"`
	Size      int    `json:"size"`
	Available bool   `json:"available"`
	Reason    string `json:"reason"`
	Text      string `json:"text"`
	Base64    string `json:"base64"`
	IsText    bool   `json:"isText"`
	Shortened bool   `json:"shortened"`
}

// ExportResult says where an export went; Path "" when the dialog was cancelled.
type ExportResult struct {
	Path  string `json:"path"`
	Bytes int64  `json:"bytes"`
}

// RuleCheckRequest asks how many events JSONPath rules match: the events
// of run RunID, or Samples (event data texts) when given.
type RuleCheckRequest struct {
	RunID     string   `json:"runId"`
	Samples   []string `json:"samples"`
	Content   string   `json:"content"`
	Reasoning string   `json:"reasoning"`
	Stop      string   `json:"stop"`
}

// RuleCheck is the live count of a JSONPath rule: how many of Events each
// rule matched, or Error when a rule does not parse (data, not a failure).
type RuleCheck struct {
	Events    int    `json:"events"`
	Content   int    `json:"content"`
	Reasoning int    `json:"reasoning"`
	Stop      int    `json:"stop"`
	Error     string `json:"error"`
	// Preview is the content the rules produce (first 2 KB).
	Preview string `json:"preview"`
}
