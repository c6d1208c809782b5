// An event's raw bytes for the Timeline's detail: the bytes it came from,
// as received (RunService.RawSlice), or, when those are not kept, a block
// rebuilt from the parsed event, labelled as such.
import { formatCount } from '../format'
import type { RawView } from './app'
import type { EventInfo } from './types'

/** The bytes of a RawView as text; an ill-formed UTF-8 sequence shows as U+FFFD. */
export function rawViewText(v: RawView): string {
  if (v.isText) return v.text
  const bin = atob(v.base64)
  const bytes = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i)
  return new TextDecoder('utf-8').decode(bytes)
}

/** An SSE block that parses to the event: not necessarily the bytes that were sent. */
export function reconstructEvent(ev: Pick<EventInfo, 'type' | 'id'>, data: string): string {
  const type = ev.type && ev.type !== 'message' ? `event: ${ev.type}\n` : ''
  const id = ev.id ? `id: ${ev.id}\n` : ''
  return `${type}${id}${data
    .split('\n')
    .map((l) => `data: ${l}`)
    .join('\n')}\n\n`
}

/** What a RawSlice call for the event gave: its view, or the call's error. */
export interface RawFetch {
  view: RawView | null
  error: string | null
}

export interface EventRaw {
  /** received: the bytes as received; loading: asked for; reconstructed: rebuilt from the parsed event. */
  source: 'received' | 'loading' | 'reconstructed'
  text: string
  /** Says where the text comes from (and, reconstructed, why). */
  note: string
}

/** The raw pane of an event: got is the RawSlice answer for it (null while none came). */
export function eventRaw(ev: EventInfo, data: string, got: RawFetch | null): EventRaw {
  const size = ev.raw_size ?? 0
  if (size > 0 && got === null) return { source: 'loading', text: '', note: 'loading the bytes received…' }
  const v = got?.view
  if (size > 0 && v?.available) {
    const at = `bytes ${formatCount(v.offset)}–${formatCount(v.offset + v.size)} of the body`
    const cut = v.shortened ? `, the first ${formatCount(v.size)} of ${formatCount(size)}` : ''
    return { source: 'received', text: rawViewText(v), note: `as received: ${at}${cut}` }
  }
  const why = got?.error || v?.reason || 'no bytes are known for this event (a replayed recording keeps only its events)'
  return { source: 'reconstructed', text: reconstructEvent(ev, data), note: `reconstructed from the parsed event, not the bytes received: ${why}` }
}
