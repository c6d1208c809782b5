package project

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/streamscope/streamscope/backend/sse"
)

// RecordingSchema is the schema of recordings/*.jsonl files.
const RecordingSchema = 1

// recordingKind is the "kind" of a recording's header line.
const recordingKind = "streamscope-recording"

// Recording is a saved stream: what was asked (the endpoint and its
// method and URL as written in the project, with {{variables}} left
// unresolved so no secret lands in the file), how the server answered, and
// every event with the time it arrived. It replays through merge and
// scripts without the network.
//
// On disk it is JSON Lines: one header line (every field but Events), then
// one line per event: {"t":12.5,"type":"message","data":"…","id":""}.
type Recording struct {
	Schema int    `json:"schema"`
	Kind   string `json:"kind"`
	// Name is the name it was saved under (its file's name is made from
	// it, and may be shortened).
	Name     string `json:"name,omitempty"`
	Endpoint string `json:"endpoint,omitempty"`
	Method   string `json:"method,omitempty"`
	URL      string `json:"url,omitempty"`
	// Status and ContentType are the response's.
	Status      int    `json:"status,omitempty"`
	ContentType string `json:"content_type,omitempty"`
	// Stream is how the body was read: sse, ndjson or plain.
	Stream    string    `json:"stream,omitempty"`
	StartedAt time.Time `json:"started_at"`
	// Timing in milliseconds from the request being sent.
	TTFBMS     float64 `json:"ttfb_ms,omitempty"`
	DurationMS float64 `json:"duration_ms,omitempty"`
	// End is how the stream ended (complete, truncated, error, ...).
	End string `json:"end,omitempty"`

	Events []RecordedEvent `json:"-"`
}

// RecordedEvent is one event and its arrival time.
type RecordedEvent struct {
	// TimeMS is milliseconds since the request was sent.
	TimeMS float64 `json:"t"`
	sse.Event
}

// Elapsed returns the event's offset as a duration.
func (e RecordedEvent) Elapsed() time.Duration {
	return time.Duration(e.TimeMS * float64(time.Millisecond))
}

// SaveRecording writes rec as recordings/NAME.jsonl (NAME from name, made
// file-safe and bounded like an endpoint's file name; -2, -3, ... added
// when taken) and returns the file's path relative to the project. name
// itself is kept in the file (Recording.Name), so LoadRecording finds the
// recording by it however its file was named.
func (p *Project) SaveRecording(name string, rec *Recording) (string, error) {
	if err := p.mkdirInside(RecordingsDir); err != nil {
		return "", err
	}
	rec.Schema, rec.Kind, rec.Name = RecordingSchema, recordingKind, name
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(rec); err != nil {
		return "", err
	}
	for _, ev := range rec.Events {
		if err := enc.Encode(ev); err != nil {
			return "", err
		}
	}
	dir := filepath.Join(p.Dir, RecordingsDir)
	file, err := probeName(slug(name), recordingExt, func(file string) (bool, error) {
		full := filepath.Join(dir, file)
		unlock := lockFile(full)
		defer unlock()
		taken, err := onDisk(full)
		if err != nil || taken {
			return taken, err
		}
		return false, writeFileAtomicLocked(full, buf.Bytes(), 0o644)
	})
	if err != nil {
		return "", err
	}
	return RecordingsDir + "/" + file, nil
}

// CheckRecordings returns an error when SaveRecording could not write into
// recordings/ (it is a link or not a directory), to be asked before a run
// whose stream is to be recorded.
func (p *Project) CheckRecordings() error { return p.checkInside(RecordingsDir) }

// Recordings lists the recordings' paths relative to the project, sorted.
func (p *Project) Recordings() ([]string, error) {
	entries, err := os.ReadDir(filepath.Join(p.Dir, RecordingsDir))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), recordingExt) && !strings.HasPrefix(e.Name(), ".") {
			out = append(out, RecordingsDir+"/"+e.Name())
		}
	}
	sort.Strings(out)
	return out, nil
}

// LoadRecording reads a recording by its path relative to the project, by
// its file's name (recordings/NAME.jsonl), or by the name it was saved
// under (the first of its files, in the order SaveRecording names them,
// whose Name is name; or, for a recording from before names were kept,
// the file named after name without a -N suffix).
func (p *Project) LoadRecording(name string) (*Recording, error) {
	if strings.Contains(name, "/") {
		return p.readRecordingInside(filepath.Join(p.Dir, filepath.FromSlash(name)))
	}
	dir := filepath.Join(p.Dir, RecordingsDir)
	rec, err := p.readRecordingInside(filepath.Join(dir, strings.TrimSuffix(name, recordingExt)+recordingExt))
	var pe *fs.PathError
	if err == nil || !errors.As(err, &pe) {
		return rec, err
	}
	// No such file (or a name the file system refuses): look for the
	// recording saved under this name.
	var found *Recording
	first := true
	_, _ = probeName(slug(name), recordingExt, func(file string) (bool, error) {
		r, err := p.readRecordingInside(filepath.Join(dir, file))
		if errors.As(err, &pe) {
			return false, nil // the end of the series
		}
		// A recording saved before names were kept has none: its file's
		// name is the one made from name.
		if err == nil && (r.Name == name || r.Name == "" && first) {
			found = r
			return false, nil
		}
		first = false
		return true, nil
	})
	if found != nil {
		return found, nil
	}
	return nil, err
}

// readRecordingInside reads the recording at full when it is inside the
// project folder (links resolved).
func (p *Project) readRecordingInside(full string) (*Recording, error) {
	if _, err := p.inside(full); err != nil {
		return nil, readError(full, err)
	}
	return ReadRecording(full)
}

// MaxRecordingEvents bounds the events of a recording that is read.
const MaxRecordingEvents = 2_000_000

// ReadRecording reads a recording file: a regular file of at most
// MaxRecordingFile bytes and MaxRecordingEvents events. Errors name the
// file and line.
func ReadRecording(path string) (*Recording, error) {
	f, err := OpenRegular(path, MaxRecordingFile)
	if err != nil {
		return nil, readError(path, err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 64<<20)
	rec := &Recording{}
	line := 0
	for sc.Scan() {
		line++
		text := bytes.TrimSpace(sc.Bytes())
		if line == 1 {
			if err := json.Unmarshal(text, rec); err != nil {
				return nil, &FileError{Path: path, Line: 1, Reason: "header: " + err.Error()}
			}
			if rec.Kind != recordingKind {
				return nil, &FileError{Path: path, Line: 1, Reason: fmt.Sprintf("kind: %q, expected %q", rec.Kind, recordingKind)}
			}
			if rec.Schema < 1 || rec.Schema > RecordingSchema {
				return nil, &FileError{Path: path, Line: 1, Reason: fmt.Sprintf("schema %d is not one this streamscope understands (1..%d)", rec.Schema, RecordingSchema)}
			}
			continue
		}
		if len(text) == 0 {
			continue
		}
		if len(rec.Events) >= MaxRecordingEvents {
			return nil, &FileError{Path: path, Line: line, Reason: fmt.Sprintf("more than %d events; a recording holds at most that many", MaxRecordingEvents)}
		}
		var ev RecordedEvent
		if err := json.Unmarshal(text, &ev); err != nil {
			return nil, &FileError{Path: path, Line: line, Reason: err.Error()}
		}
		if ev.Type == "" {
			ev.Type = "message"
		}
		rec.Events = append(rec.Events, ev)
	}
	if err := sc.Err(); err != nil {
		return nil, &FileError{Path: path, Line: line + 1, Reason: err.Error()}
	}
	if line == 0 {
		return nil, &FileError{Path: path, Line: 1, Reason: "empty recording (expected a header line)"}
	}
	return rec, nil
}
