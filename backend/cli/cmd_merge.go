package cli

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/streamscope/streamscope/backend/merge"
	"github.com/streamscope/streamscope/backend/script"
	"github.com/streamscope/streamscope/backend/sse"
)

func init() {
	Register(Command{
		Name:    "merge",
		Usage:   mergeFlagsUsage + " " + scriptFlagsUsage,
		Summary: "merge an LLM stream (SSE, NDJSON or an AWS event stream) from stdin into one JSON result: content, reasoning, tool calls, usage, errors",
		Run:     runMerge,
	})
}

func runMerge(env *Env, args []string) (int, error) {
	fs := NewFlagSet(env, "merge", mergeFlagsUsage+" "+scriptFlagsUsage)
	mf := AddMergeFlags(fs)
	sf := AddScriptFlags(fs)
	fs.Usage = func() {} // a bad flag is reported as the one error line only
	pos, err := ParseFlags(env, fs, args)
	if err != nil {
		return ExitUsage, err
	}
	if len(pos) > 0 {
		return ExitUsage, UsageError("unexpected argument %q: merge reads the body from stdin", pos[0])
	}
	sc, err := sf.Script()
	if err != nil {
		return ExitUsage, err
	}
	setup := MergeSetup{
		Options: sf.MergeOptions(mf.Options()),
		NDJSON:  mf.NDJSON,
	}
	in := env.Stdin
	var sess *script.Session
	if sc != nil {
		sess = sc.Program.NewSession(nil, sc.Timeout)
		in = io.TeeReader(in, sess) // the input is what pm.response.text() returns
	}
	log := &scriptLog{w: env.Stderr, s: sess}
	if sess != nil {
		sess.Start(0, nil) // top-level code runs before the first event
		log.flush()
		setup.OnEvent = func(m *merge.Merger, ev sse.Event, seq int, at time.Duration) error {
			// a failure is reported at the end; the stream goes on
			_ = sess.Event(script.Event{Seq: seq, Type: ev.Type, Data: ev.Data, ID: ev.ID, TimeMS: float64(at.Microseconds()) / 1000}, m.Result)
			log.flush()
			return nil
		}
	}
	res, _, err := mergeStream(in, setup)
	if err != nil {
		return ExitUsage, err
	}
	var scriptErr error
	if err := sess.End(&res, nil); err != nil {
		scriptErr = fmt.Errorf("script error: %v", err)
	}
	tests := log.end(sess.Tests())
	if err := writeResult(env.Stdout, res); err != nil {
		return ExitUsage, err
	}
	if scriptErr != nil {
		return ExitFailed, Errorf(ExitFailed, "%v", scriptErr)
	}
	if code, err := resultExit(res); code != ExitOK {
		return code, err
	}
	return ExitOK, failedTests(tests)
}

// writeResult prints a merge result as the contract's indented JSON object.
func writeResult(w io.Writer, res merge.Result) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(res); err != nil {
		return fmt.Errorf("encoding the result: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing stdout: %w", err)
	}
	return nil
}

// resultExit maps a final merge result to the contract's exit code: 3 with
// a one-line reason when the stream ended incomplete or with an error.
func resultExit(res merge.Result) (int, error) {
	if res.Complete {
		return ExitOK, nil
	}
	switch {
	case res.Error != nil:
		msg := res.Error.Message
		if res.Error.Type != "" {
			msg = res.Error.Type + ": " + msg
		}
		return ExitIncomplete, Errorf(ExitIncomplete, "stream incomplete: error event in the stream: %s", oneLine(msg))
	case res.Verdict == merge.VerdictDataLost:
		return ExitIncomplete, Errorf(ExitIncomplete, "stream incomplete: data lost: %s", oneLine(strings.Join(res.Lost, "; ")))
	case res.Events == 0:
		return ExitIncomplete, Errorf(ExitIncomplete, "stream incomplete: no events in the input")
	case len(res.Lost) > 0: // cut off, and data lost on the way (a corrupt event stream)
		return ExitIncomplete, Errorf(ExitIncomplete, "stream incomplete: cut off before the %s end marker (%d events); data lost: %s",
			res.Format, res.Events, oneLine(strings.Join(res.Lost, "; ")))
	default:
		return ExitIncomplete, Errorf(ExitIncomplete, "stream incomplete: cut off before the %s end marker (%d events)", res.Format, res.Events)
	}
}

func oneLine(s string) string {
	return truncateUTF8(strings.Join(strings.Fields(s), " "), 300)
}
