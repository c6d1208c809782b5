// The UI's measurements of itself, for the benchmarks of the production
// window (scripts/bench-ui). Off unless the Go side says so
// (SystemService.Diagnostics, the STREAMSCOPE_DIAG environment variable):
// a normal launch measures nothing and pays one flag check per render.
//
// Measured per run, and reported once it has ended and its last batch is
// on screen (SystemService.ReportDiagnostics):
//  - byte-to-screen latency: for every event whose id is a Unix time in
//    microseconds (the mock's X-Mock-Stamp, taken as the event is written
//    to the socket), the time from then to the end of the first frame
//    painted with the event in the Timeline (a requestAnimationFrame
//    callback, then a timer set from it: that runs once the frame is
//    painted, see afterFrame);
//  - frames: the gaps between consecutive animation frames while the run
//    streams; a gap over 100 ms is a stall of the UI;
//  - what the UI ends with: its event and record counts and merged text,
//    to compare with what was sent and with the command line's merge.
import type { DiagFrameParts, DiagFrames, DiagLatency, DiagRunReport } from '../api/app'
import type { TimelineRecord } from '../api/types'
import { hasBackend, system } from '../api/backend'
import type { RunData } from './runModel'

let enabled = false

/** Whether diagnostics are on (false until initDiagnostics has asked). */
export function diagEnabled(): boolean {
  return enabled
}

/** Asks the Go side whether to measure; starts the frame clock when so. */
export async function initDiagnostics(): Promise<void> {
  // The bindings may come a moment after this module (wails dev).
  for (let attempt = 0; attempt < 20 && !hasBackend(); attempt++) await new Promise((r) => setTimeout(r, 100))
  if (!hasBackend()) return
  try {
    enabled = (await system.diagnostics()).enabled
  } catch {
    enabled = false
  }
  if (enabled) {
    requestAnimationFrame(frame)
    setInterval(beat, beatMs)
    timeBridge()
  }
}

// ---- main-thread time spent on the bridge and on applying batches ----

/**
 * Milliseconds spent in the Wails event bridge (parse + listeners), in
 * applying batches, and in the rest of the frames that applied them, and
 * how often.
 */
export const busy = { bridgeMs: 0, bridgeCalls: 0, applyMs: 0, applyCalls: 0, frameRestMs: 0, frameRestCalls: 0, modelMs: 0, layoutMs: 0, pullMs: 0, pullCalls: 0 }

function timeBridge() {
  const w = window as unknown as { wails?: { EventsNotify?: (msg: string) => void } }
  const notify = w.wails?.EventsNotify
  if (!w.wails || !notify) return
  w.wails.EventsNotify = (msg: string) => {
    const t = performance.now()
    try {
      notify.call(w.wails, msg)
    } finally {
      busy.bridgeMs += performance.now() - t
      busy.bridgeCalls++
    }
  }
}

/**
 * Times one application of batches (apply + React render) and, when it is
 * applied in an animation frame, the rest of that frame: style, layout and
 * paint, and any task queued before the frame ended.
 */
export function diagTimeApply<T>(fn: () => T): T {
  if (!enabled) return fn()
  const t = performance.now()
  try {
    return fn()
  } finally {
    let end = performance.now()
    busy.applyMs += end - t
    if (inFrame) {
      // The layout this frame needs, forced here to tell it from the paint.
      void document.documentElement.offsetHeight
      const laid = performance.now()
      busy.layoutMs += laid - end
      parts.layoutMs += laid - end
      end = laid
    }
    parts.applyMs += end - t
    busy.applyCalls++
    if (inFrame)
      afterFrame(() => {
        busy.frameRestMs += performance.now() - end
        busy.frameRestCalls++
      })
  }
}

/** Runs fn and hands its duration in ms to add (fn alone when diagnostics are off). */
function timed<T>(fn: () => T, add: (ms: number) => void): T {
  if (!enabled) return fn()
  const t = performance.now()
  try {
    return fn()
  } finally {
    add(performance.now() - t)
  }
}

/** Times a pull of the live runs' batches (the request and its parsing). */
export function diagTimePull<T>(fn: () => T): T {
  return timed(fn, (ms) => {
    busy.pullMs += ms
    busy.pullCalls++
    parts.pullMs += ms
  })
}

/** Times the run model's part of applying batches. */
export function diagTimeModel<T>(fn: () => T): T {
  return timed(fn, (ms) => {
    busy.modelMs += ms
    parts.modelMs += ms
  })
}

/**
 * Runs fn once the current frame is painted (call from an animation frame
 * callback). WebKitGTK runs a frame's animation frame callbacks, layout and
 * paint in one task (the drawing area's display, which then sends the
 * painted region to the UI process), so a timer set from a callback runs
 * after the paint. Not a MessageChannel message: in WebKit every message
 * port goes through the network process, and measured in the production
 * window such a message came 9–17 ms after the frame's end at p90 where the
 * timer came after 6 ms.
 */
function afterFrame(fn: () => void): void {
  setTimeout(fn, 0)
}

// ---- frames ----

/** Gaps over this are kept with their time, to be counted per run. */
const slowFrameMs = 50
let frames = 0
let lastFrame = -1
const slowFrames: SlowFrame[] = []

interface SlowFrame {
  /** When the frame came, and how long after the one before. */
  at: number
  gap: number
  /** The longest tick of the main thread's heartbeat within the gap. */
  busy: number
  /** What the frame before spent. */
  before: DiagFrameParts
}

/** The current frame's main-thread time so far (see DiagFrameParts). */
let parts: DiagFrameParts = { pullMs: 0, applyMs: 0, modelMs: 0, layoutMs: 0, totalMs: -1 }

// The heartbeat: a timer every 20 ms. Its longest tick within a slow
// frame's gap tells a busy main thread (a tick as long as the gap) from a
// frame held up elsewhere, such as a paint waiting for the window's process
// (short ticks).
const beatMs = 20
let lastBeat = -1
let longestBeat = 0

function beat() {
  const t = performance.now()
  if (lastBeat >= 0) longestBeat = Math.max(longestBeat, t - lastBeat)
  lastBeat = t
}

function frame(t: number) {
  const start = performance.now()
  if (lastFrame >= 0) {
    const gap = t - lastFrame
    if (gap > slowFrameMs) slowFrames.push({ at: t, gap, busy: Math.max(longestBeat, start - lastBeat), before: parts })
  }
  lastFrame = t
  longestBeat = 0
  const cur: DiagFrameParts = { pullMs: 0, applyMs: 0, modelMs: 0, layoutMs: 0, totalMs: -1 }
  parts = cur
  afterFrame(() => (cur.totalMs = performance.now() - start))
  frames++
  requestAnimationFrame(frame)
}

const round1 = (ms: number) => Math.round(ms * 10) / 10

/** Summarises the frames between two performance.now() times. */
export function summariseFrames(gaps: SlowFrame[], count: number, from: number, to: number): DiagFrames {
  const inRun = gaps.filter((g) => g.at >= from && g.at <= to)
  inRun.sort((a, b) => b.gap - a.gap)
  const worst = inRun.slice(0, 20)
  return {
    count,
    maxGapMs: inRun.length ? inRun[0].gap : 0,
    over50: inRun.filter((g) => g.gap > 50).length,
    over100: inRun.filter((g) => g.gap > 100).length,
    worst: worst.map((g) => round1(g.gap)),
    worstAtMs: worst.map((g) => Math.round(g.at - from)),
    worstBusyMs: worst.map((g) => round1(g.busy)),
    worstBefore: worst.map((g) => ({ pullMs: round1(g.before.pullMs), applyMs: round1(g.before.applyMs), modelMs: round1(g.before.modelMs), layoutMs: round1(g.before.layoutMs), totalMs: round1(g.before.totalMs) })),
  }
}

// ---- latency ----

interface Probe {
  started: number
  frames0: number
  lastSeq: number
  latencies: Series
  /** The stamps (ms) of latencies, in the same order. */
  stamps: Series
  /** Stamp to the batch's arrival in JavaScript (the Go side and the bridge). */
  arrivals: Series
  arrivalStamps: Series
  skipped: number
  reported: boolean
  busy0: typeof busy
}

/**
 * Numbers appended in fixed blocks: a run at 20,000 events/s times over a
 * million events, and a plain array that long is copied whenever it grows
 * (at 2^20 values, four of them at once stalled the window for ~170 ms, a
 * stall of the measurement's own making).
 */
export class Series {
  private blocks: Float64Array[] = []
  private last = new Float64Array(0)
  private used = 0
  static readonly block = 65536

  push(v: number): void {
    if (this.used === this.last.length) {
      this.last = new Float64Array(Series.block)
      this.blocks.push(this.last)
      this.used = 0
    }
    this.last[this.used++] = v
  }

  get length(): number {
    return this.blocks.length === 0 ? 0 : (this.blocks.length - 1) * Series.block + this.used
  }

  /** The values in order, as one array. */
  values(): number[] {
    const out: number[] = []
    this.blocks.forEach((b, i) => {
      const n = i === this.blocks.length - 1 ? this.used : b.length
      for (let j = 0; j < n; j++) out.push(b[j])
    })
    return out
  }
}

const probes = new Map<string, Probe>()

function probe(runId: string): Probe {
  let p = probes.get(runId)
  if (!p) {
    p = { started: performance.now(), frames0: frames, lastSeq: 0, latencies: new Series(), stamps: new Series(), arrivals: new Series(), arrivalStamps: new Series(), skipped: 0, reported: false, busy0: { ...busy } }
    probes.set(runId, p)
  }
  return p
}

/** Starts measuring a run (its first batch is about to be applied). */
export function diagRunStarted(runId: string): void {
  if (enabled) probe(runId)
}

/** Whether batches are being applied inside an animation frame callback. */
let inFrame = false

/**
 * Says the batches applied from now until false are applied in an
 * animation frame callback (the store's flush): their render is painted
 * at the end of this frame, not the next.
 */
export function diagInFrame(v: boolean): void {
  inFrame = v
}

/** Times a batch's arrival from the Go side (before it is applied). */
export function diagBatchArrived(runId: string, records: TimelineRecord[] | null | undefined): void {
  if (!enabled || !records) return
  const p = probe(runId)
  const now = Date.now()
  for (const r of records) {
    if (r.kind !== 'event') continue
    const at = stampMs(r.event?.id)
    if (at !== null) {
      p.arrivals.push(now - at)
      p.arrivalStamps.push(at)
    }
  }
}

/** A stamp is a Unix time in microseconds: 16 digits, 2001 to 2286. */
export function stampMs(id: string | undefined): number | null {
  if (!id || !/^\d{16}$/.test(id)) return null
  return Number(id) / 1000
}

/**
 * Called when the Timeline has committed a render of a run's records (a
 * layout effect, before the paint): the events not seen before are timed
 * at the end of the next painted frame.
 */
export function diagTimelineRendered(runId: string | null, records: TimelineRecord[]): void {
  if (!enabled || !runId) return
  const p = probe(runId)
  if (p.reported || records.length === 0) return
  const fresh: TimelineRecord[] = []
  for (let i = records.length - 1; i >= 0 && records[i].seq > p.lastSeq; i--) fresh.push(records[i])
  if (fresh.length === 0) return
  p.lastSeq = records[records.length - 1].seq
  const afterPaint = () =>
    afterFrame(() => {
      const now = Date.now()
      for (const r of fresh) {
        if (r.kind !== 'event') continue
        const at = stampMs(r.event?.id)
        if (at === null) p.skipped++
        else {
          p.latencies.push(now - at)
          p.stamps.push(at)
        }
      }
    })
  if (inFrame) afterPaint()
  else requestAnimationFrame(afterPaint)
}

/** The nearest-rank percentile q of ascending values (0 for none). */
function rank(v: number[], q: number): number {
  return v.length ? v[Math.min(v.length - 1, Math.ceil(q * v.length) - 1)] : 0
}

const round2 = (x: number) => Math.round(x * 100) / 100

/**
 * Percentiles of latencies (nearest rank); with their stamps (ms, same
 * order), also the p99 of each second from the first stamp.
 */
export function summariseLatency(values: number[], skipped: number, stamps: number[] = []): DiagLatency {
  const v = values.slice().sort((a, b) => a - b)
  const bySecond: number[][] = []
  if (stamps.length === values.length && stamps.length > 0) {
    let first = stamps[0]
    for (const t of stamps) if (t < first) first = t
    values.forEach((x, i) => {
      const s = Math.max(0, Math.floor((stamps[i] - first) / 1000))
      ;(bySecond[s] ??= []).push(x)
    })
  }
  const p99BySecond = Array.from(bySecond, (xs) => round2(xs ? rank(xs.sort((a, b) => a - b), 0.99) : 0))
  return { count: v.length, p50: round2(rank(v, 0.5)), p90: round2(rank(v, 0.9)), p99: round2(rank(v, 0.99)), max: round2(v.length ? v[v.length - 1] : 0), skipped, p99BySecond }
}

/**
 * Called once a run's last batch has been applied: after a second (its
 * last frames painted), reports what the UI shows of it.
 */
export function diagRunEnded(runId: string, current: () => { data: RunData; missingBatches: number } | undefined): void {
  if (!enabled) return
  const p = probe(runId)
  setTimeout(() => {
    if (p.reported) return
    p.reported = true
    const cur = current()
    if (!cur) return
    const { data } = cur
    const now = performance.now()
    const report: DiagRunReport = {
      runId,
      events: data.counts.events,
      records: data.lastSeq,
      recordsInMemory: data.records.length,
      lastSeq: data.lastSeq,
      reordered: data.reordered,
      missingBatches: cur.missingBatches,
      verdict: data.merge.verdict,
      complete: data.merge.complete,
      reason: data.done?.reason ?? '',
      content: data.merge.content,
      latency: summariseLatency(p.latencies.values(), p.skipped, p.stamps.values()),
      arrival: summariseLatency(p.arrivals.values(), 0, p.arrivalStamps.values()),
      frames: summariseFrames(slowFrames, frames - p.frames0, p.started, now),
      durationS: (now - p.started) / 1000,
      bridgeMs: Math.round(busy.bridgeMs - p.busy0.bridgeMs),
      bridgeCalls: busy.bridgeCalls - p.busy0.bridgeCalls,
      applyMs: Math.round(busy.applyMs - p.busy0.applyMs),
      applyCalls: busy.applyCalls - p.busy0.applyCalls,
      frameRestMs: Math.round(busy.frameRestMs - p.busy0.frameRestMs),
      frameRestCalls: busy.frameRestCalls - p.busy0.frameRestCalls,
      modelMs: Math.round(busy.modelMs - p.busy0.modelMs),
      layoutMs: Math.round(busy.layoutMs - p.busy0.layoutMs),
      pullMs: Math.round(busy.pullMs - p.busy0.pullMs),
      pullCalls: busy.pullCalls - p.busy0.pullCalls,
    }
    probes.delete(runId)
    system.reportDiagnostics(report).catch((e) => console.error('diagnostics report failed', e))
  }, 1000)
}
