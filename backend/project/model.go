package project

// SchemaVersion is the schema every file is written with. Files of older
// versions are migrated when read (see migrate.go) and written back at this
// version the next time they are saved.
const SchemaVersion = 2

// File names and directories of the layout (see doc.go).
const (
	ProjectFile       = "streamscope.yaml"
	EndpointExt       = ".endpoint.yaml"
	FolderFile        = "folder.yaml"
	EnvironmentsDir   = "environments"
	RecordingsDir     = "recordings"
	environmentExt    = ".yaml"
	recordingExt      = ".jsonl"
	defaultStreamMode = "auto"
)

// Meta is streamscope.yaml: the project's name and its id. The id keys the
// project's secrets in the store outside the folder, so it never changes.
type Meta struct {
	Schema int    `yaml:"schema" json:"schema"`
	Name   string `yaml:"name" json:"name"`
	ID     string `yaml:"id" json:"id"`
	Notes  string `yaml:"notes,omitempty" json:"notes,omitempty"`
}

// Folder is a directory of endpoints. Its optional folder.yaml gives a
// display name, an order among its siblings and notes.
type Folder struct {
	Schema int    `yaml:"schema" json:"schema"`
	Name   string `yaml:"name,omitempty" json:"name"`
	Seq    int    `yaml:"seq,omitempty" json:"seq"`
	Notes  string `yaml:"notes,omitempty" json:"notes,omitempty"`

	// Path is the directory relative to the project root, slash-separated.
	Path string `yaml:"-" json:"path"`
	// HasFile says whether folder.yaml exists.
	HasFile bool `yaml:"-" json:"has_file"`
}

// Endpoint is one request, stored in its own NAME.endpoint.yaml file.
type Endpoint struct {
	Schema  int    `yaml:"schema" json:"schema"`
	Name    string `yaml:"name" json:"name"`
	Seq     int    `yaml:"seq" json:"seq"`
	Method  string `yaml:"method" json:"method"`
	URL     string `yaml:"url" json:"url"`
	Query   []KV   `yaml:"query,omitempty" json:"query,omitempty"`
	Headers []KV   `yaml:"headers,omitempty" json:"headers,omitempty"`
	Body    *Body  `yaml:"body,omitempty" json:"body,omitempty"`
	Auth    *Auth  `yaml:"auth,omitempty" json:"auth,omitempty"`
	// Stream is how the response body is read: auto (from Content-Type),
	// sse, ndjson, eventstream (AWS event stream) or plain. Empty means auto.
	Stream string `yaml:"stream,omitempty" json:"stream,omitempty"`
	// FollowRedirects false makes a redirect the answer; unset or true
	// follows redirects (credentials never go to another origin).
	FollowRedirects *bool `yaml:"follow_redirects,omitempty" json:"follow_redirects,omitempty"`
	// Compressed asks for a gzip/br-encoded response (curl --compressed).
	Compressed bool           `yaml:"compressed,omitempty" json:"compressed,omitempty"`
	Merge      *MergeSettings `yaml:"merge,omitempty" json:"merge,omitempty"`
	// Script is the post-processor script's file, relative to the
	// endpoint's directory (normally NAME.js beside the endpoint file).
	Script    string     `yaml:"script,omitempty" json:"script,omitempty"`
	Timeouts  *Timeouts  `yaml:"timeouts,omitempty" json:"timeouts,omitempty"`
	Reconnect *Reconnect `yaml:"reconnect,omitempty" json:"reconnect,omitempty"`
	Retry     *Retry     `yaml:"retry,omitempty" json:"retry,omitempty"`
	Notes     string     `yaml:"notes,omitempty" json:"notes,omitempty"`

	// File is the endpoint's file relative to the project root,
	// slash-separated; empty for an endpoint never saved.
	File string `yaml:"-" json:"file"`
	// Folder is the directory holding File ("" at the top).
	Folder string `yaml:"-" json:"folder"`
}

// KV is one query parameter or header. Disabled entries are kept in the
// file but not sent. Header names may repeat.
type KV struct {
	Name     string `yaml:"name" json:"name"`
	Value    string `yaml:"value" json:"value"`
	Disabled bool   `yaml:"disabled,omitempty" json:"disabled,omitempty"`
}

// Body types.
const (
	BodyJSON       = "json"
	BodyRaw        = "raw"
	BodyForm       = "form"       // multipart/form-data
	BodyURLEncoded = "urlencoded" // application/x-www-form-urlencoded
)

// Body is a request body.
type Body struct {
	Type string `yaml:"type" json:"type"`
	// ContentType overrides the type's default Content-Type (raw bodies
	// default to text/plain). A Content-Type header wins over both.
	ContentType string `yaml:"content_type,omitempty" json:"content_type,omitempty"`
	// Text is the body of json and raw bodies, kept exactly as written.
	Text string `yaml:"text,omitempty" json:"text,omitempty"`
	// Fields are the parts of form and urlencoded bodies.
	Fields []FormField `yaml:"fields,omitempty" json:"fields,omitempty"`
}

// FormField is one field of a form or urlencoded body. In a form body, File
// names a file (relative to the endpoint's directory) sent as the part's
// content instead of Value.
type FormField struct {
	Name     string `yaml:"name" json:"name"`
	Value    string `yaml:"value,omitempty" json:"value,omitempty"`
	File     string `yaml:"file,omitempty" json:"file,omitempty"`
	Disabled bool   `yaml:"disabled,omitempty" json:"disabled,omitempty"`
}

// Auth types.
const (
	AuthNone   = "none"
	AuthBearer = "bearer"
	AuthBasic  = "basic"
	AuthAPIKey = "apikey"
	// AuthSigV4 is AWS Signature Version 4: each request is signed when it
	// is sent (Amazon Bedrock and every other AWS API).
	AuthSigV4 = "sigv4"
)

// Auth is the endpoint's authentication.
type Auth struct {
	Type string `yaml:"type" json:"type"`
	// Token is the bearer token.
	Token string `yaml:"token,omitempty" json:"token,omitempty"`
	// Username and Password are for basic auth.
	Username string `yaml:"username,omitempty" json:"username,omitempty"`
	Password string `yaml:"password,omitempty" json:"password,omitempty"`
	// Key, Value and In are for an API key sent in a header (In "header")
	// or a query parameter (In "query").
	Key   string `yaml:"key,omitempty" json:"key,omitempty"`
	Value string `yaml:"value,omitempty" json:"value,omitempty"`
	In    string `yaml:"in,omitempty" json:"in,omitempty"`
	// AccessKey, SecretKey (normally a {{secret variable}}), SessionToken
	// (temporary credentials, optional), Region and Service (bedrock for
	// Bedrock's runtime API) are for sigv4.
	AccessKey    string `yaml:"access_key,omitempty" json:"access_key,omitempty"`
	SecretKey    string `yaml:"secret_key,omitempty" json:"secret_key,omitempty"`
	SessionToken string `yaml:"session_token,omitempty" json:"session_token,omitempty"`
	Region       string `yaml:"region,omitempty" json:"region,omitempty"`
	Service      string `yaml:"service,omitempty" json:"service,omitempty"`
}

// MergeSettings choose how the stream is merged.
type MergeSettings struct {
	// Format is "auto" (or empty) to detect it from the events, or one of the
	// formats `streamscope merge --format` accepts.
	Format string `yaml:"format,omitempty" json:"format,omitempty"`
	// Content and Reasoning are JSONPath rules (ojg syntax): the match in
	// each event is appended to the content / reasoning.
	Content   string `yaml:"content,omitempty" json:"content,omitempty"`
	Reasoning string `yaml:"reasoning,omitempty" json:"reasoning,omitempty"`
	// Stop is a JSONPath rule whose match in an event is the finish reason
	// and marks the stream complete.
	Stop string `yaml:"stop,omitempty" json:"stop,omitempty"`
}

// Timeouts in milliseconds; 0 means the engine's default.
type Timeouts struct {
	// HeaderMS bounds the wait for the response headers.
	HeaderMS int `yaml:"header_ms,omitempty" json:"header_ms,omitempty"`
	// IdleMS bounds the silence between two chunks of the body.
	IdleMS int `yaml:"idle_ms,omitempty" json:"idle_ms,omitempty"`
}

// Reconnect controls SSE reconnection after the connection drops.
type Reconnect struct {
	Enabled     bool `yaml:"enabled" json:"enabled"`
	MaxAttempts int  `yaml:"max_attempts,omitempty" json:"max_attempts,omitempty"`
	// DelayMS is used until the stream sets its own `retry:` time.
	DelayMS int `yaml:"delay_ms,omitempty" json:"delay_ms,omitempty"`
}

// Retry controls retrying a request answered with 429 or 503 before the
// stream began, waiting as the answer's Retry-After says.
type Retry struct {
	Enabled     bool `yaml:"enabled" json:"enabled"`
	MaxAttempts int  `yaml:"max_attempts,omitempty" json:"max_attempts,omitempty"`
	// MaxWaitMS caps a Retry-After wait; FallbackMS is the wait when the
	// answer gives none.
	MaxWaitMS  int `yaml:"max_wait_ms,omitempty" json:"max_wait_ms,omitempty"`
	FallbackMS int `yaml:"fallback_ms,omitempty" json:"fallback_ms,omitempty"`
}

// Environment is environments/NAME.yaml: a set of variables.
type Environment struct {
	Schema    int        `yaml:"schema" json:"schema"`
	Variables []Variable `yaml:"variables" json:"variables"`

	// Name is the file's base name without .yaml.
	Name string `yaml:"-" json:"name"`
	// File is the environment's file relative to the project root.
	File string `yaml:"-" json:"file"`
}

// Variable is one environment variable. A secret variable has no value in
// the file: its value lives in the secret store, outside the project.
type Variable struct {
	Name   string `yaml:"name" json:"name"`
	Value  string `yaml:"value,omitempty" json:"value,omitempty"`
	Secret bool   `yaml:"secret,omitempty" json:"secret,omitempty"`
}

// Lookup returns the variable named name.
func (e *Environment) Lookup(name string) (Variable, bool) {
	for _, v := range e.Variables {
		if v.Name == name {
			return v, true
		}
	}
	return Variable{}, false
}

// Set sets (or adds) a variable. Setting a secret clears any value that was
// in the file.
func (e *Environment) Set(v Variable) {
	if v.Secret {
		v.Value = ""
	}
	for i := range e.Variables {
		if e.Variables[i].Name == v.Name {
			e.Variables[i] = v
			return
		}
	}
	e.Variables = append(e.Variables, v)
}
