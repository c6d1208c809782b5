// The one place the UI reaches the Go side. Components and stores call the
// typed functions here, never window.go or wailsjs directly.
//
// Calls go through the same window.go.app.<Service>.<Method> entry points
// the generated wailsjs bindings use, typed by the mirrors in ./app and
// ./types, so a service that is not bound (an older build, a plain browser)
// fails with a clear error instead of a crash at import time.
import { EventsOn } from '../../wailsjs/runtime/runtime'
import type {
  BodyView,
  ChunkView,
  CredentialsMoved,
  CurlImport,
  DiagConfig,
  DiagRunReport,
  EndpointDoc,
  EnvironmentEdit,
  EnvironmentView,
  ExportResult,
  MockStatus,
  ProjectChanged,
  ProjectView,
  PullResponse,
  RawView,
  RecentProject,
  RecordPage,
  RuleCheck,
  RuleCheckRequest,
  RunBatch,
  RunRequest,
  RunResult,
  SecretsAccess,
  RunStarted,
  SettingsView,
} from './app'

type Service = 'SystemService' | 'RunService' | 'ProjectService' | 'MockService' | 'SettingsService'

interface GoWindow {
  go?: { app?: Record<string, Record<string, (...args: unknown[]) => Promise<unknown>>> }
}

/** Whether the Go side is there (false in a plain browser without Wails). */
export function hasBackend(): boolean {
  return typeof window !== 'undefined' && !!(window as unknown as GoWindow).go?.app
}

function call<T>(service: Service, method: string, ...args: unknown[]): Promise<T> {
  const fn = (window as unknown as GoWindow).go?.app?.[service]?.[method]
  if (!fn) return Promise.reject(new Error(`${service}.${method} is not available in this build`))
  return fn(...args) as Promise<T>
}

/** Subscribes to a Go event; returns the unsubscribe function. */
export function on<T>(event: string, fn: (data: T) => void): () => void {
  if (!(window as unknown as { runtime?: unknown }).runtime) return () => {}
  return EventsOn(event, (data: T) => fn(data))
}

/** Turns anything thrown by a binding into a message for people. */
export function errorText(e: unknown): string {
  if (e instanceof Error) return e.message
  if (typeof e === 'string') return e
  try {
    return JSON.stringify(e)
  } catch {
    return String(e)
  }
}

export interface AppInfo {
  name: string
  version: string
  goVersion: string
  platform: string
}

export const system = {
  info: () => call<AppInfo>('SystemService', 'Info'),
  diagnostics: () => call<DiagConfig>('SystemService', 'Diagnostics'),
  reportDiagnostics: (report: DiagRunReport) => call<string>('SystemService', 'ReportDiagnostics', report),
}

export type ExportKind = 'events-jsonl' | 'raw' | 'merged'

// ---- run events that arrive before their listener ----
//
// RunService.Send starts the run and returns its event name; batches may be
// emitted before the UI has registered its listener for that name, and the
// Wails runtime drops events nobody listens to. Every event passes through
// window.wails.EventsNotify (desktop and dev server alike), so run events
// with no listener of ours are kept here for a while and handed over when
// the listener comes.

interface WailsWindow {
  wails?: { EventsNotify?: (msg: string) => void }
}

const listening = new Set<string>()
const early = new Map<string, { at: number; data: unknown[] }>()
const earlyKeepMs = 30_000
const earlyMaxBatches = 10_000
let hooked = false

/** Starts keeping early run events (idempotent; a no-op without Wails). */
export function keepEarlyRunEvents(): void {
  const w = window as unknown as WailsWindow
  if (hooked || !w.wails?.EventsNotify) return
  hooked = true
  const notify = w.wails.EventsNotify.bind(w.wails)
  w.wails.EventsNotify = (msg: string) => {
    notify(msg)
    const m = /^\{"name":"(run:[^"\\]+)"/.exec(msg)
    if (!m || listening.has(m[1])) return
    try {
      const parsed = JSON.parse(msg) as { data?: unknown[] }
      const now = Date.now()
      for (const [k, v] of early) if (now - v.at > earlyKeepMs) early.delete(k)
      const buf = early.get(m[1]) ?? { at: now, data: [] }
      if (buf.data.length < earlyMaxBatches) buf.data.push(parsed.data?.[0])
      early.set(m[1], buf)
    } catch {
      // not ours to judge: the runtime itself reports bad messages
    }
  }
}

/** Subscribes to a run's batches, first handing over those that came early. */
function onRunEvent(event: string, fn: (b: RunBatch) => void): () => void {
  listening.add(event)
  const off = on<RunBatch>(event, fn)
  const buf = early.get(event)
  early.delete(event)
  for (const d of buf?.data ?? []) fn(d as RunBatch)
  return () => {
    listening.delete(event)
    off()
  }
}

export const runs = {
  send: (req: RunRequest) => (keepEarlyRunEvents(), call<RunStarted>('RunService', 'Send', req)),
  stop: (runId: string) => call<void>('RunService', 'Stop', runId),
  forget: (runId: string) => call<void>('RunService', 'Forget', runId),
  result: (runId: string) => call<RunResult>('RunService', 'Result', runId),
  body: (runId: string) => call<BodyView>('RunService', 'Body', runId),
  chunk: (runId: string, seq: number) => call<ChunkView>('RunService', 'Chunk', runId, seq),
  /** Up to 1 MiB of the run's decoded body as received, from offset (chunk offset, event raw_offset). */
  rawSlice: (runId: string, offset: number, size: number) => call<RawView>('RunService', 'RawSlice', runId, offset, size),
  /** Up to count (≤ 5,000) records from seq from on, paged back in from the run's record log. */
  records: (runId: string, from: number, count: number) => call<RecordPage>('RunService', 'Records', runId, from, count),
  /** Exports a finished run; an empty path asks with a save dialog (Path "" when cancelled). */
  export: (runId: string, kind: ExportKind, path = '') => call<ExportResult>('RunService', 'Export', runId, kind, path),
  /** Saves a finished run as recordings/NAME.jsonl; returns the path in the project. */
  saveRecording: (runId: string, name: string) => call<string>('RunService', 'SaveRecording', runId, name),
  replayRecording: (name: string) => (keepEarlyRunEvents(), call<RunStarted>('RunService', 'ReplayRecording', name)),
  /** The run's state so far as one batch (texts whole with reset, no records); later batches have a greater seq. */
  snapshot: (runId: string) => call<RunBatch>('RunService', 'Snapshot', runId),
  checkRule: (req: RuleCheckRequest) => call<RuleCheck>('RunService', 'CheckRule', req),
  onBatch: onRunEvent,
  pull: pullRuns,
  pullLater: pullRunsLater,
}

/** Where the app's asset server answers pulls (app.PullPath). */
export const pullPath = '/_streamscope/pull'

/**
 * The pull transport (app/transport): the new batches of the given runs,
 * asked for synchronously, so that a frame that pulls at its start shows
 * what it got in that same frame. Null when there is nothing to ask (no Go
 * side) or the app does not answer pulls; the batches then come pushed as
 * "run:<id>" events.
 */
function pullRuns(runIds: string[]): PullResponse | null {
  if (!hasBackend() || runIds.length === 0) return null
  try {
    const x = new XMLHttpRequest()
    x.open('GET', pullURL(runIds), false)
    x.send()
    return x.status === 200 ? parsePull(x.responseText) : null
  } catch {
    return null
  }
}

/**
 * The same pull without waiting for it: resolves with the answer's text
 * once it is in, for parsePull (null as for pullRuns). It goes through the
 * pull socket (app/transport/socket.go) while there is one, otherwise to the
 * asset server. The main thread is free meanwhile; only the parse is left
 * to it.
 */
async function pullRunsLater(runIds: string[]): Promise<string | null> {
  if (!hasBackend() || runIds.length === 0) return null
  const ws = await pullSocket()
  if (ws) {
    const text = await new Promise<string | null>((resolve) => {
      answers.push(resolve)
      try {
        ws.send(runIds.join(','))
      } catch {
        socketGone()
      }
    })
    if (text !== null) return text
  }
  try {
    const r = await fetch(pullURL(runIds), { cache: 'no-store' })
    return r.ok ? await r.text() : null
  } catch {
    return null
  }
}

/** Where the asset server tells the pull socket's address (app.PullSocketPath). */
export const pullSocketPath = '/_streamscope/pull-socket'

/**
 * The pull socket: opened the first time a pull without waiting is sent;
 * null once there is none (no such socket, it failed or closed), and pulls
 * then go to the asset server. Each pull sent gets one answer, in order:
 * answers holds their resolvers.
 */
let socket: Promise<WebSocket | null> | null = null
const answers: ((text: string | null) => void)[] = []

function socketGone() {
  socket = Promise.resolve(null)
  for (const resolve of answers.splice(0)) resolve(null)
}

function pullSocket(): Promise<WebSocket | null> {
  socket ??= openPullSocket()
  return socket
}

async function openPullSocket(): Promise<WebSocket | null> {
  try {
    const r = await fetch(pullSocketPath, { cache: 'no-store' })
    const url = r.ok ? ((await r.json()) as { url?: unknown }).url : null
    if (typeof url !== 'string' || !/^ws:\/\/127\.0\.0\.1:\d+\//.test(url)) return null
    const ws = new WebSocket(url)
    await new Promise<void>((resolve, reject) => {
      ws.onopen = () => resolve()
      ws.onerror = ws.onclose = () => reject(new Error('the pull socket did not open'))
    })
    ws.onmessage = (e: MessageEvent) => answers.shift()?.(typeof e.data === 'string' ? e.data : null)
    ws.onerror = ws.onclose = () => socketGone()
    return ws
  } catch {
    return null
  }
}

function pullURL(runIds: string[]): string {
  return `${pullPath}?runs=${runIds.map(encodeURIComponent).join(',')}`
}

/** The answer to a pull from its text; null when the text is not one. */
export function parsePull(text: string | null): PullResponse | null {
  if (text === null) return null
  try {
    const res = JSON.parse(text) as PullResponse
    return res && typeof res.runs === 'object' && res.runs !== null ? res : null
  } catch {
    return null
  }
}

export const projects = {
  current: () => call<ProjectView>('ProjectService', 'Current'),
  open: (dir: string) => call<ProjectView>('ProjectService', 'Open', dir),
  openDialog: () => call<ProjectView>('ProjectService', 'OpenDialog'),
  chooseDirectory: (title: string) => call<string>('ProjectService', 'ChooseDirectory', title),
  newProject: (dir: string, name: string) => call<ProjectView>('ProjectService', 'NewProject', dir, name),
  openDemo: () => call<ProjectView>('ProjectService', 'OpenDemo'),
  close: () => call<ProjectView>('ProjectService', 'Close'),
  recent: () => call<RecentProject[]>('ProjectService', 'Recent'),
  getEndpoint: (ref: string) => call<EndpointDoc>('ProjectService', 'GetEndpoint', ref),
  saveEndpoint: (doc: EndpointDoc) => call<EndpointDoc>('ProjectService', 'SaveEndpoint', doc),
  createEndpoint: (folder: string, name: string, url: string) =>
    call<EndpointDoc>('ProjectService', 'CreateEndpoint', folder, name, url),
  renameEndpoint: (ref: string, name: string) => call<EndpointDoc>('ProjectService', 'RenameEndpoint', ref, name),
  duplicateEndpoint: (ref: string) => call<EndpointDoc>('ProjectService', 'DuplicateEndpoint', ref),
  deleteEndpoint: (ref: string) => call<ProjectView>('ProjectService', 'DeleteEndpoint', ref),
  moveEndpoint: (ref: string, folder: string, index: number) =>
    call<ProjectView>('ProjectService', 'MoveEndpoint', ref, folder, index),
  createFolder: (parent: string, name: string) => call<ProjectView>('ProjectService', 'CreateFolder', parent, name),
  moveFolder: (path: string, parent: string, index: number) => call<ProjectView>('ProjectService', 'MoveFolder', path, parent, index),
  importCurl: (text: string, name: string, folder: string) =>
    call<CurlImport>('ProjectService', 'ImportCurl', text, name, folder),
  exportCurl: (ref: string) => call<string>('ProjectService', 'ExportCurl', ref),
  getEnvironment: (name: string) => call<EnvironmentView>('ProjectService', 'GetEnvironment', name),
  saveEnvironment: (edit: EnvironmentEdit) => call<EnvironmentView>('ProjectService', 'SaveEnvironment', edit),
  secretsAccess: () => call<SecretsAccess>('ProjectService', 'SecretsAccess'),
  trustSecrets: () => call<ProjectView>('ProjectService', 'TrustSecrets'),
  moveCredentials: (ref: string, env: string) => call<CredentialsMoved>('ProjectService', 'MoveCredentials', ref, env),
  deleteEnvironment: (name: string) => call<ProjectView>('ProjectService', 'DeleteEnvironment', name),
  renameFolder: (path: string, name: string) => call<ProjectView>('ProjectService', 'RenameFolder', path, name),
  deleteFolder: (path: string) => call<ProjectView>('ProjectService', 'DeleteFolder', path),
  onChanged: (fn: (c: ProjectChanged) => void) => on<ProjectChanged>('project:changed', fn),
}

export const settings = {
  get: () => call<SettingsView>('SettingsService', 'Get'),
  setTheme: (theme: string) => call<SettingsView>('SettingsService', 'SetTheme', theme),
  setMockEnabled: (on: boolean) => call<SettingsView>('SettingsService', 'SetMockEnabled', on),
  saveWindowState: () => call<SettingsView>('SettingsService', 'SaveWindowState'),
  clearRecent: () => call<SettingsView>('SettingsService', 'ClearRecent'),
  onChanged: (fn: (s: SettingsView) => void) => on<SettingsView>('settings:changed', fn),
}

export const mock = {
  status: () => call<MockStatus>('MockService', 'Status'),
  start: () => call<MockStatus>('MockService', 'Start'),
  stop: () => call<MockStatus>('MockService', 'Stop'),
}

export interface MenuEvent {
  action: string
  path: string
}

/** Menu actions arrive as events "menu:<action>" (app/menu.go). */
export function onMenu(action: string, fn: (e: MenuEvent) => void): () => void {
  return on<MenuEvent>(`menu:${action}`, (e) => fn(e ?? { action, path: '' }))
}

/** A problem at startup the user should see (mock server, demo, last project). */
export function onProblem(fn: (msg: string) => void): () => void {
  return on<string>('app:problem', fn)
}

export function onMockChanged(fn: (s: MockStatus) => void): () => void {
  return on<MockStatus>('mock:changed', fn)
}
