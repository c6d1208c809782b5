// TypeScript mirrors of the app/ binding types (app/run_types.go,
// app/project.go, app/settings.go, app/mock.go): camelCase JSON.
import type { Endpoint, MergeResult, Metrics, StreamError, TimelineRecord, Timing } from './types'

export interface RunRequest {
  ref: string
  endpoint: Endpoint | null
  script: string | null
  environment: string
  vars: Record<string, string> | null
}

export interface RunStarted {
  runId: string
  event: string
  method: string
  url: string
}

export interface TextDelta {
  append: string
  reset: boolean
  total: number
}

export interface ToolCallView {
  index: number
  id: string
  name: string
  arguments: string
  argumentsError: string
  argumentsTruncated: boolean
  argumentsSize: number
}

export interface ChoiceDelta {
  index: number
  content?: TextDelta
  reasoning?: TextDelta
  toolCalls?: ToolCallView[]
  finishReason: string | null
}

export interface MergeDelta {
  format: string
  content?: TextDelta
  reasoning?: TextDelta
  refusal?: TextDelta
  toolCalls?: ToolCallView[]
  choices?: ChoiceDelta[]
  finishReason: string | null
  usage: Record<string, unknown> | null
  error: StreamError | null
  verdict: string
  complete: boolean
  events: number
  model: string
  id: string
  warnings: string[] | null
  pending: boolean
}

export interface RunMetrics {
  elapsedMs: number
  dnsMs: number
  connectMs: number
  tlsMs: number
  ttfbMs: number
  firstEventMs: number
  firstTokenMs: number
  events: number
  records: number
  bytes: number
  tokens: number
  tokensFromUsage: boolean
  tokensPerSecond: number
  eventsPerSecond: number
  maxGapMs: number
}

export interface RunDone {
  status: number
  reason: string
  code: string
  message: string
  durationMs: number
  events: number
  bytes: number
  wireBytes: number
  attempts: number
  verdict: string
  complete: boolean
  streamKind: string
  contentType: string
  testsPassed: number
  testsFailed: number
  scriptError: string
  replay: boolean
}

export interface ScriptLog {
  level: string
  message: string
  eventSeq: number
}

export interface ScriptTest {
  name: string
  passed: boolean
  message: string
  eventSeq: number
}

export interface RunBatch {
  runId: string
  seq: number
  records: TimelineRecord[] | null
  merge?: MergeDelta
  metrics?: RunMetrics
  logs?: ScriptLog[]
  tests?: ScriptTest[]
  done?: RunDone
}

/** The answer to a pull (app/transport; not a binding, so not in the generated models). */
export interface PullResponse {
  /** Each run's new batches in seq order; a run with nothing new is left out. */
  runs: Record<string, RunBatch[]>
  /** Runs asked for that the Go side does not know (forgotten, or from an earlier launch). */
  unknown: string[]
}

export interface RunResult {
  runId: string
  running: boolean
  merge: MergeResult
  metrics: Metrics
  status: number
  headers: Record<string, string[]> | null
  timing: Timing
  done: RunDone | null
  logs: ScriptLog[] | null
  tests: ScriptTest[] | null
}

export interface BodyView {
  contentType: string
  text: string
  base64: string
  isText: boolean
  size: number
  truncated: boolean
}

export interface ChunkView {
  seq: number
  available: boolean
  text: string
  base64: string
  isText: boolean
  size: number
}

/** A piece of a run's decoded body as received (RunService.RawSlice). */
export interface RawView {
  offset: number
  size: number
  available: boolean
  reason: string
  text: string
  base64: string
  isText: boolean
  shortened: boolean
}

export interface ExportResult {
  path: string
  bytes: number
}

export interface RuleCheckRequest {
  runId: string
  samples: string[] | null
  content: string
  reasoning: string
  stop: string
}

export interface RuleCheck {
  events: number
  content: number
  reasoning: number
  stop: number
  error: string
  preview: string
}

// ---- project ----

export interface TreeItem {
  kind: 'folder' | 'endpoint'
  ref: string
  name: string
  parent: string
  depth: number
  seq: number
  method: string
  url: string
  file: string
  hasScript: boolean
}

export interface VariableView {
  name: string
  value: string
  secret: boolean
  hasValue: boolean
}

export interface EnvironmentView {
  name: string
  file: string
  variables: VariableView[] | null
}

export interface Problem {
  path: string
  line: number
  reason: string
}

export interface RecordingView {
  path: string
  /** What ReplayRecording takes. */
  name: string
  /** The endpoint ref the run came from ("" when unknown). */
  endpoint: string
}

export interface ProjectView {
  open: boolean
  defaultEnvironment?: string
  recordingItems?: RecordingView[] | null
  dir: string
  name: string
  id: string
  isDemo: boolean
  items: TreeItem[] | null
  environments: EnvironmentView[] | null
  problems: Problem[] | null
  recordings: string[] | null
}

export interface EndpointDoc {
  ref: string
  endpoint: Endpoint
  script: string
  variables: string[] | null
}

export interface CurlImport {
  endpoint: EndpointDoc
  warnings: string[] | null
  /** Literal credentials the command carried (where and what, never the value). */
  credentials: Credential[] | null
}

/** A literal credential in an endpoint (project.Credential). */
export interface Credential {
  field: string
  what: string
  var: string
}

/** ProjectService.MoveCredentials's answer. */
export interface CredentialsMoved {
  endpoint: EndpointDoc
  environment: string
  moved: Credential[] | null
}

/** Whether the open project's folder may use the secrets of its id (ProjectService.SecretsAccess). */
export interface SecretsAccess {
  trusted: boolean
  dir: string
  id: string
  owners: string[] | null
  message: string
}

export interface ProjectChanged {
  dir: string
  reason: string
  error: string
}

export interface RecentProject {
  path: string
  name: string
  openedAt?: string
  [k: string]: unknown
}

export interface SettingsView {
  theme: 'system' | 'light' | 'dark' | string
  mockEnabled: boolean
  window: unknown
  recent: RecentProject[] | null
  lastProject: string
  path: string
  loadError: string
}

export interface MockStatus {
  running: boolean
  baseUrl: string
  error: string
  activeRequests: number
}

export interface VariableEdit {
  name: string
  value: string
  secret: boolean
  /** Keep the secret's stored value (its Value is not sent back to the UI). */
  keepSecret: boolean
}

export interface EnvironmentEdit {
  name: string
  variables: VariableEdit[]
}

/** SystemService.Diagnostics: whether the UI measures itself (STREAMSCOPE_DIAG). */
export interface DiagConfig {
  enabled: boolean
  dir: string
}

export interface DiagLatency {
  count: number
  p50: number
  p90: number
  p99: number
  max: number
  skipped: number
  p99BySecond: number[]
}

export interface DiagFrames {
  count: number
  maxGapMs: number
  over50: number
  over100: number
  worst: number[]
  worstAtMs: number[]
  worstBusyMs: number[]
  worstBefore: DiagFrameParts[]
}

export interface DiagFrameParts {
  pullMs: number
  applyMs: number
  modelMs: number
  layoutMs: number
  totalMs: number
}

/** What the UI measured of one run (SystemService.ReportDiagnostics). */
export interface DiagRunReport {
  runId: string
  events: number
  records: number
  recordsInMemory: number
  lastSeq: number
  reordered: number
  missingBatches: number
  verdict: string
  complete: boolean
  reason: string
  content: string
  latency: DiagLatency
  arrival: DiagLatency
  frames: DiagFrames
  durationS: number
  bridgeMs: number
  bridgeCalls: number
  applyMs: number
  applyCalls: number
  frameRestMs: number
  frameRestCalls: number
  modelMs: number
  layoutMs: number
  pullMs: number
  pullCalls: number
}

/** RunService.Records: consecutive timeline records paged back in from a run's record log. */
export interface RecordPage {
  records: TimelineRecord[]
  from: number
  first: number
  last: number
}
