// Package project reads and writes Streamscope projects: folders of
// human-readable, diff-friendly files that live well in git.
//
// # Layout
//
//	my-project/
//	  streamscope.yaml                  schema, name, id (keys the secrets, with the folder)
//	  chat-stream.endpoint.yaml         one file per endpoint
//	  chat-stream.js                    its post-processor script, if any
//	  anthropic/                        a folder is a directory
//	    folder.yaml                     optional: display name, seq, notes
//	    messages.endpoint.yaml
//	  environments/
//	    local.yaml                      one file per environment
//	  recordings/
//	    chat-stream.jsonl               saved streams (JSON Lines)
//
// Every YAML file starts with `schema: 2`. An endpoint file, as written
// (every field but name and url is optional):
//
//	schema: 2
//	name: Chat stream
//	seq: 1                        # order within its folder; ties sort by name
//	method: POST
//	url: '{{base_url}}/v1/chat/completions'
//	query:
//	  - name: api-version
//	    value: "1"
//	    disabled: true            # kept in the file, not sent
//	headers:
//	  - name: Accept
//	    value: text/event-stream
//	body:
//	  type: json                  # json | raw | form | urlencoded
//	  text: |
//	    {"model": "{{model}}", "stream": true}
//	auth:
//	  type: bearer                # none | bearer | basic | apikey | sigv4
//	  token: '{{api_key}}'        # basic: username, password; apikey: key, value, in (header | query)
//	                              # sigv4 (AWS Signature Version 4, signed per request): access_key,
//	                              # secret_key ('{{aws_secret}}'), session_token (optional), region, service
//	stream: sse                   # auto | sse | ndjson | eventstream (AWS) | plain
//	follow_redirects: false       # a redirect is the answer (default: followed, no credentials to another origin)
//	compressed: true              # ask for gzip/br (curl --compressed)
//	merge:
//	  format: jsonpath            # auto, a format name, or jsonpath
//	  content: $.choices[0].delta.content
//	  reasoning: $.choices[0].delta.reasoning_content
//	  stop: $.choices[0].finish_reason
//	script: chat-stream.js        # relative to the endpoint's folder
//	timeouts:
//	  header_ms: 30000
//	  idle_ms: 60000
//	reconnect:
//	  enabled: true
//	  max_attempts: 5
//	  delay_ms: 3000              # until the stream sends retry:; either is capped at 60 s
//	retry:                        # 429 / 503 answers, honouring Retry-After
//	  enabled: true
//	  max_attempts: 3
//	  max_wait_ms: 60000
//	  fallback_ms: 1000
//	notes: free text
//
// Form and urlencoded bodies have `fields:` (name, value, and for form
// bodies file: a path relative to the endpoint's folder) instead of text.
// A form file must stay inside the project folder once its {{variables}}
// are substituted and every link on its way is resolved.
//
// The url is http:// or https:// (a {{variable}} may stand for the scheme
// and host: '{{base_url}}/v1'; the result is checked again when sent). The
// url, names, header values and auth fields hold no control characters
// (header values may hold tabs), so nothing in a file can forge a line of
// `ls` or `export curl`.
//
// Order lives inside the files (`seq`), never in a central index, so two
// people adding endpoints touch different files and do not conflict.
// Endpoints are named on the command line by name, or "folder/name" when
// the name is not unique.
//
// An environment file lists variables; a secret one has no value:
//
//	schema: 2
//	variables:
//	  - name: base_url
//	    value: http://127.0.0.1:8080
//	  - name: api_key
//	    secret: true
//
// {{name}} in the URL, query, headers, auth and body is replaced from
// --var, then the environment; {{$env.NAME}} reads the process variable
// NAME, and only when the user listed NAME in STREAMSCOPE_ALLOW_ENV
// (outside any project; a bare {{NAME}} the project does not define still
// falls back to such a listed variable, and says how to allow one that is
// not). Every unresolved name is reported before anything is sent
// (UnresolvedError). Secret values live outside the folder, keyed by the
// project id and bound to the project's folder (see package secrets), and
// are never written into the project, an export or a log.
//
// Read-modify-write of an environment file holds LockEnvironments (a lock
// across processes on the project folder) and reads the file afresh
// (ReadEnvironment), so concurrent `env set` commands lose nothing.
//
// A recording (recordings/NAME.jsonl) is one JSON header line
// ({"schema":1,"kind":"streamscope-recording","name":…,"endpoint":…,"status":…})
// followed by one line per event: {"t":12.5,"type":"message","data":"…","id":""}
// where t is milliseconds since the request was sent.
//
// # Names and limits
//
// A new endpoint's file, and a recording's, is named after it: lower case,
// other characters as '-', at most 80 characters and 120 bytes (cut on a
// character boundary), then -2, -3, ... when the name is taken. The name
// itself is kept in the file (a recording's in its header), so a shortened
// file name loses nothing; LoadRecording finds a recording by it. The
// search for a free name ends on any error other than "does not exist".
// An environment's name, its file's, is at most 120 characters.
//
// A folder path (CheckFolderPath) has at most MaxFolderDepth (64) parts and
// MaxFolderPathBytes (1024) bytes; each part is at most 255 bytes, does not
// start with '.' (hidden directories are not loaded) and has no '\', ':'
// or control character, and the first is not environments or recordings.
// A save into any other folder is refused with the rule at fault; a
// deeper or longer folder found on disk is listed in Problems and nothing
// below it is read. Nothing is written through a symbolic link inside the
// project (Load does not follow links either): such a save fails.
//
// # Schema versions
//
// Each file carries `schema`. Older files are migrated in memory when read
// (migrate.go: version 1 allowed mappings for headers, query and variables
// and a plain-string body) and written at the current version on their next
// save; a file newer than this build is reported, not guessed at.
//
// # Safety
//
// Every file a project loads (streamscope.yaml, endpoints, folder.yaml,
// environments, scripts, form files, recordings) is read only when it is a
// regular file (a named pipe is opened without waiting and refused, as are
// devices and sockets), within a size limit (MaxYAMLFile, MaxScriptFile,
// MaxFormFile, MaxRecordingFile), and, when it is reached through a link,
// only when the link leads to a file inside the project folder. YAML
// aliases (*name, <<: *name) are refused: each would be expanded into a
// full copy of its anchor.
//
// Writes are atomic (temporary file in the same directory, named
// .streamscope-tmp-RANDOM whatever the target's length, fsync, rename,
// fsync of the directory) and serialised per file. A file that does not
// parse or cannot be read (by the rules above) is listed in
// Project.Problems with path, line and reason while the rest loads, and is
// never overwritten or deleted: a save over it fails with ErrBrokenFile.
// Watch and a Watcher (polling Fingerprint) and Reload pick up changes
// made outside the program; a program that writes the folder itself calls
// Watcher.Seen after each write, under the Watcher's Lock, so that its
// own writes are not reported.
//
// Tree edits (tree.go) keep the files and the model in step: Tree lists
// the rows in display order; DuplicateEndpoint, MoveEndpoint (within a
// folder or into another, its script moving along), RemoveEndpoint (its
// script too when no other endpoint uses it), CreateFolder, MoveFolder and
// DeleteFolder. The order within a folder is each file's seq: an edit
// renumbers the folder's endpoints 1, 2, ... and saves only those whose
// seq changed.
//
// A *Project is a snapshot of the folder and is not safe for concurrent
// use; file writes themselves are serialised per file across goroutines.
package project
