// The UI's model of one run, and the pure functions that apply the Go
// side's batches to it. A run's record list is append-only and shared
// between versions (copying it per batch would be O(n²) at 20,000
// events/s); every applied batch makes a new RunData object with a higher
// version, so React sees one change per batch.
import type { ChoiceDelta, MergeDelta, RunBatch, RunDone, RunMetrics, ScriptLog, ScriptTest, TextDelta, ToolCallView } from '../api/app'
import type { RequestInfo, ResponseInfo, StreamError, TimelineRecord } from '../api/types'
import { sortBySeq } from './batches'

export interface ChoiceView {
  index: number
  content: string
  reasoning: string
  toolCalls: ToolCallView[]
  finishReason: string | null
}

export interface MergeView {
  format: string
  content: string
  reasoning: string
  refusal: string
  toolCalls: ToolCallView[]
  choices: ChoiceView[]
  finishReason: string | null
  usage: Record<string, unknown> | null
  error: StreamError | null
  verdict: string
  complete: boolean
  events: number
  model: string
  id: string
  warnings: string[]
  pending: boolean
}

export interface Counts {
  events: number
  chunks: number
  comments: number
  warnings: number
  errors: number
  retries: number
}

/**
 * Events per time bucket and the longest gap that ended in it, for the
 * chart. Buckets start 10 ms wide and double whenever the run outgrows
 * rateMaxBuckets of them, so a short run and a long one both fill the chart.
 */
export interface RateSeries {
  bucketMs: number
  events: number[]
  maxGap: number[]
}

export interface RunData {
  version: number
  /**
   * The newest records (at most keepRecords plus a step); older ones are
   * paged out: the Go side keeps them on disk (RunService.Records).
   */
  records: TimelineRecord[]
  /** How many of the oldest records were dropped from memory. */
  pagedOut: number
  lastSeq: number
  /** Records that arrived with a seq not after the previous one (dev mode), put in order. */
  reordered: number
  request?: RequestInfo
  response?: ResponseInfo
  merge: MergeView
  metrics?: RunMetrics
  logs: ScriptLog[]
  tests: ScriptTest[]
  done?: RunDone
  counts: Counts
  rate: RateSeries
  lastEventMs: number
  /** Event types seen, in first-seen order. */
  types: string[]
}

export function emptyMerge(): MergeView {
  return {
    format: '',
    content: '',
    reasoning: '',
    refusal: '',
    toolCalls: [],
    choices: [],
    finishReason: null,
    usage: null,
    error: null,
    verdict: '',
    complete: false,
    events: 0,
    model: '',
    id: '',
    warnings: [],
    pending: false,
  }
}

export function newRunData(): RunData {
  return {
    version: 0,
    records: [],
    pagedOut: 0,
    lastSeq: 0,
    reordered: 0,
    merge: emptyMerge(),
    logs: [],
    tests: [],
    counts: { events: 0, chunks: 0, comments: 0, warnings: 0, errors: 0, retries: 0 },
    rate: { bucketMs: rateBucketMs, events: [], maxGap: [] },
    lastEventMs: -1,
    types: [],
  }
}

/** Applies a text delta: append, or replace when reset. */
export function applyText(cur: string, d: TextDelta | undefined): string {
  if (!d) return cur
  return d.reset ? d.append : cur + d.append
}

function applyChoices(cur: ChoiceView[], ds: ChoiceDelta[] | undefined): ChoiceView[] {
  if (!ds || ds.length === 0) return cur
  const out = cur.slice()
  for (const d of ds) {
    let i = out.findIndex((c) => c.index === d.index)
    if (i < 0) {
      out.push({ index: d.index, content: '', reasoning: '', toolCalls: [], finishReason: null })
      i = out.length - 1
    }
    const c = out[i]
    out[i] = {
      index: c.index,
      content: applyText(c.content, d.content),
      reasoning: applyText(c.reasoning, d.reasoning),
      toolCalls: d.toolCalls ?? c.toolCalls,
      finishReason: d.finishReason ?? c.finishReason,
    }
  }
  out.sort((a, b) => a.index - b.index)
  return out
}

/** Applies one merge delta: texts are deltas, the small fields come whole. */
export function applyMergeDelta(cur: MergeView, d: MergeDelta | undefined): MergeView {
  if (!d) return cur
  return {
    format: d.format || cur.format,
    content: applyText(cur.content, d.content),
    reasoning: applyText(cur.reasoning, d.reasoning),
    refusal: applyText(cur.refusal, d.refusal),
    toolCalls: d.toolCalls ?? cur.toolCalls,
    choices: applyChoices(cur.choices, d.choices),
    finishReason: d.finishReason,
    usage: d.usage,
    error: d.error,
    verdict: d.verdict,
    complete: d.complete,
    events: d.events,
    model: d.model,
    id: d.id,
    warnings: d.warnings ?? [],
    pending: d.pending,
  }
}

/** The chart's finest bucket, and how many buckets it holds before they double in width. */
export const rateBucketMs = 10
export const rateMaxBuckets = 150

/** Merges pairs of buckets: the series covers twice the time with as many buckets. */
function coarsen(rate: RateSeries): void {
  const n = Math.ceil(rate.events.length / 2)
  for (let i = 0; i < n; i++) {
    rate.events[i] = rate.events[2 * i] + (rate.events[2 * i + 1] ?? 0)
    rate.maxGap[i] = Math.max(rate.maxGap[2 * i], rate.maxGap[2 * i + 1] ?? 0)
  }
  rate.events.length = n
  rate.maxGap.length = n
  rate.bucketMs *= 2
}

function addRate(rate: RateSeries, timeMs: number, gap: number): void {
  while (timeMs >= rate.bucketMs * rateMaxBuckets) coarsen(rate)
  const b = Math.max(0, Math.floor(timeMs / rate.bucketMs))
  while (rate.events.length <= b) {
    rate.events.push(0)
    rate.maxGap.push(0)
  }
  rate.events[b]++
  if (gap > rate.maxGap[b]) rate.maxGap[b] = gap
}

/**
 * Applies batches (already in batch order) to a run, in one step. The
 * record array is extended in place; the returned RunData is a new object.
 */
export function applyBatches(cur: RunData, batches: RunBatch[]): RunData {
  if (batches.length === 0) return cur
  const next: RunData = { ...cur, counts: { ...cur.counts }, version: cur.version + 1 }
  let types = cur.types
  for (const b of batches) {
    const recs = b.records ? sortBySeq(b.records) : []
    for (const r of recs) {
      if (r.seq <= next.lastSeq) {
        // Only possible when batches were split oddly: keep the list sorted.
        if (next.records.some((x) => x.seq === r.seq)) continue
        next.reordered++
        const at = next.records.findIndex((x) => x.seq > r.seq)
        next.records.splice(at < 0 ? next.records.length : at, 0, r)
      } else {
        next.records.push(r)
        next.lastSeq = r.seq
      }
      switch (r.kind) {
        case 'request_sent':
          next.request = r.request
          break
        case 'response_headers':
          next.response = r.response
          break
        case 'chunk':
          next.counts.chunks++
          break
        case 'event': {
          next.counts.events++
          const gap = next.lastEventMs < 0 ? 0 : r.time_ms - next.lastEventMs
          next.lastEventMs = r.time_ms
          addRate(next.rate, r.time_ms, gap)
          const t = r.event?.type || 'message'
          if (!types.includes(t)) types = [...types, t]
          break
        }
        case 'comment':
          next.counts.comments++
          break
        case 'warning':
          next.counts.warnings++
          break
        case 'error':
          next.counts.errors++
          break
        case 'retry':
        case 'reconnect':
          next.counts.retries++
          break
      }
    }
    next.merge = applyMergeDelta(next.merge, b.merge)
    if (b.metrics) next.metrics = b.metrics
    if (b.logs?.length) next.logs = next.logs.concat(b.logs)
    if (b.tests?.length) next.tests = next.tests.concat(b.tests)
    if (b.done) next.done = b.done
  }
  next.types = types
  const keep = pageOut(next.records)
  if (keep !== next.records) {
    next.pagedOut += next.records.length - keep.length
    next.records = keep
  }
  // The rate arrays are mutated in place; give the chart a fresh identity.
  next.rate = { ...next.rate }
  return next
}

/**
 * How many of the newest records a run keeps in memory (the Timeline pages
 * older ones in from disk). Fewer records mean a smaller JavaScript heap
 * and shorter garbage collections: at 20,000 events/s for 30 s in the
 * production window, 50,000 gave 10 frame gaps over 100 ms, 20,000 gave 2–3
 * (and 54 over 50 ms), 10,000 gave 1 (and 29 over 50 ms); for 60 s with the
 * pull transport, 10,000 gave 27 gaps over 50 ms, 5,000 gave 14.
 */
export const keepRecords = 5_000
/** Records are dropped from memory this many at a time. */
export const pageOutStep = 2_500

/**
 * Bounds memory on long runs: once there are pageOutStep records more than
 * keepRecords, returns a new array of the newest keepRecords (the older
 * ones stay on disk on the Go side, for RunService.Records); otherwise the
 * same array. A new array also tells incremental scanners to start again.
 */
export function pageOut(records: TimelineRecord[]): TimelineRecord[] {
  if (records.length < keepRecords + pageOutStep) return records
  return records.slice(records.length - keepRecords)
}
