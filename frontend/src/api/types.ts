// TypeScript mirrors of the JSON the Go side sends. Field names follow the
// Go `json:"…"` tags exactly (backend/send/record.go, backend/merge/result.go,
// backend/merge/metrics.go, backend/project/model.go, backend/script).

export type Kind =
  | 'request_sent'
  | 'redirect'
  | 'response_headers'
  | 'chunk'
  | 'event'
  | 'comment'
  | 'retry'
  | 'reconnect'
  | 'warning'
  | 'error'
  | 'end'

export type EndReason = 'complete' | 'truncated' | 'cancelled' | 'error' | 'timeout'

export interface Timing {
  dns_ms: number
  connect_ms: number
  tls_ms: number
  reused: boolean
  ttfb_ms: number
  first_event_ms: number
  duration_ms: number
}

export type Header = Record<string, string[]>

export interface RequestInfo {
  method: string
  url: string
  headers: Header | null
  body_size: number
}

/** A redirect answer (send.RedirectInfo): followed, or the answer itself. */
export interface RedirectInfo {
  status: number
  from: string
  to: string
  method: string
  cross_origin: boolean
  /** Headers not sent to `to` (credentials, on another origin). */
  dropped?: string[]
  body?: 'kept' | 'dropped'
  followed: boolean
  reason?: string
}

export interface ResponseInfo {
  status: number
  status_text: string
  proto: string
  headers: Header | null
  stream_kind: string
  encoding?: string
  timing: Timing
}

export interface ChunkInfo {
  offset: number
  size: number
  preview: string
  truncated?: boolean
}

export interface EventInfo {
  index: number
  type: string
  data: string
  id: string
  truncated?: boolean
  size?: number
  /** An AWS event-stream frame's headers (:event-type, :message-type, ...); absent for SSE and NDJSON. */
  headers?: { name: string; type: string; value: string }[]
  /** Where the event came from in the run's decoded body (RunService.RawSlice); raw_size absent: unknown. */
  raw_offset?: number
  raw_size?: number
}

export interface RetryInfo {
  reason: string
  wait_ms: number
  next_attempt: number
  last_event_id?: string
}

export interface Notice {
  code: string
  message: string
}

export interface EndInfo {
  reason: EndReason
  code?: string
  message?: string
  events: number
  bytes: number
  wire_bytes: number
  attempts: number
  timing: Timing
}

/** One timeline record (send.Record). */
export interface TimelineRecord {
  seq: number
  kind: Kind
  time_ms: number
  attempt: number
  request?: RequestInfo
  redirect?: RedirectInfo
  response?: ResponseInfo
  chunk?: ChunkInfo
  event?: EventInfo
  text?: string
  retry?: RetryInfo
  warning?: Notice
  error?: Notice
  end?: EndInfo
}

export interface ToolCall {
  index: number
  id: string
  name: string
  arguments: string
  arguments_error?: string
  output?: unknown
}

export interface StreamError {
  message: string
  type: string
  code?: string
}

export interface Choice {
  index: number
  content: string
  reasoning: string
  refusal?: string
  tool_calls: ToolCall[] | null
  finish_reason: string | null
}

export type Verdict = 'streaming' | 'complete' | 'cut_off' | 'max_tokens' | 'error' | 'data_lost'

/** merge.Result */
export interface MergeResult {
  format: string
  content: string
  reasoning: string
  tool_calls: ToolCall[] | null
  finish_reason: string | null
  usage: Record<string, unknown> | null
  error: StreamError | null
  complete: boolean
  events: number
  choices?: Choice[]
  verdict?: Verdict | string
  refusal?: string
  reasoning_signature?: string
  encrypted_reasoning?: string
  model?: string
  id?: string
  invalid_events?: number
  tool_plan?: string
  warnings?: string[]
}

/** merge.Metrics */
export interface Metrics {
  events: number
  content_events: number
  first_event_ms: number
  last_event_ms: number
  first_content_ms: number
  last_content_ms: number
  tokens: number
  tokens_from_usage: boolean
  tokens_per_second: number
  max_gap_ms: number
  max_gap_after: number
  gaps?: { after_event: number; ms: number }[]
}

/** script.TestResult */
export interface TestResult {
  name: string
  passed: boolean
  message: string
  event_seq?: number
}

/** script.LogLine */
export interface LogLine {
  level: string
  message: string
  event_seq?: number
}

// ---- project model (backend/project/model.go) ----

export interface KV {
  name: string
  value: string
  disabled?: boolean
}

export interface FormField {
  name: string
  value?: string
  file?: string
  disabled?: boolean
}

export interface Body {
  type: string
  content_type?: string
  text?: string
  fields?: FormField[]
}

export interface Auth {
  type: string
  token?: string
  username?: string
  password?: string
  key?: string
  value?: string
  in?: string
  /** sigv4 (AWS Signature Version 4) */
  access_key?: string
  secret_key?: string
  session_token?: string
  region?: string
  service?: string
}

export interface MergeSettings {
  format?: string
  content?: string
  reasoning?: string
  stop?: string
}

export interface Endpoint {
  schema: number
  name: string
  seq: number
  method: string
  url: string
  query?: KV[]
  headers?: KV[]
  body?: Body
  auth?: Auth
  stream?: string
  compressed?: boolean
  /** false: a redirect is the answer; unset follows. */
  follow_redirects?: boolean
  merge?: MergeSettings
  script?: string
  timeouts?: { header_ms?: number; idle_ms?: number }
  reconnect?: { enabled: boolean; max_attempts?: number; delay_ms?: number }
  retry?: { enabled: boolean; max_attempts?: number; max_wait_ms?: number; fallback_ms?: number }
  notes?: string
  file: string
  folder: string
}

export interface Folder {
  schema: number
  name: string
  seq: number
  notes?: string
  path: string
  has_file: boolean
}

export interface Variable {
  name: string
  value?: string
  secret?: boolean
}

export interface Environment {
  schema: number
  variables: Variable[] | null
  name: string
  file: string
}

export interface FileError {
  path: string
  line: number
  reason: string
}

export interface Project {
  dir: string
  meta: { schema: number; name: string; id: string; notes?: string }
  folders: Folder[] | null
  endpoints: Endpoint[] | null
  environments: Environment[] | null
  problems: FileError[] | null
}
