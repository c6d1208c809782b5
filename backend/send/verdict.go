package send

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/streamscope/streamscope/backend/merge"
)

// The verdict of a request whose stream is merged, shared by every caller
// that sends and merges (the CLI's send and run, the app's runs): how a
// body's end is judged by the merge (MergeCheck, for Request.Finish; a
// Merger's SawEnd for Request.EndMarker) and what the final result is
// (FinalResult).

// MergeCheck is Request.Finish's answer from the merge result r of the
// events so far (merge.Merger.End): an error event ends the request as
// EndError, a stream that sent events but not its end marker as
// EndTruncated (reopened when Reconnect allows); anything else is accepted.
func MergeCheck(r merge.Result) (EndReason, string) {
	switch {
	case r.Error != nil:
		return EndError, "error event in the stream: " + oneLine(r.Error.Message)
	case !r.Complete && r.Events > 0:
		return EndTruncated, fmt.Sprintf("stream ended before the %s end marker", r.Format)
	case r.Complete:
		return EndComplete, ""
	}
	return "", ""
}

// FinalResult is the merge result of a request that ended: streamed (the
// merger's End) for an event stream; for a plain body that got a
// response, the body merged as one answer (merge.Body), complete when it
// arrived whole. Data lost on the way makes it incomplete (Result.MarkLost,
// verdict data_lost): events the sender dropped (res.Lost) and a plain body
// longer than the part kept in res.Body.
func FinalResult(o merge.Options, streamed merge.Result, res *Result) merge.Result {
	final := streamed
	if res.Kind == StreamPlain && res.Status != 0 {
		final = merge.Body(o, res.Body, res.Reason == EndComplete)
		if res.BodyTruncated {
			final.MarkLost(fmt.Sprintf("the body is larger than the %d bytes kept: the rest is not in the result", len(res.Body)))
		}
	}
	for _, what := range res.Lost {
		final.MarkLost(what)
	}
	return final
}

// oneLine collapses the white space of s (line breaks included) and cuts
// it to 300 bytes at a rune boundary.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= 300 {
		return s
	}
	n := 300
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
