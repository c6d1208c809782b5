// Pure helpers of the Timeline view: which records show, their one-line
// preview, and an incremental filter that only scans new records.
import type { TimelineRecord } from '../api/types'
import { oneLine } from '../format'

export interface Filter {
  /** Case-insensitive text to find in type, id and data. */
  text: string
  /** Event type to show ("" for all). */
  type: string
  /** Whether raw chunk records are listed (off by default: the Raw tab shows them). */
  chunks: boolean
}

export const defaultFilter: Filter = { text: '', type: '', chunks: false }

/** The type column of a record: the event's type, or the record kind. */
export function typeLabel(r: TimelineRecord): string {
  switch (r.kind) {
    case 'event':
      return r.event?.type || 'message'
    case 'request_sent':
      return 'request'
    case 'response_headers':
      return 'response'
    default:
      return r.kind
  }
}

// Top-level fields that repeat in every event of a provider's stream and
// say nothing about this one; the preview leaves them out.
const boring = new Set(['id', 'object', 'created', 'model', 'system_fingerprint', 'service_tier', 'obfuscation', 'created_at', 'modelVersion', 'responseId'])

/**
 * A JSON event's data as its meaningful leaves, on one line: the fields
 * every event repeats (ids, model, timestamps), nulls, empty strings and
 * array indexes are left out, and each leaf is named by its last two keys,
 * e.g. `delta.content: "Hello" · finish_reason: "stop"`. Other data is shown
 * as is.
 */
export function eventPreview(data: string): string {
  const t = data.trimStart()
  if ((t.startsWith('{') || t.startsWith('[')) && data.length < 16_384) {
    let v: unknown
    try {
      v = JSON.parse(data)
    } catch {
      return oneLine(data)
    }
    const parts: string[] = []
    let size = 0
    const walk = (x: unknown, path: string[], top: boolean) => {
      if (size > 300) return
      if (x === null || x === '' || x === undefined) return
      if (Array.isArray(x)) {
        x.forEach((y) => walk(y, path, false))
        return
      }
      if (typeof x === 'object') {
        for (const [k, y] of Object.entries(x as Record<string, unknown>)) {
          if ((top && boring.has(k)) || k === 'index') continue
          walk(y, [...path, k], false)
        }
        return
      }
      const label = path.slice(-2).join('.')
      const part = `${label ? `${label}: ` : ''}${JSON.stringify(x)}`
      parts.push(part)
      size += part.length
    }
    walk(v, [], true)
    if (parts.length > 0) return oneLine(parts.join(' · '))
  }
  return oneLine(data)
}

/** The one-line preview of a record. */
export function preview(r: TimelineRecord): string {
  switch (r.kind) {
    case 'event':
      return eventPreview(r.event?.data ?? '')
    case 'comment':
      return `: ${oneLine(r.text ?? '')}`
    case 'chunk':
      return `${r.chunk?.size ?? 0} B  ${oneLine(r.chunk?.preview ?? '', 160)}`
    case 'request_sent':
      return `${r.request?.method} ${r.request?.url}`
    case 'redirect': {
      const x = r.redirect
      if (!x) return ''
      if (!x.followed) return `${x.status} → ${x.to}, not followed: ${x.reason ?? ''}`
      const left = x.dropped?.length ? `; not sent there: ${x.dropped.join(', ')}` : ''
      return `${x.status} → ${x.method} ${x.to}${x.cross_origin ? ' (another origin)' : ''}${left}${x.body === 'dropped' ? '; body dropped' : ''}`
    }
    case 'response_headers': {
      const s = r.response
      return s ? `${s.status} ${s.status_text}  ${s.proto}  ${s.stream_kind}${s.encoding ? `  ${s.encoding}` : ''}` : ''
    }
    case 'retry':
    case 'reconnect':
      return r.retry ? `${r.retry.reason}: attempt ${r.retry.next_attempt} after ${Math.round(r.retry.wait_ms)} ms${r.retry.last_event_id ? `, Last-Event-ID ${r.retry.last_event_id}` : ''}` : ''
    case 'warning':
      return `${r.warning?.code}: ${r.warning?.message}`
    case 'error':
      return `${r.error?.code}: ${r.error?.message}`
    case 'end': {
      const e = r.end
      return e ? `${e.reason}${e.code ? ` (${e.code})` : ''}${e.message ? `: ${e.message}` : ''}  ·  ${e.events} events, ${e.bytes} bytes` : ''
    }
  }
  return ''
}

export function matches(r: TimelineRecord, f: Filter, needle: string): boolean {
  if (r.kind === 'chunk' && !f.chunks) return false
  if (f.type) {
    if (f.type === '!problems') {
      if (r.kind !== 'error' && r.kind !== 'warning' && !(r.kind === 'end' && r.end?.reason !== 'complete')) return false
    } else if (r.kind !== 'event' || (r.event?.type || 'message') !== f.type) return false
  }
  if (needle) {
    const hay = r.kind === 'event' ? `${r.event?.type} ${r.event?.id} ${r.event?.data}` : preview(r)
    if (!hay.toLowerCase().includes(needle)) return false
  }
  return true
}

/** Whether a record is an error to jump to. */
export function isProblem(r: TimelineRecord): boolean {
  return r.kind === 'error' || (r.kind === 'end' && r.end?.reason !== 'complete' && r.end?.reason !== undefined)
}

/**
 * Keeps the indexes of the records that pass a filter, scanning only the
 * records added since the last call while the filter and the list stay the
 * same (records are only appended).
 */
export class IncrementalFilter {
  private key = ''
  private list: TimelineRecord[] | null = null
  private scanned = 0
  private reordered = -1
  indexes: number[] = []

  update(records: TimelineRecord[], f: Filter, reordered = 0): number[] {
    const key = JSON.stringify(f)
    if (key !== this.key || records !== this.list || reordered !== this.reordered || records.length < this.scanned) {
      this.key = key
      this.list = records
      this.reordered = reordered
      this.scanned = 0
      this.indexes = []
    }
    const needle = f.text.trim().toLowerCase()
    const plain = !needle && !f.type && f.chunks
    const out = this.indexes
    for (let i = this.scanned; i < records.length; i++) {
      if (plain || matches(records[i], f, needle)) out.push(i)
    }
    this.scanned = records.length
    return out
  }
}

/** Milliseconds since the previous event record (for the gap column); -1 when none. */
export function gapBefore(records: TimelineRecord[], i: number): number {
  const r = records[i]
  if (r.kind !== 'event') return -1
  for (let j = i - 1; j >= 0 && j >= i - 64; j--) {
    if (records[j].kind === 'event') return r.time_ms - records[j].time_ms
  }
  return -1
}
